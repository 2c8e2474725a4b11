/**
 * E-mail notices in the recipient's language (SPEC §10, §13): English, Traditional Chinese, Simplified
 * Chinese, Russian and Swedish, with the reference portal's own terms (交易 / сделка / affär for a deal).
 * Each notice renders as a subject, plain text and HTML with a link to the deal. A template only receives
 * what the recipient's organization may see of the deal: its own record's name, the customer, the other
 * party's organization name and status, the shared note.
 */

import { LOCALES, type Locale, NOTICE_KINDS, type NoticeKind } from '../../core/schemas.ts';

export { LOCALES, type Locale, NOTICE_KINDS, type NoticeKind };

/** What a notice says; every field is one the recipient may see. */
export interface NoticeData {
  dealName?: string | undefined;
  customer?: string | undefined;
  /** The other organization: the sender of a received deal, the invitee that answered, a note's author's org. */
  otherOrg?: string | undefined;
  expiresAt?: string | null | undefined;
  daysLeft?: number | undefined;
  author?: string | undefined;
  note?: string | undefined;
  url?: string | undefined;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Strings = {
  [K in NoticeKind]: {
    subject: (d: Required<NoticeData>) => string;
    body: (d: Required<NoticeData>) => string;
  };
} & { open: string; footer: string; respondBy: string };

const STRINGS: Record<Locale, Strings> = {
  en: {
    'deal-received': {
      subject: (d) => `New referral: ${d.dealName}`,
      body: (d) => `${d.otherOrg} sent you a deal: ${d.dealName} for ${d.customer}.`,
    },
    'deal-reminder': {
      subject: (d) => `${d.daysLeft === 1 ? '1 day' : `${d.daysLeft} days`} left to respond: ${d.dealName}`,
      body: (d) =>
        `The deal ${d.dealName} for ${d.customer} from ${d.otherOrg} expires unless you accept or decline it.`,
    },
    'deal-accepted': {
      subject: (d) => `${d.otherOrg} accepted ${d.dealName}`,
      body: (d) => `${d.otherOrg} accepted your deal ${d.dealName} for ${d.customer}.`,
    },
    'deal-declined': {
      subject: (d) => `${d.otherOrg} declined ${d.dealName}`,
      body: (d) => `${d.otherOrg} declined your deal ${d.dealName} for ${d.customer}.`,
    },
    'deal-expired': {
      subject: (d) => `${d.dealName} expired at ${d.otherOrg}`,
      body: (d) =>
        `${d.otherOrg} did not respond to your deal ${d.dealName} for ${d.customer} in time; it expired.`,
    },
    'note-added': {
      subject: (d) => `New note on ${d.dealName}`,
      body: (d) => `${d.author} (${d.otherOrg}) added a note to ${d.dealName}:\n\n${d.note}`,
    },
    'webhook-disabled': {
      subject: () => 'Webhook disabled after failed deliveries',
      body: (d) =>
        `Deliveries to ${d.url} kept failing, so the subscription was disabled. Fix the receiver, then enable it again and redeliver from its delivery log.`,
    },
    open: 'Open the deal',
    footer:
      'You get this e-mail because of your role or your place on the deal team. Choose which notices you get by e-mail in your notification settings.',
    respondBy: 'Respond by',
  },
  'zh-TW': {
    'deal-received': {
      subject: (d) => `新推薦：${d.dealName}`,
      body: (d) => `${d.otherOrg} 傳送了一筆交易給您：${d.dealName}（客戶：${d.customer}）。`,
    },
    'deal-reminder': {
      subject: (d) => `還有 ${d.daysLeft} 天回應：${d.dealName}`,
      body: (d) => `來自 ${d.otherOrg} 的交易 ${d.dealName}（客戶：${d.customer}）若未接受或拒絕，將會過期。`,
    },
    'deal-accepted': {
      subject: (d) => `${d.otherOrg} 已接受 ${d.dealName}`,
      body: (d) => `${d.otherOrg} 已接受您的交易 ${d.dealName}（客戶：${d.customer}）。`,
    },
    'deal-declined': {
      subject: (d) => `${d.otherOrg} 已拒絕 ${d.dealName}`,
      body: (d) => `${d.otherOrg} 已拒絕您的交易 ${d.dealName}（客戶：${d.customer}）。`,
    },
    'deal-expired': {
      subject: (d) => `${d.dealName} 在 ${d.otherOrg} 已過期`,
      body: (d) => `${d.otherOrg} 未在期限內回應您的交易 ${d.dealName}（客戶：${d.customer}），交易已過期。`,
    },
    'note-added': {
      subject: (d) => `${d.dealName} 有新附注`,
      body: (d) => `${d.author}（${d.otherOrg}）在 ${d.dealName} 新增了附注：\n\n${d.note}`,
    },
    'webhook-disabled': {
      subject: () => 'Webhook 因傳遞失敗已停用',
      body: (d) =>
        `傳遞到 ${d.url} 持續失敗，因此已停用此訂閱。修正接收端後，請重新啟用並從傳遞記錄重新傳遞。`,
    },
    open: '開啟交易',
    footer:
      '您收到此電子郵件是因為您的角色或您在交易團隊中。您可以在通知設定中選擇要以電子郵件接收哪些通知。',
    respondBy: '回應期限',
  },
  'zh-CN': {
    'deal-received': {
      subject: (d) => `新引荐：${d.dealName}`,
      body: (d) => `${d.otherOrg} 向你发送了一笔交易：${d.dealName}（客户：${d.customer}）。`,
    },
    'deal-reminder': {
      subject: (d) => `还有 ${d.daysLeft} 天回复：${d.dealName}`,
      body: (d) => `来自 ${d.otherOrg} 的交易 ${d.dealName}（客户：${d.customer}）如未接受或拒绝，将会过期。`,
    },
    'deal-accepted': {
      subject: (d) => `${d.otherOrg} 已接受 ${d.dealName}`,
      body: (d) => `${d.otherOrg} 已接受你的交易 ${d.dealName}（客户：${d.customer}）。`,
    },
    'deal-declined': {
      subject: (d) => `${d.otherOrg} 已拒绝 ${d.dealName}`,
      body: (d) => `${d.otherOrg} 已拒绝你的交易 ${d.dealName}（客户：${d.customer}）。`,
    },
    'deal-expired': {
      subject: (d) => `${d.dealName} 在 ${d.otherOrg} 已过期`,
      body: (d) => `${d.otherOrg} 未在期限内回复你的交易 ${d.dealName}（客户：${d.customer}），交易已过期。`,
    },
    'note-added': {
      subject: (d) => `${d.dealName} 有新备注`,
      body: (d) => `${d.author}（${d.otherOrg}）在 ${d.dealName} 添加了备注：\n\n${d.note}`,
    },
    'webhook-disabled': {
      subject: () => 'Webhook 因传递失败已禁用',
      body: (d) =>
        `传递到 ${d.url} 持续失败，因此已禁用此订阅。修复接收端后，请重新启用并从传递日志重新传递。`,
    },
    open: '打开交易',
    footer:
      '你收到此电子邮件是因为你的角色或你在交易团队中。你可以在通知设置中选择通过电子邮件接收哪些通知。',
    respondBy: '回复截止',
  },
  ru: {
    'deal-received': {
      subject: (d) => `Новое приглашение: ${d.dealName}`,
      body: (d) => `${d.otherOrg} отправил(а) вам сделку: ${d.dealName}, клиент ${d.customer}.`,
    },
    'deal-reminder': {
      subject: (d) => `Осталось дней для ответа: ${d.daysLeft} — ${d.dealName}`,
      body: (d) =>
        `Сделка ${d.dealName} (клиент ${d.customer}) от ${d.otherOrg} истечет, если вы ее не примете или не отклоните.`,
    },
    'deal-accepted': {
      subject: (d) => `${d.otherOrg} принял(а) сделку ${d.dealName}`,
      body: (d) => `${d.otherOrg} принял(а) вашу сделку ${d.dealName}, клиент ${d.customer}.`,
    },
    'deal-declined': {
      subject: (d) => `${d.otherOrg} отклонил(а) сделку ${d.dealName}`,
      body: (d) => `${d.otherOrg} отклонил(а) вашу сделку ${d.dealName}, клиент ${d.customer}.`,
    },
    'deal-expired': {
      subject: (d) => `Срок сделки ${d.dealName} у ${d.otherOrg} истек`,
      body: (d) =>
        `${d.otherOrg} не ответил(а) вовремя на вашу сделку ${d.dealName} (клиент ${d.customer}); срок истек.`,
    },
    'note-added': {
      subject: (d) => `Новое примечание к сделке ${d.dealName}`,
      body: (d) => `${d.author} (${d.otherOrg}) добавил(а) примечание к сделке ${d.dealName}:\n\n${d.note}`,
    },
    'webhook-disabled': {
      subject: () => 'Веб-перехватчик отключен из-за ошибок доставки',
      body: (d) =>
        `Доставка на ${d.url} постоянно завершалась ошибкой, поэтому подписка отключена. Исправьте получателя, снова включите подписку и повторите доставку из журнала.`,
    },
    open: 'Открыть сделку',
    footer:
      'Вы получили это письмо из-за своей роли или участия в команде сделки. Выберите, какие уведомления получать по электронной почте, в настройках уведомлений.',
    respondBy: 'Ответить до',
  },
  sv: {
    'deal-received': {
      subject: (d) => `Ny hänvisning: ${d.dealName}`,
      body: (d) => `${d.otherOrg} har skickat en affär till er: ${d.dealName} för ${d.customer}.`,
    },
    'deal-reminder': {
      subject: (d) => `${d.daysLeft === 1 ? '1 dag' : `${d.daysLeft} dagar`} kvar att svara: ${d.dealName}`,
      body: (d) =>
        `Affären ${d.dealName} för ${d.customer} från ${d.otherOrg} förfaller om ni inte accepterar eller avböjer den.`,
    },
    'deal-accepted': {
      subject: (d) => `${d.otherOrg} accepterade ${d.dealName}`,
      body: (d) => `${d.otherOrg} accepterade er affär ${d.dealName} för ${d.customer}.`,
    },
    'deal-declined': {
      subject: (d) => `${d.otherOrg} avböjde ${d.dealName}`,
      body: (d) => `${d.otherOrg} avböjde er affär ${d.dealName} för ${d.customer}.`,
    },
    'deal-expired': {
      subject: (d) => `${d.dealName} har förfallit hos ${d.otherOrg}`,
      body: (d) =>
        `${d.otherOrg} svarade inte i tid på er affär ${d.dealName} för ${d.customer}; den har förfallit.`,
    },
    'note-added': {
      subject: (d) => `Ny anteckning om ${d.dealName}`,
      body: (d) => `${d.author} (${d.otherOrg}) lade till en anteckning om ${d.dealName}:\n\n${d.note}`,
    },
    'webhook-disabled': {
      subject: () => 'Webhook inaktiverad efter misslyckade leveranser',
      body: (d) =>
        `Leveranserna till ${d.url} misslyckades gång på gång, så prenumerationen inaktiverades. Åtgärda mottagaren, aktivera den igen och leverera om från leveransloggen.`,
    },
    open: 'Öppna affären',
    footer:
      'Du får detta e-postmeddelande på grund av din roll eller din plats i affärens team. Välj vilka aviseringar du får via e-post i dina aviseringsinställningar.',
    respondBy: 'Svara senast',
  },
};

export const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

// One formatter per locale: building an Intl.DateTimeFormat costs far more than formatting with it (it was the
// largest single cost of rendering a notice).
const instantFormats = new Map<Locale, Intl.DateTimeFormat>();

function formatInstant(iso: string, locale: Locale): string {
  let format = instantFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    instantFormats.set(locale, format);
  }
  return format.format(new Date(iso));
}

