import type pg from 'pg';
import { countSessionsByKey, listSessionsSealedOtherThan, resealSession } from '#adapters/pg/sessions';
import type { SecretsProvider } from '../adapters/secrets/provider.ts';
import {
  getSessionKeyring,
  openSessionData,
  sealSessionData,
  sessionKeyById,
} from '../adapters/secrets/session-keys.ts';

export interface RekeyResult {
  currentKeyId: string;
  resealed: number;
  /** Rows a concurrent writer changed between our read and our write: theirs is already sealed with a current key. */
  skipped: number;
  /** Sessions per key id after the pass; a previous key whose count is zero may leave the keyring. */
  remainingByKey: Record<string, number>;
}

/**
 * Re-seals every session not sealed with the keyring's current key, `batchSize` rows at a time. There is no
 * checkpoint to lose: each row is rewritten on its own by a compare-and-set on its old key id and ciphertext, and a
 * row already re-sealed no longer matches the scan, so a pass that crashes is finished by running it again. Readers
 * keep working throughout: a row is always sealed with a key in the ring, and its key id and ciphertext change in the
 * same statement.
 */
export async function rekeySessions(
  deps: { pool: pg.Pool; secrets: SecretsProvider },
  opts: { batchSize: number; onBatch?: (resealed: number) => void },
): Promise<RekeyResult> {
  const { current } = await getSessionKeyring(deps.secrets, { fresh: true });
  let resealed = 0;
  let skipped = 0;
  let afterId: string | undefined;
  for (;;) {
    const rows = await listSessionsSealedOtherThan(deps.pool, current.id, { afterId, limit: opts.batchSize });
    if (rows.length === 0) break;
    for (const row of rows) {
      const oldKey = await sessionKeyById(deps.secrets, row.keyId);
      const data = openSessionData(oldKey, row.id, row.user_id, {
        ciphertext: row.ciphertext,
        iv: row.nonce,
        authTag: row.authTag,
      });
      const box = sealSessionData(current, row.id, row.user_id, data);
      const changed = await resealSession(deps.pool, {
        id: row.id,
        from: row,
        to: { ciphertext: box.ciphertext, nonce: box.iv, authTag: box.authTag, keyId: box.keyId },
      });
      if (changed) resealed += 1;
      else skipped += 1;
    }
    afterId = rows.at(-1)?.id;
    opts.onBatch?.(resealed);
  }
  return { currentKeyId: current.id, resealed, skipped, remainingByKey: await countSessionsByKey(deps.pool) };
}
