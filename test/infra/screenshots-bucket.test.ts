import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_RETENTION_DAYS } from '../../infra/constructs/browser-worker.ts';
import { resourcesOf, type SynthesizedApp, synthesize } from './support.ts';

let prod: SynthesizedApp;

beforeAll(() => {
  prod = synthesize('prod');
});

type ContainerDefinition = { Name: string; Environment?: { Name: string; Value: unknown }[] };

describe('screenshot bucket', () => {
  it('is encrypted, private, TLS-only and expires screenshots', () => {
    const t = prod.templates.compute;
    const buckets = Object.entries(resourcesOf(t, 'AWS::S3::Bucket'));
    expect(buckets).toHaveLength(1);
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: SCREENSHOT_RETENTION_DAYS, Status: 'Enabled' })],
      },
    });
    const [bucketId] = buckets[0]!;
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('is named to the worker as SCREENSHOT_BUCKET, and only the worker task role may put objects in it', () => {
    const t = prod.templates.compute;
    const [bucketId] = Object.keys(resourcesOf(t, 'AWS::S3::Bucket'));
    const taskDefs = Object.values(resourcesOf(t, 'AWS::ECS::TaskDefinition'));
    const worker = taskDefs.find((d) =>
      (d.Properties.ContainerDefinitions as ContainerDefinition[]).some((c) => c.Name === 'browser-worker'),
    );
    expect(worker).toBeDefined();
    const container = (worker!.Properties.ContainerDefinitions as ContainerDefinition[]).find(
      (c) => c.Name === 'browser-worker',
    )!;
    expect(container.Environment).toContainEqual({ Name: 'SCREENSHOT_BUCKET', Value: { Ref: bucketId } });

    const taskRole = (worker!.Properties.TaskRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    const putters = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).filter((p) =>
      (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.some(
        (s) =>
          [s.Action].flat().includes('s3:PutObject') && JSON.stringify(s.Resource).includes(JSON.stringify(bucketArn)),
      ),
    );
    expect(putters.map((p) => p.Properties.Roles)).toEqual([[{ Ref: taskRole }]]);
  });
});
