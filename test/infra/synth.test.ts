import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaEntries, migrationsDir, repoRoot } from '../../infra/config/paths.ts';
import { envNames } from '../../infra/config/types.ts';

const run = promisify(execFile);
const outRoot = mkdtempSync(join(tmpdir(), 'sharpline-synth-'));

/** What CI has: no AWS credentials or profile, no instance metadata to fall back on. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  return {
    ...env,
    CI: 'true',
    SYNTH_OUT: outRoot,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

interface LambdaResource {
  Type: string;
  Metadata?: { 'aws:asset:path'?: string };
  Properties: { Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
}

function bundledFunctions(
  env: string,
): { stack: string; id: string; assetDir: string; variables: Record<string, unknown> }[] {
  const dir = join(outRoot, env);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .flatMap((file) => {
      const template = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        Resources: Record<string, LambdaResource>;
      };
      return Object.entries(template.Resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler')
        .map(([id, r]) => ({
          stack: file,
          id,
          assetDir: join(dir, r.Metadata?.['aws:asset:path'] ?? 'missing-asset-path'),
          variables: r.Properties.Environment?.Variables ?? {},
        }));
    });
}

describe('npm run synth (dev, staging, prod; real bundling, offline; cdk-nag and Control Tower rules)', () => {
  beforeAll(async () => {
    const missing = Object.values(lambdaEntries).filter((entry) => !existsSync(join(repoRoot, entry)));
    if (missing.length > 0) throw new Error(`Lambda entries not written yet: ${missing.join(', ')}`);
    await run('npm', ['run', 'synth'], { cwd: repoRoot, env: offlineEnv(), maxBuffer: 64 * 1024 * 1024 });
  }, 240_000);

  it.each(envNames)('writes all six %s stacks', (env) => {
    const manifest = JSON.parse(readFileSync(join(outRoot, env, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string }>;
    };
    const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
    expect(stacks.map(([name]) => name).sort()).toEqual(
      ['api', 'compute', 'data', 'network', 'observability', 'pipeline'].map((c) => `sharpline-${env}-${c}`),
    );
  });

  it.each(envNames)(
    'passes both validation plugins in %s: nothing unacknowledged, every acknowledgement reasoned',
    (env) => {
      const report = JSON.parse(readFileSync(join(outRoot, env, 'validation-report.json'), 'utf8')) as {
        pluginReports: {
          pluginName: string;
          conclusion: string;
          violations: unknown[];
          suppressedViolations?: { ruleName: string; reason: string; acknowledgedAt: string }[];
        }[];
      };
      const byName = Object.fromEntries(report.pluginReports.map((p) => [p.pluginName, p]));
      for (const name of ['AwsSolutions', 'cdk-validator-cfnguard']) {
        expect(byName[name], name).toMatchObject({ conclusion: 'success', violations: [] });
      }
      const suppressed = byName['cdk-validator-cfnguard']?.suppressedViolations ?? [];
      expect(suppressed.length).toBeGreaterThan(0);
      for (const { ruleName, reason, acknowledgedAt } of suppressed) {
        expect(reason.length, `${ruleName} at ${acknowledgedAt}`).toBeGreaterThan(30);
      }
    },
  );

  it('bundles each of our eight Lambdas as an ESM file with its source map, migrations shipped beside migrate', () => {
    const functions = bundledFunctions('dev');
    expect(functions).toHaveLength(8);
    for (const fn of functions) {
      expect(existsSync(join(fn.assetDir, 'index.mjs')), `${fn.id} index.mjs`).toBe(true);
      expect(existsSync(join(fn.assetDir, 'index.mjs.map')), `${fn.id} source map`).toBe(true);
    }
    const migrate = functions.find((f) => f.id.startsWith('Migrate'));
    const shipped = readdirSync(join(migrate?.assetDir ?? '', 'migrations')).sort();
    expect(shipped).toEqual(readdirSync(join(repoRoot, migrationsDir)).sort());
  });

  it('each bundle loads under Node with the environment the stack gives it and exports a handler', async () => {
    // The Lambda runtime provides @aws-sdk/* (kept out of the bundles); the repo's copy stands in for it here.
    mkdirSync(join(outRoot, 'node_modules'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', '@aws-sdk'), join(outRoot, 'node_modules', '@aws-sdk'));
    for (const fn of bundledFunctions('dev')) {
      // Deploy-time values (ARNs, URLs, hosts) are tokens in the template; any well-formed stand-in will do.
      const variables = Object.fromEntries(
        Object.entries(fn.variables).map(([k, v]) => [k, typeof v === 'string' ? v : 'https://stand-in.example.com/x']),
      );
      delete variables.NODE_EXTRA_CA_CERTS; // a path on the Lambda runtime only
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "const m = await import('./index.mjs'); console.log(typeof m.handler); process.exit(0);",
        ],
        { cwd: fn.assetDir, env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', ...variables }, timeout: 30_000 },
      );
      expect(stdout.trim(), `${fn.stack} ${fn.id}`).toBe('function');
    }
  }, 120_000);
});
