import { App } from 'aws-cdk-lib';
import { loadEnvConfig } from '../config/load.ts';
import { buildSharpline } from '../lib/build-app.ts';

const app = new App();
const config = loadEnvConfig({ env: app.node.tryGetContext('env'), account: app.node.tryGetContext('account') });
buildSharpline(app, config);
app.synth();
