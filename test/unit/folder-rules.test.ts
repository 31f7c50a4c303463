import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const rules = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as { forbidden: { name: string }[] };

/** The folder rules of DESIGN.md section 3, from the one rules file, over every folder of application code. */
describe('folder rules (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('names each rule the design sets', () => {
    expect(rules.forbidden.map((r) => r.name).sort()).toEqual([
      'adapters-no-services',
      'containers-stand-alone',
      'domain-is-pure',
      'domain-no-io-modules',
      'functions-stand-alone',
      'infra-no-app-code',
      'services-through-ports',
      'shared-not-on-its-users',
    ]);
  });

  it('holds for the whole tree', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        'node_modules/dependency-cruiser/bin/dependency-cruise.mjs',
        '--config',
        '.dependency-cruiser.cjs',
        '--output-type',
        'json',
        'shared',
        'functions',
        'containers',
        'local',
        'infra',
        'bench',
      ],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as {
      summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number };
    };
    expect(report.summary.totalCruised).toBeGreaterThan(200);
    expect(report.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  }, 60_000);
});
