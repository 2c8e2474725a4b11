/**
 * Sending mail over SMTP with nodemailer (`SMTP_URL`: smtp://host:port, smtps://user:pass@host:465).
 * A failure (server down, refused recipient) rejects, so the dispatcher records the attempt and retries.
 */
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our delivery id, sent as a header so a receiving system can detect a repeated delivery. */
  deliveryId: string;
  locale: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const url = new URL(smtpUrl);
  // Timeouts keep a dead server from holding a delivery's lease for long.
  for (const [name, ms] of [
    ['connectionTimeout', 10_000],
    ['greetingTimeout', 10_000],
    ['socketTimeout', 30_000],
  ] as const)
    if (!url.searchParams.has(name)) url.searchParams.set(name, String(ms));
  const transport = nodemailer.createTransport(url.toString());
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { 'X-Cosell-Delivery': mail.deliveryId, 'Content-Language': mail.locale },
      });
    },
    close: () => transport.close(),
  };
}
