import { App } from 'aws-cdk-lib';
import { loadEnvConfig } from '/work/main/infra/config/load.ts';
import { buildSharpline } from '/work/main/infra/lib/build-app.ts';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, outdir: '/tmp/cdkout-try' });
buildSharpline(app, loadEnvConfig({ env: process.argv[2] ?? 'dev' }));
try { app.synth(); console.log('OK'); } catch (e) { console.log(String((e as Error).message).slice(0, 20000)); }
