/**
 * Notices end to end (SPEC §10): the dispatcher fans committed events out to in-app notifications and
 * e-mail, delivered through a real SMTP server on loopback. Recipients per rule, mail per locale, retries
 * while the SMTP server is down, no duplicates, dead letters, reminders, preferences, and no notice for a
 * change that was rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailKey } from '../server/access/actor.ts';
import { DAY_MS } from '../server/clock.ts';
import { smtpMailer } from '../server/mail/transport.ts';
import { actorFor } from '../server/services/auth.ts';
import { Dispatcher } from '../server/services/dispatcher.ts';
import { mutateDeal } from '../server/services/mutate-deal.ts';
import { fanOutPending, newReminderProgress, scheduleReminders } from '../server/services/notices.ts';
import { addNoteInScope } from '../server/services/transition-deal.ts';
import {
  contact,
  dealBody,
  invitation,
  makeUser,
  standardWorld,
  type UserFixture,
  type World,
} from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';
import { type SmtpSink, startSmtp } from './notice-servers.ts';

type Auth = { authorization: string };
const PUBLIC_URL = 'https://cosell.example.test';

describe.each(DIALECTS)('notices on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  let smtp: SmtpSink;
  let dispatcher: Dispatcher;
  let extra: {
    litMoscowUser: UserFixture;
    litShanghaiAdmin: UserFixture;
    litMoscowAdmin: UserFixture;
    litSv: UserFixture;
  };

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);
  const setLocale = async (user: UserFixture, locale: string) => {
    const res = await call('PATCH', '/api/v1/me', user.auth, { locale });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.locale).toBe(locale);
  };
  const create = async (auth: Auth, body: Record<string, unknown>) => {
    const res = await call('POST', '/api/v1/deals', auth, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  /** Litware's inbound record of an engagement. */
  const inbound = async (auth: Auth, engagementId: string) => {
    const res = await call('GET', '/api/v1/deals?view=inbound&limit=100', auth);
    const found = res.json().items.find((d: { engagementId: string }) => d.engagementId === engagementId);
    if (!found) throw new Error('no inbound record');
    return (await call('GET', `/api/v1/deals/${found.id}`, auth)).json();
  };
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
  const p2pDeal = (name: string, team = [world.users.radmin.member]) =>
    create(
      world.users.radmin.auth,
      dealBody(world, {
        name,
        invitations: [invitation(world, { team })],
      } as never),
    );

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    env.ctx.config.publicUrl = `${PUBLIC_URL}/`;
    world = await standardWorld(env);
    const [moscow, shanghai] = world.litware.locations as unknown as [{ id: string }, { id: string }];
    extra = {
      litMoscowUser: await makeUser(env.ctx, world.litware, 'ivan@litware.example', [
        { role: 'referrals-user', locationIds: [moscow.id] },
      ]),
      litShanghaiAdmin: await makeUser(env.ctx, world.litware, 'li@litware.example', [
        { role: 'referrals-admin', locationIds: [shanghai.id] },
      ]),
      litMoscowAdmin: await makeUser(env.ctx, world.litware, 'olga@litware.example', [
        { role: 'referrals-admin', locationIds: [moscow.id] },
      ]),
      litSv: await makeUser(env.ctx, world.litware, 'sven@litware.example', [{ role: 'partner-admin' }]),
    };
    smtp = await startSmtp();
    dispatcher = new Dispatcher(env.ctx, {
      mailer: smtpMailer(smtp.url, 'cosell <notices@cosell.example.test>'),
      random: () => 1,
    });
    await setLocale(extra.litMoscowUser, 'ru');
    await setLocale(extra.litShanghaiAdmin, 'zh-CN');
    await setLocale(world.users.radmin, 'sv');
  });
  afterAll(async () => {
    await smtp?.stop();
    await env?.close();
  });

  it('PATCH /me refuses an unknown locale and changes nothing', async () => {
    const res = await call('PATCH', '/api/v1/me', world.users.litware.auth, { locale: 'xx' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid-input', path: 'locale' });
    const me = await call('GET', '/api/v1/me', world.users.litware.auth);
    expect(me.json().user.locale).toBe('en');
  });

  it('a new inbound deal mails the admins whose scope covers its location and the named team, each in their language', async () => {
    smtp.messages.length = 0;
    const deal = await p2pDeal('Inbound for Litware', [
      extra.litMoscowUser.member,
      world.users.radmin.member,
    ]);
    const round = await dispatcher.runOnce();
    expect(round.delivered).toBeGreaterThan(0);
    const litRecord = await inbound(world.users.litware.auth, deal.engagementId);
    // Litware's record lands on Shanghai (the location owning Litware Insight).
    expect(litRecord.location.id).toBe(world.litware.locations[1]?.id);

    const recipients = smtp.messages.flatMap((m) => m.to).sort();
    expect(recipients).toEqual(
      [world.users.litware.email, extra.litShanghaiAdmin.email, extra.litMoscowUser.email].sort(),
    );
    // Not the creator's own team (own outbound deal), not the Moscow-scoped admin, not the partner-admin.
    expect(mailsTo(world.users.radmin.email)).toHaveLength(0);
    expect(mailsTo(extra.litMoscowAdmin.email)).toHaveLength(0);

    const en = mailsTo(world.users.litware.email)[0];
    const ru = mailsTo(extra.litMoscowUser.email)[0];
    const zh = mailsTo(extra.litShanghaiAdmin.email)[0];
    expect(en?.subject).toBe('New referral: Inbound for Litware');
    expect(ru?.subject).toBe('Новое приглашение: Inbound for Litware');
    expect(zh?.subject).toBe('新引荐：Inbound for Litware');
    expect(ru?.text).toContain('сделку');
    expect(zh?.text).toContain('交易');
    for (const mail of [en, ru, zh]) {
      expect(mail?.text).toContain(`${PUBLIC_URL}/deals/${litRecord.id}`);
      expect(mail?.html).toContain(`href="${PUBLIC_URL}/deals/${litRecord.id}"`);
      expect(mail?.text).toContain('Contoso');
      expect(mail?.headers['x-cosell-delivery']).toBeTruthy();
      // Never the sender's organization-internal fields.
      expect(`${mail?.text}${mail?.html}`).not.toContain('OPP-');
    }

    // Every notice is in the in-app list as well.
    const list = await call('GET', '/api/v1/notifications', extra.litMoscowUser.auth);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ unreadCount: 1 });
    expect(list.json().items[0]).toMatchObject({
      kind: 'deal-received',
      dealId: litRecord.id,
      read: false,
      data: { dealName: 'Inbound for Litware', otherOrg: 'Contoso' },
    });
    expect((await call('GET', '/api/v1/notifications', world.users.radmin.auth)).json().items).toEqual([]);

    // A second round sends nothing again.
    const before = smtp.messages.length;
    await dispatcher.runOnce();
    expect(smtp.messages.length).toBe(before);
  });

  it('a fan-out transaction stops at its time budget; the events it did not reach stay pending for the next', async () => {
    await dispatcher.runOnce();
    const pending = async () =>
      Number(
        (
          await env.ctx.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('dispatch_state', '=', 'pending')
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await pending()).toBe(0);
    for (const name of ['Budget one', 'Budget two', 'Budget three']) await p2pDeal(name);
    const before = await pending();
    expect(before).toBeGreaterThanOrEqual(3);
    // No time at all: the transaction fans out one event, commits, and the requests waiting get their turn.
    expect(await fanOutPending(env.ctx, { mailEnabled: true, giveUpAfterMs: DAY_MS, budgetMs: 0 })).toBe(1);
    expect(await pending()).toBe(before - 1);
    await dispatcher.runOnce();
    expect(await pending()).toBe(0);
    const names = (await call('GET', '/api/v1/notifications', world.users.litware.auth))
      .json()
      .items.map((item: { data: { dealName?: string } }) => item.data.dealName);
    expect(names).toEqual(expect.arrayContaining(['Budget one', 'Budget two', 'Budget three']));
  });

  it('accept and decline tell the sender’s team; a note tells the deal’s team; nothing for one’s own change', async () => {
    smtp.messages.length = 0;
    const deal = await p2pDeal('Answered by Litware', [world.users.radmin.member]);
    await dispatcher.runOnce();
    smtp.messages.length = 0;
    const litRecord = await inbound(world.users.litware.auth, deal.engagementId);
    const accepted = await call(
      'POST',
      `/api/v1/deals/${litRecord.id}/accept`,
      world.users.litware.auth,
      { crmId: 'LIT-SECRET-1', team: [world.users.litware.member] },
      { 'if-match': `"${litRecord.version}"` },
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
    await dispatcher.runOnce();
    expect(smtp.messages.flatMap((m) => m.to)).toEqual([world.users.radmin.email]);
    const sv = smtp.messages[0];
    expect(sv?.subject).toBe('Litware accepterade Answered by Litware');
    expect(sv?.text).toContain(`${PUBLIC_URL}/deals/${deal.id}`);
    expect(`${sv?.text}${sv?.html}`).not.toContain('LIT-SECRET-1');

    // A note by Contoso's radmin: Litware's team hears, the author does not.
    smtp.messages.length = 0;
    const current = (await call('GET', `/api/v1/deals/${deal.id}`, world.users.radmin.auth)).json();
    const note = await call(
      'POST',
      `/api/v1/deals/${deal.id}/notes`,
      world.users.radmin.auth,
      { body: 'Customer wants a demo <b>next week</b>' },
      { 'if-match': `"${current.version}"` },
    );
    expect(note.statusCode, note.body).toBe(201);
    await dispatcher.runOnce();
    expect(smtp.messages.flatMap((m) => m.to)).toEqual([world.users.litware.email]);
    expect(smtp.messages[0]?.subject).toBe('New note on Answered by Litware');
    expect(smtp.messages[0]?.text).toContain('Customer wants a demo <b>next week</b>');
    expect(smtp.messages[0]?.html).toContain('&lt;b&gt;next week&lt;/b&gt;');
  });

  it('a private deal never mails or notifies anyone outside its organization', async () => {
    smtp.messages.length = 0;
    const deal = await create(
      world.users.radmin.auth,
      dealBody(world, { name: 'Private one', team: [world.users.radmin.member, world.users.userSe.member] }),
    );
    const note = await call(
      'POST',
      `/api/v1/deals/${deal.id}/notes`,
      world.users.radmin.auth,
      { body: 'internal only' },
      { 'if-match': `"${deal.version}"` },
    );
    expect(note.statusCode).toBe(201);
    await dispatcher.runOnce();
    expect(smtp.messages.flatMap((m) => m.to)).toEqual([world.users.userSe.email]);
    for (const user of [world.users.vadmin, world.users.seller, world.users.litware, world.users.fabrikam]) {
      const list = (await call('GET', '/api/v1/notifications', user.auth)).json();
      expect(list.items.some((n: { data: { dealName?: string } }) => n.data.dealName === 'Private one')).toBe(
        false,
      );
    }
  });

  it('a change that is rolled back produces no notice', async () => {
    smtp.messages.length = 0;
    const deal = await create(
      world.users.radmin.auth,
      dealBody(world, { name: 'Rolled back', team: [world.users.radmin.member, world.users.userSe.member] }),
    );
    await dispatcher.runOnce();
    smtp.messages.length = 0;
    const actor = await actorFor(env.ctx, world.users.radmin.id, { kind: 'internal' });
    if (!actor) throw new Error('no actor');
    await expect(
      mutateDeal(env.ctx, actor, deal.id, deal.version, 'addNote', async (scope) => {
        await addNoteInScope(scope, actor, 'this note never happened');
        scope.event('deal.updated', { changes: { name: { from: 'a', to: 'b' } } });
        throw new Error('the change fails after writing its events');
      }),
    ).rejects.toThrow('the change fails');
    const round = await dispatcher.runOnce();
    expect(round.events).toBe(0);
    expect(smtp.messages).toHaveLength(0);
    expect(
      (await call('GET', '/api/v1/notifications', world.users.userSe.auth)).json().items,
    ).not.toContainEqual(
      expect.objectContaining({ data: expect.objectContaining({ note: 'this note never happened' }) }),
    );
    const events = await env.ctx.db
      .selectFrom('events')
      .select('id')
      .where('participant_id', '=', deal.id)
      .where('type', '=', 'deal.note-added')
      .execute();
    expect(events).toHaveLength(0);
  });

  it('retries while the SMTP server is down, delivers once when it returns, and gives up into a dead letter', async () => {
    smtp.messages.length = 0;
    await smtp.stop();
    const deal = await p2pDeal('While mail is down');
    const first = await dispatcher.runOnce();
    // Litware's entire-company admin and its Shanghai admin.
    expect(first.delivered).toBe(0);
    expect(first.failed).toBe(2);
    const delivery = await env.ctx.db
      .selectFrom('deliveries')
      .selectAll()
      .where('recipient', '=', world.users.litware.email)
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(delivery.attempts).toBe(1);
    expect(delivery.last_error).toBeTruthy();
    // Not due again before its backoff (30 s with full jitter pinned to 100 %).
    expect(delivery.next_attempt_at).toBe(new Date(env.ctx.clock.now().getTime() + 30_000).toISOString());
    expect((await dispatcher.runOnce()).failed).toBe(0);
    env.ctx.clock.advance(31_000);
    expect((await dispatcher.runOnce()).failed).toBe(2);

    await smtp.start();
    env.ctx.clock.advance(120_000);
    const back = await dispatcher.runOnce();
    expect(back.delivered).toBe(2);
    await dispatcher.runOnce();
    const got = mailsTo(world.users.litware.email);
    expect(got).toHaveLength(1);
    expect(got[0]?.subject).toBe('New referral: While mail is down');
    const attempts = await env.ctx.db
      .selectFrom('delivery_attempts')
      .select(['ok', 'error'])
      .where('delivery_id', '=', delivery.id)
      .orderBy('attempted_at')
      .execute();
    expect(attempts.map((a) => a.ok)).toEqual([0, 0, 1]);

    // Down for longer than the horizon (3 days): a dead letter, visible to the recipient's organization admins.
    smtp.messages.length = 0;
    await smtp.stop();
    await p2pDeal('Mail down for days');
    for (let hour = 0; hour <= 80; hour += 1) {
      await dispatcher.runOnce();
      env.ctx.clock.advance(3_600_000);
    }
    const dead = await call('GET', '/api/v1/dead-letters', world.users.litware.auth);
    expect(dead.statusCode, dead.body).toBe(200);
    const letter = dead
      .json()
      .items.find((d: { recipient: string; kind: string }) => d.recipient === world.users.litware.email);
    expect(letter).toMatchObject({ channel: 'email', kind: 'deal-received' });
    expect(letter.attempts).toBeGreaterThan(5);
    // Contoso's admin sees no dead letter of Litware's; a referrals-user may not look.
    expect((await call('GET', '/api/v1/dead-letters', world.users.radmin.auth)).json().items).toEqual([]);
    expect((await call('GET', '/api/v1/dead-letters', extra.litMoscowUser.auth)).statusCode).toBe(403);
    expect(
      (await call('POST', `/api/v1/dead-letters/${letter.id}/retry`, world.users.radmin.auth)).statusCode,
    ).toBe(404);

    await smtp.start();
    const retry = await call('POST', `/api/v1/dead-letters/${letter.id}/retry`, world.users.litware.auth);
    expect(retry.statusCode, retry.body).toBe(204);
    const again = await call('POST', `/api/v1/dead-letters/${letter.id}/retry`, world.users.litware.auth);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('delivery-not-dead');
    await dispatcher.runOnce();
    expect(mailsTo(world.users.litware.email).map((m) => m.subject)).toContain(
      'New referral: Mail down for days',
    );
    expect(deal.id).toBeTruthy();
  });

  it('reminds 3 days and 1 day before expiry, once each; expiry tells the sender’s team', async () => {
    smtp.messages.length = 0;
    const deal = await p2pDeal('Waiting for an answer');
    await dispatcher.runOnce();
    smtp.messages.length = 0;
    env.ctx.clock.advance(11 * DAY_MS + 3_600_000); // 2 days 23 hours left
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    const reminders = mailsTo(world.users.litware.email).filter((m) =>
      m.subject.includes('Waiting for an answer'),
    );
    expect(reminders.map((m) => m.subject)).toEqual(['3 days left to respond: Waiting for an answer']);
    expect(mailsTo(extra.litMoscowUser.email).filter((m) => m.subject.includes('Waiting'))).toHaveLength(0);
    expect(
      mailsTo(extra.litShanghaiAdmin.email)
        .filter((m) => m.subject.includes('Waiting'))
        .map((m) => m.subject),
    ).toEqual(['还有 3 天回复：Waiting for an answer']);
    env.ctx.clock.advance(2 * DAY_MS);
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    expect(
      mailsTo(world.users.litware.email)
        .filter((m) => m.subject.includes('Waiting for an answer'))
        .map((m) => m.subject),
    ).toEqual([
      '3 days left to respond: Waiting for an answer',
      '1 day left to respond: Waiting for an answer',
    ]);

    // Reminders are notices, not changes: the activity timeline does not list them.
    const litRecord = await inbound(world.users.litware.auth, deal.engagementId);
    const activity = await call('GET', `/api/v1/deals/${litRecord.id}/activity`, world.users.litware.auth);
    expect(activity.json().items.map((e: { type: string }) => e.type)).not.toContain('deal.reminder');
    const reminderEvents = await env.ctx.db
      .selectFrom('events')
      .select('id')
      .where('participant_id', '=', litRecord.id)
      .where('type', '=', 'deal.reminder')
      .execute();
    expect(reminderEvents).toHaveLength(2);

    smtp.messages.length = 0;
    env.ctx.clock.advance(DAY_MS);
    const read = await call('GET', `/api/v1/deals/${deal.id}`, world.users.radmin.auth);
    expect(read.json().participants.find((p: { status: string }) => p.status === 'expired')).toBeTruthy();
    await dispatcher.runOnce();
    // (Reading Litware's list above also expired its older overdue referrals: only this deal's notice counts.)
    const expired = smtp.messages.filter((m) => m.subject.includes('Waiting for an answer'));
    expect(expired.flatMap((m) => m.to)).toEqual([world.users.radmin.email]);
    expect(expired.map((m) => m.subject)).toEqual(['Waiting for an answer har förfallit hos Litware']);
  });

  it('reads each part of a reminder window once, and all of it again after a while', async () => {
    const remindersOf = async (participantId: string) =>
      (
        await env.ctx.db
          .selectFrom('reminders')
          .select('days')
          .where('participant_id', '=', participantId)
          .execute()
      ).map((r) => r.days);
    const edited = await inbound(
      world.users.litware.auth,
      (await p2pDeal('Expiry edited by hand')).engagementId,
    );
    const entering = await inbound(
      world.users.litware.auth,
      (await p2pDeal('Expiry entering the window')).engagementId,
    );
    const progress = newReminderProgress();
    await scheduleReminders(env.ctx, progress);
    // An expiry moved by hand into the part of the 3-day window already read is not read again at once...
    const soon = new Date(env.ctx.clock.now().getTime() + 2 * DAY_MS).toISOString();
    await env.ctx.db
      .updateTable('participants')
      .set({ expires_at: soon })
      .where('id', '=', edited.id)
      .execute();
    await scheduleReminders(env.ctx, progress);
    expect(await remindersOf(edited.id)).toEqual([]);
    // ...but once the whole window is read again.
    progress.fullScanAt = -Infinity;
    await scheduleReminders(env.ctx, progress);
    expect(await remindersOf(edited.id)).toEqual([3]);
    // A record whose expiry enters the window as the clock moves is read in the part that is new.
    expect(await remindersOf(entering.id)).toEqual([]);
    env.ctx.clock.advance(11 * DAY_MS + 3_600_000);
    await scheduleReminders(env.ctx, progress);
    expect(await remindersOf(entering.id)).toEqual([3]);
    env.ctx.clock.advance(3_600_000);
    await scheduleReminders(env.ctx, progress);
    env.ctx.clock.advance(2 * DAY_MS);
    await scheduleReminders(env.ctx, progress);
    expect((await remindersOf(entering.id)).sort()).toEqual([1, 3]);
    await dispatcher.runOnce();
  });

  it('the vendor’s decision on a help request tells the partner’s team', async () => {
    smtp.messages.length = 0;
    const deal = await create(
      world.users.radmin.auth,
      dealBody(world, {
        name: 'Help wanted',
        vendorHelp: 'proof-of-concept-or-demo',
        customerContact: contact,
        consent: { shareContactWithVendor: true },
      } as never),
    );
    await dispatcher.runOnce();
    // The vendor-admin hears of the request (in English, the default); the partner's own team does not.
    expect(mailsTo(world.users.vadmin.email).map((m) => m.subject)).toEqual(['New referral: Help wanted']);
    expect(mailsTo(world.users.radmin.email)).toHaveLength(0);
    smtp.messages.length = 0;
    const vendorRecord = await inbound(world.users.vadmin.auth, deal.engagementId);
    const declined = await call(
      'POST',
      `/api/v1/deals/${vendorRecord.id}/decline`,
      world.users.vadmin.auth,
      { reason: 'requirement-not-met', notes: 'vendor-internal reasoning' },
      { 'if-match': `"${vendorRecord.version}"` },
    );
    expect(declined.statusCode, declined.body).toBe(200);
    await dispatcher.runOnce();
    expect(smtp.messages.flatMap((m) => m.to)).toEqual([world.users.radmin.email]);
    expect(smtp.messages[0]?.subject).toBe('Northwind Cloud avböjde Help wanted');
    expect(`${smtp.messages[0]?.text}${smtp.messages[0]?.html}`).not.toContain('vendor-internal reasoning');
  });

  it('several dispatchers at once (as several servers) send each mail exactly once', async () => {
    smtp.messages.length = 0;
    const names = Array.from({ length: 6 }, (_, i) => `Parallel ${i}`);
    for (const name of names) await p2pDeal(name);
    const others = [1, 2].map(
      () =>
        new Dispatcher(env.ctx, {
          mailer: smtpMailer(smtp.url, 'cosell <notices@cosell.example.test>'),
          settings: { batch: 2, concurrency: 2 },
        }),
    );
    await Promise.all([dispatcher.runOnce(), ...others.map((d) => d.runOnce())]);
    await Promise.all([dispatcher.runOnce(), ...others.map((d) => d.runOnce())]);
    for (const name of names) {
      // In each recipient's language: "New referral: …", "新引荐：…".
      const subjects = smtp.messages.filter((m) => m.subject.endsWith(name));
      // Litware's entire-company admin and its Shanghai admin, once each.
      expect(subjects.flatMap((m) => m.to).sort(), name).toEqual(
        [world.users.litware.email, extra.litShanghaiAdmin.email].sort(),
      );
    }
    // Each delivery was attempted once: no process sent what another held.
    const attempts = await env.ctx.db
      .selectFrom('delivery_attempts as a')
      .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
      .select(['d.id', 'a.ok'])
      .where('d.payload', 'like', '%Parallel %')
      .execute();
    expect(attempts).toHaveLength(names.length * 2);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(attempts.length);
    expect(attempts.every((a) => a.ok === 1)).toBe(true);
  });

  it('preferences: e-mail per kind or off entirely; the in-app list still gets every notice', async () => {
    const bad = await call('PUT', '/api/v1/notifications/preferences', world.users.litware.auth, {
      email: { 'deal-nonsense': false },
    });
    expect(bad.statusCode).toBe(400);
    const off = await call('PUT', '/api/v1/notifications/preferences', world.users.litware.auth, {
      email: { 'deal-received': false },
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({
      emailEnabled: true,
      email: { 'deal-received': false, 'note-added': true },
    });
    const none = await call('PUT', '/api/v1/notifications/preferences', extra.litShanghaiAdmin.auth, {
      emailEnabled: false,
    });
    expect(none.json().emailEnabled).toBe(false);

    smtp.messages.length = 0;
    await p2pDeal('Quiet please');
    await dispatcher.runOnce();
    expect(mailsTo(world.users.litware.email)).toHaveLength(0);
    expect(mailsTo(extra.litShanghaiAdmin.email)).toHaveLength(0);
    const list = (await call('GET', '/api/v1/notifications?limit=100', world.users.litware.auth)).json();
    expect(list.items.some((n: { data: { dealName?: string } }) => n.data.dealName === 'Quiet please')).toBe(
      true,
    );
  });

  it('notifications: unread first with cursor paging, mark one and all read, unread count', async () => {
    const auth = world.users.litware.auth;
    const all = (await call('GET', '/api/v1/notifications?limit=100', auth)).json();
    expect(all.items.length).toBeGreaterThan(3);
    const target = all.items[1];
    expect((await call('POST', `/api/v1/notifications/${target.id}/read`, auth)).statusCode).toBe(204);
    // Someone else's notification is 404.
    expect(
      (await call('POST', `/api/v1/notifications/${target.id}/read`, world.users.radmin.auth)).statusCode,
    ).toBe(404);
    const count = (await call('GET', '/api/v1/notifications/unread-count', auth)).json().count;
    expect(count).toBe(all.unreadCount - 1);

    const seen: { id: string; read: boolean }[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        'GET',
        `/api/v1/notifications?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        auth,
      );
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen.map((n) => n.id).sort()).toEqual(all.items.map((n: { id: string }) => n.id).sort());
    const firstRead = seen.findIndex((n) => n.read);
    expect(firstRead).toBeGreaterThan(-1);
    expect(seen.slice(firstRead).every((n) => n.read)).toBe(true);

    expect((await call('GET', '/api/v1/notifications?cursor=nonsense', auth)).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/notifications?limit=0', auth)).statusCode).toBe(400);
    const readAll = await call('POST', '/api/v1/notifications/read-all', auth);
    expect(readAll.json().updated).toBe(count);
    expect((await call('GET', '/api/v1/notifications/unread-count', auth)).json().count).toBe(0);
    expect(emailKey(world.users.litware.email)).toBe(world.users.litware.email);
  });
});
