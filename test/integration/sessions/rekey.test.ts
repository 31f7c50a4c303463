import '../evaluator/quiet-env.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgApiStore } from '#adapters/pg/api-store';
import { insertConsent } from '#adapters/pg/consents';
import { countSessionsByKey, findSealedSession, resealSession } from '#adapters/pg/sessions';
import {
  createLocalSecretsProvider,
  retireLocalSessionKeys,
  rotateLocalSessionKey,
} from '../../../shared/adapters/secrets/local-file.ts';
import { getSessionKeyring, sessionKeyId } from '../../../shared/adapters/secrets/session-keys.ts';
import type { ApiDeps } from '../../../shared/api/deps.ts';
import { changeSession, readSessionData, storeSession } from '../../../shared/api/sessions.ts';
import { rekeySessions } from '../../../shared/sessions/rekey.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';

const USER = 'rekey-user';
const actor = { sub: USER, role: 'trader', requestId: 'rekey' } as const;
let db: TestDatabase;
let dir: string;
let secretsFile: string;
let deps: ApiDeps & { pool: TestDatabase['pool'] };
let consentId: string;

beforeAll(async () => {
  db = await createTestDatabase({ max: 12 });
  dir = await mkdtemp(join(tmpdir(), 'sharpline-rekey-'));
  secretsFile = join(dir, 'secrets.json');
  deps = {
    pool: db.pool,
    store: createPgApiStore(db.pool),
    secrets: createLocalSecretsProvider(secretsFile),
    now: () => new Date(),
  } as ApiDeps & { pool: TestDatabase['pool'] };
  const consent = await insertConsent(db.pool, {
    userId: USER,
    scope: 'store_session',
    sportsbook: 'draftkings',
    textVersion: 'v1',
  });
  consentId = consent.id;
});
afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function storeMany(count: number, tag: string): Promise<Map<string, unknown>> {
  const expected = new Map<string, unknown>();
  for (let i = 0; i < count; i += 1) {
    const sessionData = { cookies: [{ name: 'sid', value: `${tag}-${i}` }] };
    const view = await storeSession(deps, actor, { sportsbook: 'draftkings', consentId, sessionData });
    expected.set(view.id, sessionData);
  }
  return expected;
}

describe('session data key rotation', () => {
  it('re-seals every session in resumable batches while readers and writers keep working', async () => {
    const expected = await storeMany(120, 'first');
    const oldKeyId = (await getSessionKeyring(deps.secrets)).current.id;
    const rotated = await rotateLocalSessionKey(secretsFile);
    const newKeyId = sessionKeyId(Buffer.from(rotated.current, 'base64'));
    expect(newKeyId).not.toBe(oldKeyId);

    // Readers read their sessions in turn and a writer replaces the data of others, until the pass is over.
    const ids = [...expected.keys()];
    const writerIds = ids.filter((_, i) => i % 7 === 0);
    const readerIds = ids.filter((_, i) => i % 7 !== 0);
    let stop = false;
    let reads = 0;
    const failures: unknown[] = [];
    const reader = async (offset: number) => {
      for (let i = offset; !stop; i += 1) {
        const id = readerIds[i % readerIds.length] ?? '';
        try {
          expect(await readSessionData(deps, USER, id)).toEqual(expected.get(id));
          reads += 1;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const writer = async () => {
      for (let i = 0; !stop; i += 1) {
        const id = writerIds[i % writerIds.length] ?? '';
        const sessionData = { cookies: [{ name: 'sid', value: `rewritten-${i}` }] };
        await changeSession(deps, actor, id, { sessionData });
        expected.set(id, sessionData);
      }
    };
    const running = [reader(0), reader(33), reader(66), writer()];

    let result: Awaited<ReturnType<typeof rekeySessions>>;
    const readsBefore = reads;
    try {
      // A first pass crashes after its second batch (the process dies between batches), a second pass finishes.
      let batches = 0;
      await expect(
        rekeySessions(deps, {
          batchSize: 25,
          onBatch: () => {
            batches += 1;
            if (batches === 2) throw new Error('injected crash');
          },
        }),
      ).rejects.toThrow('injected crash');
      const midway = await countSessionsByKey(db.pool);
      expect(midway[newKeyId]).toBeGreaterThanOrEqual(50);
      expect(midway[oldKeyId]).toBeGreaterThan(0);

      result = await rekeySessions(deps, { batchSize: 25 });
    } finally {
      stop = true;
      await Promise.all(running);
    }
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(readsBefore);
    expect(result.currentKeyId).toBe(newKeyId);
    expect(result.remainingByKey).toEqual({ [newKeyId]: 120 });
    for (const [id, data] of expected) expect(await readSessionData(deps, USER, id)).toEqual(data);

    // Nothing sealed with the old key is left: it can leave the keyring, and every session still reads.
    const retired = await retireLocalSessionKeys(
      secretsFile,
      (base64) => (result.remainingByKey[sessionKeyId(Buffer.from(base64, 'base64'))] ?? 0) > 0,
    );
    expect(retired).toBe(1);
    expect(JSON.parse(await readFile(secretsFile, 'utf8'))['session-data-key'].previous).toEqual([]);
    for (const [id, data] of expected) expect(await readSessionData(deps, USER, id)).toEqual(data);
    expect(await rekeySessions(deps, { batchSize: 25 })).toMatchObject({ resealed: 0, skipped: 0 });
  });

  it("skips a row a user rewrote between the pass's read and its write, keeping the user's data", async () => {
    const [id] = [...(await storeMany(1, 'race')).keys()];
    if (!id) throw new Error('no session');
    await rotateLocalSessionKey(secretsFile);
    const staleRead = await findSealedSession(db.pool, USER, id);
    if (!staleRead) throw new Error('no sealed row');
    const mine = { cookies: [{ name: 'sid', value: 'the user wrote this' }] };
    await changeSession(deps, actor, id, { sessionData: mine });

    const changed = await resealSession(db.pool, { id, from: staleRead, to: { ...staleRead, keyId: 'stale-copy' } });
    expect(changed).toBe(false);
    expect(await readSessionData(deps, USER, id)).toEqual(mine);
  });

  it('names a key that is not in the ring instead of failing to decrypt', async () => {
    const [id] = [...(await storeMany(1, 'lost')).keys()];
    await db.pool.query(`UPDATE sportsbook_sessions SET key_id = 'session-data-key:0000000000000000' WHERE id = $1`, [
      id,
    ]);
    await expect(readSessionData(deps, USER, id ?? '')).rejects.toThrow(
      'session data key session-data-key:0000000000000000 is not in the keyring',
    );
  });
});
