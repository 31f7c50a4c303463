import { App } from 'aws-cdk-lib';
import { loadEnvConfig } from '../config/load.ts';
import type { EnvConfig } from '../config/types.ts';
import { buildSharpline } from '../lib/build-app.ts';

const app = new App();
let config: EnvConfig;
try {
  config = loadEnvConfig({ env: app.node.tryGetContext('env'), account: app.node.tryGetContext('account') });
} catch (error) {
  // A wrong `-c env` is a usage error: say what is allowed, without a stack trace.
  console.error((error as Error).message);
  process.exit(1);
}
buildSharpline(app, config);
app.synth();
