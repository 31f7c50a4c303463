import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Vpc } from 'aws-cdk-lib/aws-ec2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { serviceNames } from '#config/metrics';
import { lambdaEntries } from '../config/paths.ts';
import type { EnvConfig } from '../config/types.ts';
import { SharplineFunction } from '../constructs/sharpline-function.ts';
import { type DatabaseAccess, databaseEnvironment, grantDatabase } from './database-access.ts';
import { grantSessionKeyRead, type SessionKeyAccess } from './session-key-access.ts';

export interface ApiStackProps extends StackProps {
  config: EnvConfig;
  vpc: Vpc;
  database: DatabaseAccess;
  browserJobsQueue: IQueue;
  sessionDataKey: SessionKeyAccess;
}

/** The health routes the API Lambda serves publicly (`/health`, `/health/live`, `/health/ready`, ...). */
export const HEALTH_PATHS = ['/health', '/health/{proxy+}'];

/** The HTTP API: a JWT authorizer on every route but health, one Lambda behind it, throttled, access-logged. */
export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly handler: SharplineFunction;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, database } = props;

    this.handler = new SharplineFunction(this, 'Api', {
      config,
      entry: lambdaEntries.api,
      serviceName: serviceNames.api,
      description: 'HTTP API: consents, sessions, jobs, workers, signals, trades, bankroll, kill switch',
      vpc: props.vpc,
      securityGroups: [database.clients],
      environment: {
        ...databaseEnvironment(database, 'api'),
        BROWSER_JOBS_QUEUE_URL: props.browserJobsQueue.queueUrl,
        SESSION_KEY_SECRET_ARN: props.sessionDataKey.secret.secretArn,
      },
    });
    grantDatabase(database, 'api', this.handler);
    props.browserJobsQueue.grantSendMessages(this.handler);
    grantSessionKeyRead(props.sessionDataKey, this.handler);

    const authorizer = new HttpJwtAuthorizer('Jwt', config.auth.jwtIssuer, {
      jwtAudience: config.auth.jwtAudience,
    });
    this.api = new HttpApi(this, 'HttpApi', {
      description: `sharpline ${config.envName} API`,
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
    });
    const integration = new HttpLambdaIntegration('Lambda', this.handler);
    for (const path of HEALTH_PATHS) {
      for (const route of this.api.addRoutes({
        path,
        methods: [HttpMethod.GET],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      })) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions::AwsSolutions-APIG4',
          reason: 'Health routes are public by design (uptime checks); they carry no user data.',
        });
      }
    }
    this.api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.api.throttleRatePerSecond, burstLimit: config.api.throttleBurst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
      },
    });
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
  }
}
