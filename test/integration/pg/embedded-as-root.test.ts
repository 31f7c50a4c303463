import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '#adapters/pg/embedded';

const asRoot = userInfo().uid === 0;
if (!asRoot)
  console.log('[pg] not root: the test of embedded Postgres under a private .data folder needs root, skipped');

describe('embedded Postgres started as root', () => {
  it.skipIf(!asRoot)('initialises under a .data folder an earlier run made private (0700)', async () => {
    const project = await mkdtemp(join(tmpdir(), 'sharpline-project-'));
    await chmod(project, 0o755);
    const holder = join(project, '.data');
    await mkdir(holder, { mode: 0o700 });
    const server = await startEmbeddedPostgres({ dataDir: join(holder, 'pg'), persistent: false, fast: true });
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
      await client.end();
      expect((await stat(holder)).mode & 0o001).toBe(0o001);
    } finally {
      await server.stop();
      await rm(project, { recursive: true, force: true });
    }
  });
});
