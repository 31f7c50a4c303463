import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { loadEnvConfig } from '../../infra/config/load.ts';
import { envNames } from '../../infra/config/types.ts';
import { buildSharpline } from '../../infra/lib/build-app.ts';
import { emptyBuildRoot, synthesize } from './support.ts';

describe('cdk-nag AwsSolutionsChecks', () => {
  it.each(envNames)(
    'finds nothing unacknowledged in %s, no warnings, and every acknowledgement gives its reason',
    (env) => {
      const { app, outdir, stacks } = synthesize(env);
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: { pluginName: string; conclusion: string; violations: unknown[] }[];
      };
      for (const plugin of report.pluginReports) expect(plugin, plugin.pluginName).toMatchObject({ violations: [] });
      for (const stack of Object.values(stacks)) {
        const annotations = Annotations.fromStack(stack);
        expect(annotations.findWarning('*', Match.anyValue()), stack.stackName).toEqual([]);
        expect(annotations.findError('*', Match.anyValue()), stack.stackName).toEqual([]);
      }
      const acknowledgements = app.node
        .findAll()
        .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .filter(([id]) => id.startsWith('AwsSolutions::') || id.startsWith('cdk-validator-cfnguard::'));
      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const [id, reason] of acknowledgements) {
        expect(reason.length, `reason for ${id}`).toBeGreaterThan(30);
      }
    },
    // A whole app with cdk-nag: the first synth in a worker also loads aws-cdk-lib, slow on a shared machine.
    120_000,
  );

  it('is wired into synth: an unacknowledged finding fails it', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [] },
      outdir: mkdtempSync(join(tmpdir(), 'sharpline-nag-')),
    });
    const { pipeline } = buildSharpline(app, loadEnvConfig({ env: 'dev' }), { buildRoot: emptyBuildRoot() });
    new Queue(pipeline, 'Careless', { encryption: QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/sharpline-dev-pipeline\/Careless[\s\S]*AwsSolutions-SQS2/);
  });

  it('leaves the plain stacks of another app alone (the plugin is added per app)', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'sharpline-plain-')) });
    new Queue(new Stack(app, 'Plain'), 'Careless', { encryption: QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).not.toThrow();
  });
});
