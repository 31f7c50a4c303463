import type pg from 'pg';
import type { KillSwitchRow } from '../../ports/api/kill-switch.ts';
import { runQuery } from './errors.ts';

type Db = pg.Pool | pg.PoolClient;

export async function readKillSwitch(db: Db): Promise<KillSwitchRow | undefined> {
  const { rows } = await runQuery<KillSwitchRow>(
    db,
    'SELECT engaged, reason, updated_by, updated_at FROM kill_switch WHERE id',
  );
  return rows[0];
}

/**
 * Sets the switch (`kill_switch_set`, migration 0620). It first takes every bankroll row's lock, the lock each
 * evaluator batch holds from its snapshot to its commit: a batch in flight commits before this returns, and every
 * batch after it reads the new state. So once an engage has returned, no trade commits.
 */
export async function writeKillSwitch(
  db: Db,
  input: { engaged: boolean; reason: string; updatedBy: string },
): Promise<KillSwitchRow> {
  const { rows } = await runQuery<KillSwitchRow>(
    db,
    `SELECT o_engaged AS engaged, o_reason AS reason, o_updated_by AS updated_by, o_updated_at AS updated_at
       FROM kill_switch_set($1, $2, $3)`,
    [input.engaged, input.reason, input.updatedBy],
  );
  return rows[0]!;
}
