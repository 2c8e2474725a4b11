/**
 * Time is injected (DESIGN rule 7): nothing reads Date.now() directly.
 * The movable clock is for the demo and tests (COSELL_DEMO_CLOCK=1); production uses the system clock.
 */
export interface Clock {
  now(): Date;
  readonly movable: boolean;
  /** Moves a movable clock forward; throws on the system clock. */
  advance(ms: number): void;
}

export function systemClock(): Clock {
  return {
    now: () => new Date(),
    movable: false,
    advance: () => {
      throw new Error('the system clock cannot be moved');
    },
  };
}

/** A clock that runs with real time plus an offset that can be moved forward. */
export function movableClock(start?: Date): Clock {
  let offset = start ? start.getTime() - Date.now() : 0;
  return {
    now: () => new Date(Date.now() + offset),
    movable: true,
    advance: (ms: number) => {
      offset += ms;
    },
  };
}

export const iso = (date: Date) => date.toISOString();
export const DAY_MS = 86_400_000;
export const addDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY_MS);
/** Today's date (UTC) as YYYY-MM-DD. */
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Parses an ISO 8601 duration of days/hours/minutes ("P15D", "PT36H", "P1DT2H"). */
export function parseDuration(value: string): number | null {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) return null;
  const [, days, hours, minutes] = match;
  return ((Number(days ?? 0) * 24 + Number(hours ?? 0)) * 60 + Number(minutes ?? 0)) * 60_000;
}
