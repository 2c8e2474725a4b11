/**
 * Background expiry: received records expire on time even if nobody opens them (SPEC §6).
 * Idempotent and safe with several server processes: each expiry is conditional on the record still
 * being received, so two sweepers never expire a record twice.
 */
import type { ServiceContext } from '../services/context.ts';
import { type ExpiryPace, expireDue, SWEEPER_PACE } from '../services/expiry.ts';

export interface Job {
  stop(): Promise<void>;
}

export function startExpirySweeper(
  ctx: ServiceContext,
  intervalMs: number,
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void },
  pace: ExpiryPace = SWEEPER_PACE,
): Job {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  // A shutdown ends a long sweep after its current batch instead of waiting for the whole backlog.
  let stopped = false;
  const paced: ExpiryPace = { ...pace, stopping: () => stopped };
  const tick = () => {
    // A backlog takes longer than the interval at the sweeper's pace: one sweep at a time.
    if (busy) return;
    busy = true;
    running = expireDue(ctx, {}, paced)
      .then((count) => {
        if (count > 0) log.info({ count }, 'expired unanswered deals');
      })
      .catch((err: unknown) => log.error({ err }, 'expiry sweep failed'))
      .finally(() => {
        busy = false;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
