import type pg from 'pg';
import type { TradingMode } from '#domain/names';
import type { Bankroll, BankrollKey, VersionedBankrollUpdate } from '../../ports/settlement-store.ts';
import { assertSafeInteger, epochMs, type Queryable, safeInteger, singleRow } from './rows.ts';

export interface BankrollChange extends BankrollKey {
  deltaMicros: number;
  /** Why the balance moved ('stake', 'fee', 'settlement', 'deposit', ...); lands in bankroll_audit. */
  reason: string;
  /** What moved it (order, fill or settlement id). A change with a ref applies once: a replay is a no-op. */
  ref?: string;
}

export interface BankrollChangeResult {
  balanceMicros: number;
  version: number;
  /** False when this (reason, ref) was applied before: the balance is returned unchanged. */
  applied: boolean;
}

const UNIQUE_VIOLATION = '23505';

export class InsufficientBankrollError extends Error {
  constructor(
    readonly balanceMicros: number,
    readonly deltaMicros: number,
  ) {
    super(`bankroll of ${balanceMicros} micros cannot absorb a change of ${deltaMicros} micros`);
    this.name = 'InsufficientBankrollError';
  }
}

interface BankrollRow {
  account: string;
  mode: TradingMode;
  balance_micros: number | string;
  version: number | string;
  updated_at: Date;
}

const COLUMNS = 'account, mode, balance_micros, version, updated_at';

function toBankroll(row: BankrollRow): Bankroll {
  return {
    account: row.account,
    mode: row.mode,
    balanceMicros: safeInteger(row.balance_micros),
    version: safeInteger(row.version),
    updatedAtMs: epochMs(row.updated_at),
  };
}

export async function getBankroll(db: Queryable, key: BankrollKey): Promise<Bankroll> {
  const { rows } = await db.query<BankrollRow>(`SELECT ${COLUMNS} FROM bankroll WHERE account = $1 AND mode = $2`, [
    key.account ?? 'default',
    key.mode,
  ]);
  return toBankroll(singleRow(rows, `bankroll ${key.account ?? 'default'}/${key.mode}`));
}

/** The highest balance the bankroll has had (its high-water mark), from the audit trail of every change. */
export async function bankrollPeakMicros(db: Queryable, key: BankrollKey): Promise<number> {
  const { rows } = await db.query<{ peak: number | null }>(
    'SELECT max(new_balance_micros) AS peak FROM bankroll_audit WHERE account = $1 AND mode = $2',
    [key.account ?? 'default', key.mode],
  );
  return rows[0]?.peak ?? 0;
}

/**
 * The optimistic-locked write: sets the balance only if nobody changed the row since `expectedVersion` was read.
 * Returns the new state, or undefined when the version moved on (the caller re-reads and decides again). Use it
 * inside a caller's transaction to change the bankroll together with other rows (a trade and its stake).
 */
export async function updateBankrollInTx(
  db: Queryable,
  update: VersionedBankrollUpdate,
): Promise<Bankroll | undefined> {
  assertSafeInteger('newBalanceMicros', update.newBalanceMicros);
  const { rows } = await db.query<BankrollRow>(
    `UPDATE bankroll SET balance_micros = $1, version = version + 1, last_reason = $2, last_ref = $3
      WHERE account = $4 AND mode = $5 AND version = $6
      RETURNING ${COLUMNS}`,
    [
      update.newBalanceMicros,
      update.reason,
      update.ref ?? null,
      update.account ?? 'default',
      update.mode,
      update.expectedVersion,
    ],
  );
  const [row] = rows;
  return row && toBankroll(row);
}

/** The current state and whether this change's (reason, ref) was applied before, in one round trip. */
async function readForChange(db: Queryable, change: BankrollChange): Promise<Bankroll & { applied: boolean }> {
  const { rows } = await db.query<BankrollRow & { applied: boolean }>(
    `SELECT ${COLUMNS},
            $3::text IS NOT NULL AND EXISTS (
              SELECT 1 FROM bankroll_audit a
               WHERE a.account = b.account AND a.mode = b.mode AND a.reason = $4 AND a.ref = $3) AS applied
       FROM bankroll b WHERE account = $1 AND mode = $2`,
    [change.account ?? 'default', change.mode, change.ref ?? null, change.reason],
  );
  const row = singleRow(rows, `bankroll ${change.account ?? 'default'}/${change.mode}`);
  return { ...toBankroll(row), applied: row.applied };
}

function isReplay(error: unknown): boolean {
  const e = error as pg.DatabaseError | undefined;
  return e?.code === UNIQUE_VIOLATION && e.constraint === 'bankroll_audit_once_idx';
}

/**
 * Adds `deltaMicros` (negative to debit) to the bankroll in one conditional UPDATE: the row lock orders concurrent
 * changes (an evaluator batch holding the lock is waited for, not raced), so none is lost and none retries. Never
 * overdraws: throws InsufficientBankrollError instead. Given a client inside a transaction, a replayed ref aborts that
 * transaction (unique violation), so callers in a transaction should not replay refs.
 */
export async function applyBankrollChange(db: Queryable, change: BankrollChange): Promise<BankrollChangeResult> {
  assertSafeInteger('deltaMicros', change.deltaMicros);
  const current = await readForChange(db, change);
  if (current.applied) return { balanceMicros: current.balanceMicros, version: current.version, applied: false };
  try {
    const { rows } = await db.query<BankrollRow>(
      `UPDATE bankroll SET balance_micros = balance_micros + $1, version = version + 1, last_reason = $2, last_ref = $3
        WHERE account = $4 AND mode = $5 AND balance_micros + $1 >= 0
        RETURNING ${COLUMNS}`,
      [change.deltaMicros, change.reason, change.ref ?? null, change.account ?? 'default', change.mode],
    );
    const [row] = rows;
    if (row) {
      const updated = toBankroll(row);
      return { balanceMicros: updated.balanceMicros, version: updated.version, applied: true };
    }
  } catch (error) {
    // A concurrent replay of the same (reason, ref) won: the index on bankroll_audit turned ours away.
    if (!isReplay(error)) throw error;
    const latest = await getBankroll(db, change);
    return { balanceMicros: latest.balanceMicros, version: latest.version, applied: false };
  }
  const latest = await getBankroll(db, change);
  throw new InsufficientBankrollError(latest.balanceMicros, change.deltaMicros);
}

/**
 * Reads the bankroll row and holds its lock (`FOR UPDATE`) until the caller's transaction ends: the evaluator's
 * batches, settlement and the kill switch's engage take the same lock, so each sees the others' work whole.
 */
export async function lockBankroll(db: Queryable, key: BankrollKey): Promise<Bankroll> {
  const { rows } = await db.query<BankrollRow>(
    `SELECT ${COLUMNS} FROM bankroll WHERE account = $1 AND mode = $2 FOR UPDATE`,
    [key.account ?? 'default', key.mode],
  );
  return toBankroll(singleRow(rows, `bankroll ${key.account ?? 'default'}/${key.mode}`));
}
