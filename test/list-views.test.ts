/**
 * The list views are a column the database generates (migration 0005) from the terminal statuses of that day.
 * If the lifecycle's terminal statuses change, the generated column must change with them, in a new migration.
 */
import { describe, expect, it } from 'vitest';
import { TERMINAL_STATUSES } from '../core/lifecycle.ts';
import { TERMINAL_STATUSES_0005 } from '../server/db/migrations/0005-list-views.ts';

describe('list views', () => {
  it('the generated view column knows the lifecycle’s terminal statuses (else: a migration that redefines it)', () => {
    expect([...TERMINAL_STATUSES_0005].sort()).toEqual([...TERMINAL_STATUSES].sort());
  });
});