/** One notice as a mail in `locale` (unknown locales fall back to English). */
export function renderMail(kind: NoticeKind, localeName: string, data: NoticeData): RenderedMail {
  const locale: Locale = isLocale(localeName) ? localeName : 'en';
  const strings = STRINGS[locale];
  const d: Required<NoticeData> = {
    dealName: data.dealName ?? '',
    customer: data.customer ?? '',
    otherOrg: data.otherOrg ?? '',
    expiresAt: data.expiresAt ?? null,
    daysLeft: data.daysLeft ?? 0,
    author: data.author ?? '',
    note: data.note ?? '',
    url: data.url ?? '',
  };
  const template = strings[kind];
  const subject = template.subject(d);
  const body = template.body(d);
  const due =
    (kind === 'deal-received' || kind === 'deal-reminder') && d.expiresAt
      ? `${strings.respondBy}: ${formatInstant(d.expiresAt, locale)} (UTC)`
      : null;
  const link = kind === 'webhook-disabled' ? null : d.url;
  const text = [body, due, link ? `${strings.open}: ${link}` : null, '--', strings.footer]
    .filter((line): line is string => line !== null)
    .join('\n\n');
  const paragraphs = body
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
  const html =
    `<!doctype html><html lang="${locale}"><body style="font-family:Segoe UI,Helvetica,Arial,sans-serif">` +
    paragraphs +
    (due ? `<p>${escapeHtml(due)}</p>` : '') +
    (link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(strings.open)}</a></p>` : '') +
    `<hr><p style="color:#666;font-size:12px">${escapeHtml(strings.footer)}</p></body></html>`;
  return { subject, text, html };
}
