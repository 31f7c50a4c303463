import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { envConfigs } from '../../infra/config/envs.ts';
import { SharplineLogGroup } from '../../infra/constructs/log-group.ts';
import { controlTower, controlTowerRules } from '../../infra/lib/control-tower.ts';
import { KeyGrantsForAwsServicesOnly } from '../../infra/lib/key-grants.ts';

interface Report {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
    suppressedViolations?: { ruleName: string; reason: string }[];
  }[];
}

describe('Control Tower rules (cdk-validator-cfnguard, its bundled cfn-guard binary)', () => {
  it('fail synth on a careless log group, and pass ours with its short retention acknowledged and reasoned', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'sharpline-ct-'));
    const app = new App({ outdir });
    Validations.of(app).addPlugins(controlTowerRules());
    Aspects.of(app).add(new KeyGrantsForAwsServicesOnly());
    const env = { account: '111111111111', region: 'us-east-1' };
    new LogGroup(new Stack(app, 'Careless', { env }), 'Logs');
    new SharplineLogGroup(new Stack(app, 'Ours', { env }), 'Logs', { config: envConfigs.dev });
    // One run of the binary over both stacks: it takes seconds whatever the template size. A finding fails synth
    // even beside an acknowledged one (the wrapper's severity; without it aws-cdk-lib would let it pass).
    expect(() => app.synth()).toThrow(/CT\.CLOUDWATCH\.PR\.3[\s\S]*Careless\/Logs/);

    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
    const guard = report.pluginReports.find((p) => p.pluginName === 'cdk-validator-cfnguard');
    const failing = guard?.violations.flatMap((v) => v.violatingConstructs.map((c) => [v.ruleName, c.constructPath]));
    expect(failing).toEqual([['cloudwatch_log_group_encrypted_check', 'Careless/Logs/Resource']]);
    expect(guard?.suppressedViolations?.map((v) => [`cdk-validator-cfnguard::${v.ruleName}`, v.reason])).toEqual([
      [controlTower.logRetentionYear, expect.stringMatching(/^dev keeps 7 days of logs/)],
    ]);
  });
});
