import { join } from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Code, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { metricsNamespace } from '#config/metrics';
import { repoRoot } from '../config/paths.ts';
import type { EnvConfig } from '../config/types.ts';
import { acknowledgeImportedSubnets } from '../lib/control-tower.ts';
import { SharplineLogGroup } from './log-group.ts';

export interface SharplineFunctionProps {
  config: EnvConfig;
  /** Handler file relative to the repo root; it exports `handler`. */
  entry: string;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` dimension of its metrics. */
  serviceName: string;
  description: string;
  vpc: IVpc;
  securityGroups: ISecurityGroup[];
  environment?: Record<string, string>;
  timeout?: Duration;
  /** Repo-relative folders copied next to the bundle (`<to>` inside the zip), e.g. SQL migrations. */
  copyIntoBundle?: { from: string; to: string }[];
}

/**
 * Every Lambda of ours: Node 22 on arm64, bundled by the local esbuild as minified ESM with source maps, in the
 * VPC's private subnets, X-Ray tracing on, an explicit encrypted log group with the env's retention, and the Powertools
 * variables. Grants are the caller's job, one by one.
 */
export class SharplineFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SharplineFunctionProps) {
    const { config } = props;
    const logGroup = new SharplineLogGroup(scope, `${id}Logs`, { config });
    const copies = props.copyIntoBundle ?? [];
    // A stack left out of bundling (`aws:cdk:bundling-stacks`) deploys nothing from this synth, so it needs the
    // handler's path only, not the file: the same stand-in CDK uses, minus the need for the entry to exist yet.
    const standIn = Stack.of(scope).bundlingRequired
      ? undefined
      : Code.fromInline(`// ${props.entry}: not bundled in this synth`);
    super(scope, id, {
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: config.lambda.memoryMb,
      timeout: props.timeout ?? Duration.seconds(config.lambda.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup,
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: props.securityGroups,
      ...(standIn ? { code: standIn, handler: 'index.handler' } : { entry: join(repoRoot, props.entry) }),
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, 'package-lock.json'),
      environment: {
        STAGE: config.envName,
        TRADING_MODE: config.tradingMode,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        POWERTOOLS_LOG_LEVEL: config.lambda.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        // The Amazon RDS CA bundle shipped with the runtime, so TLS to RDS and the proxy verifies.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // CommonJS dependencies (pg) call `require`; an ESM bundle has none unless we make one.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        tsconfig: join(repoRoot, 'tsconfig.json'),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) =>
            copies.map(({ from, to }) => `cp -R "${join(inputDir, from)}" "${join(outputDir, to)}"`),
        },
      },
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The AWS-maintained minimum for a Lambda to write its own logs.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'The AWS-maintained minimum for a Lambda to attach its ENIs in the VPC.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource narrower than *; other grants are scoped.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-L1',
        reason: 'Pinned to nodejs22.x, the runtime the code is built (esbuild target node22) and tested for.',
      },
    );
    acknowledgeImportedSubnets(this, props.vpc);
  }
}
