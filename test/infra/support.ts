import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadEnvConfig } from '../../infra/config/load.ts';
import type { EnvName } from '../../infra/config/types.ts';
import { type BuildOptions, buildSharpline, type SharplineStacks } from '../../infra/lib/build-app.ts';

export interface SynthesizedApp {
  app: App;
  outdir: string;
  stacks: SharplineStacks;
  templates: Record<keyof SharplineStacks, Template>;
}

/** An empty folder: no `containers/<name>/Dockerfile`, so images come from ECR whatever lands in the repo. */
export function emptyBuildRoot(): string {
  return mkdtempSync(join(tmpdir(), 'sharpline-build-root-'));
}

/**
 * The real app for one env, synthesized (cdk-nag included) with bundling skipped: fast, and independent of the
 * handler files, which other engineers are still writing. The Control Tower rules (a cfn-guard binary run over
 * every template) are left to the one `npm run synth` of synth.test.ts unless a test asks for them.
 */
export function synthesize(env: EnvName, options: BuildOptions = {}): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), `sharpline-cdk-${env}-`));
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, outdir });
  const stacks = buildSharpline(app, loadEnvConfig({ env }), {
    buildRoot: emptyBuildRoot(),
    controlTowerRules: false,
    ...options,
  });
  // One synth, templates read from its assembly: `Template.fromStack` would synthesize the app again per stack.
  const assembly = app.synth();
  const templates = Object.fromEntries(
    Object.entries(stacks).map(([key, stack]) => [
      key,
      Template.fromJSON(assembly.getStackByName(stack.stackName).template),
    ]),
  ) as Record<keyof SharplineStacks, Template>;
  return { app, outdir, stacks, templates };
}

/** The resources of one type in a template, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}
