import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Vpc } from 'aws-cdk-lib/aws-ec2';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { serviceNames } from '#config/metrics';
import { lambdaEntries } from '../config/paths.ts';
import type { EnvConfig } from '../config/types.ts';
import { sportsbookOriginsVariable } from '../constructs/browser-worker.ts';
import { SharplineLogGroup } from '../constructs/log-group.ts';
import { SharplineFunction } from '../constructs/sharpline-function.ts';
import { controlTower } from '../lib/control-tower.ts';
import { grantSessionKeyRead, type SessionKeyAccess } from '../lib/session-key-access.ts';
import { type DatabaseAccess, databaseEnvironment, grantDatabase } from './database-access.ts';

export interface ApiStackProps extends StackProps {
  config: EnvConfig;
  vpc: Vpc;
  database: DatabaseAccess;
  browserJobsQueue: IQueue;
  sessionDataKey: SessionKeyAccess;
}

/** The health routes the API Lambda serves publicly (`/health`, `/health/live`, `/health/ready`, ...). */
export const HEALTH_PATHS = ['/health', '/health/{proxy+}'];

/** The invoke permission CDK gives API Gateway on each route is scoped to that route of this API by `SourceArn`. */
function acknowledgeScopedInvokePermission(route: HttpRoute): void {
  Validations.of(route).acknowledge({
    id: controlTower.lambdaPermissionScoped,
    reason:
      "API Gateway may invoke the API Lambda only for this route of this API: SourceArn (an Fn::Join the rule can't read).",
  });
}

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
        SPORTSBOOK_ORIGINS: sportsbookOriginsVariable(config),
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
        Validations.of(route).acknowledge(
          {
            id: 'AwsSolutions::AwsSolutions-APIG4',
            reason: 'Health routes are public by design (uptime checks); they carry no user data.',
          },
          {
            id: controlTower.routeAuthorized,
            reason: 'Health routes are public by design (uptime checks); they carry no user data.',
          },
        );
        acknowledgeScopedInvokePermission(route);
      }
    }
    for (const route of this.api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration })) {
      acknowledgeScopedInvokePermission(route);
    }

    const accessLogs = new SharplineLogGroup(this, 'AccessLogs', { config });
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
