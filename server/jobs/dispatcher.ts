/**
 * The dispatcher job: every DISPATCH_INTERVAL_MS a round of reminders, fan-out and delivery (see
 * services/dispatcher.ts). Rounds never overlap within a process; several processes share the work through
 * the compare-and-set claims.
 */
import { smtpMailer } from '../mail/transport.ts';
import type { ServiceContext } from '../services/context.ts';
import { Dispatcher, type DispatcherSettings } from '../services/dispatcher.ts';
import type { Job } from './expiry-sweeper.ts';

export function startDispatcher(
  ctx: ServiceContext,
  options: {
    intervalMs: number;
    smtpUrl: string | null;
    mailFrom: string;
    settings: Partial<DispatcherSettings>;
    log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  },
): Job {
  const mailer = options.smtpUrl ? smtpMailer(options.smtpUrl, options.mailFrom) : null;
  if (!mailer) options.log.info({}, 'no SMTP_URL: notices go to the in-app list and the log only');
  const dispatcher = new Dispatcher(ctx, { mailer, settings: options.settings, log: options.log });
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    running = dispatcher
      .runOnce()
      .then((round) => {
        if (round.events + round.delivered + round.failed + round.dead > 0)
          options.log.info(round, 'dispatched');
      })
      .catch((err: unknown) => options.log.error({ err }, 'dispatch round failed'))
      .finally(() => {
        busy = false;
      });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      mailer?.close();
    },
  };
}
