import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool } from '#adapters/pg/pool';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';

/** Everything the process writes to stdout and stderr while `work` runs (the Powertools logger writes to both). */
async function capturingOutput(work: (written: () => string) => Promise<void>): Promise<void> {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(record);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(record);
  try {
    await work(() => chunks.join(''));
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('pool idle-client errors', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ max: 1 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('log the error text and SQLSTATE of a connection the server ended', async () => {
    const pool = createPool({ connectionString: db.url, max: 1 });
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      client.release(); // now idle in the pool: its error goes to the pool's 'error' listener
      await capturingOutput(async (written) => {
        await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        const deadline = Date.now() + 10_000;
        while (!written().includes('idle Postgres client error') && Date.now() < deadline) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        const line = written()
          .split('\n')
          .find((l) => l.includes('idle Postgres client error'));
        expect(line, 'the pool logged the idle error').toBeDefined();
        const entry = JSON.parse(line as string) as Record<string, unknown>;
        expect(entry).toMatchObject({ level: 'ERROR', message: 'idle Postgres client error', code: '57P01' });
        expect(JSON.stringify(entry)).toContain('terminating connection due to administrator command');
      });
    } finally {
      await pool.end();
    }
  });
});
