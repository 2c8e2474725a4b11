/**
 * Background expiry: received records expire on time even if nobody opens them (SPEC §6).
 * Idempotent and safe with several server processes: each expiry is conditional on the record still
 * being received, so two sweepers never expire a record twice.
 */
import type { ServiceContext } from '../services/context.ts';
import { expireDue } from '../services/expiry.ts';

export interface Job {
  stop(): Promise<void>;
}

export function startExpirySweeper(
  ctx: ServiceContext,
  intervalMs: number,
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void },
): Job {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = expireDue(ctx)
      .then((count) => {
        if (count > 0) log.info({ count }, 'expired unanswered deals');
      })
      .catch((err: unknown) => log.error({ err }, 'expiry sweep failed'));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
