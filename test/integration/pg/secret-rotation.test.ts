import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '#adapters/pg/embedded';
import { createPool } from '#adapters/pg/pool';
import { secretEnvironment, startFakeSecretsManager, withEnv } from '../../support/pg-secrets.ts';

/**
 * Its own embedded server, whatever `DATABASE_URL` says: this needs a server that checks passwords, and the
 * machine's test server may trust every local connection.
 */
describe('pool credentials after a secret rotation', () => {
  let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  beforeAll(async () => {
    server = await startEmbeddedPostgres({
      dataDir: await mkdtemp(join(tmpdir(), 'sharpline-rotation-')),
      persistent: false,
      fast: true,
    });
  });
  afterAll(() => server?.stop());

  it('fetches the secret afresh when the database refuses the cached password, and connects once it is current', async () => {
    const secrets = await startFakeSecretsManager();
    const stale = new URL(server.url);
    stale.password = 'before-rotation';
    secrets.put('rotating', stale.toString());
    try {
      await withEnv(secretEnvironment(secrets, 'rotating'), async () => {
        const pool = createPool({ max: 1 });
        try {
          // The secret still holds the old password: one fresh fetch, then the refusal surfaces.
          await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: '28P01' });
          const afterFailure = secrets.requests();
          expect(afterFailure).toBe(2);
          // Rotation finishes: the pool holds the old password in its cache, is refused, re-reads and gets in.
          secrets.put('rotating', server.url);
          const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
          expect(rows[0]?.one).toBe(1);
          expect(secrets.requests()).toBe(afterFailure + 1);
        } finally {
          await pool.end();
        }
      });
    } finally {
      await secrets.stop();
    }
  });
});
