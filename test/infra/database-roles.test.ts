import { beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseComponent, databaseComponents, databaseRoles } from '#config/database-roles';
import { serviceNames } from '#config/metrics';
import { envNames } from '../../infra/config/types.ts';
import { resourcesOf, type SynthesizedApp, synthesize } from './support.ts';

/** Logical ids start with the construct id: the data stack's `ApiDatabaseSecret`, ..., and `PostgresSecret` (master). */
const secretIdOf = (component: DatabaseComponent) =>
  `${component[0]!.toUpperCase()}${component.slice(1)}DatabaseSecret`;
const MASTER_SECRET = 'PostgresSecret';
const serviceOf: Record<DatabaseComponent, string> = {
  api: serviceNames.api,
  evaluator: serviceNames.signalEvaluator,
  settlement: serviceNames.settlement,
  retention: serviceNames.retention,
  gameShard: serviceNames.gameShard,
  browserWorker: serviceNames.browserWorker,
  executor: serviceNames.executorKalshi,
};
const allSecretIds = [MASTER_SECRET, ...databaseComponents.map(secretIdOf)];

/** Which database secrets (by logical id) a piece of template mentions, as a Ref or a cross-stack import. */
function secretsIn(value: unknown): string[] {
  const text = JSON.stringify(value);
  return allSecretIds.filter((id) => new RegExp(`(Ref|"|:ExportsOutput\\w*?)${id}(?!Rotation)`).test(text));
}

interface Consumer {
  service: string;
  /** The DATABASE_SECRET_ARN value, as synthesized. */
  secretArn: unknown;
  /** The IAM role the code runs with (a Ref to it). */
  role: unknown;
}

/** Every Lambda and ECS container of every stack, with the database secret it is given and the role it runs as. */
function consumers(synth: SynthesizedApp): Consumer[] {
  const found: Consumer[] = [];
  for (const template of Object.values(synth.templates)) {
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      const vars = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      found.push({
        service: String(vars.POWERTOOLS_SERVICE_NAME),
        secretArn: vars.DATABASE_SECRET_ARN,
        role: fn.Properties.Role,
      });
    }
    for (const task of Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition'))) {
      for (const container of task.Properties.ContainerDefinitions as Array<{
        Environment?: Array<{ Name: string; Value: unknown }>;
      }>) {
        const env = Object.fromEntries((container.Environment ?? []).map((e) => [e.Name, e.Value]));
        found.push({
          service: String(env.POWERTOOLS_SERVICE_NAME),
          secretArn: env.DATABASE_SECRET_ARN,
          role: task.Properties.TaskRoleArn,
        });
      }
    }
  }
  return found;
}

/** The database secrets the IAM policies attached to `role` let it read. */
function readableSecrets(synth: SynthesizedApp, role: unknown): string[] {
  const roleId = JSON.stringify(role).match(/"(\w+?)(?:"|\.Arn)/)?.[1];
  const readable = new Set<string>();
  for (const template of Object.values(synth.templates)) {
    for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
      if (!JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`)) continue;
      const statements = (policy.Properties.PolicyDocument as { Statement: Array<{ Action: unknown }> }).Statement;
      for (const statement of statements) {
        if (JSON.stringify(statement.Action).includes('secretsmanager:GetSecretValue')) {
          for (const id of secretsIn(statement)) readable.add(id);
        }
      }
    }
  }
  return [...readable].sort();
}

describe.each(envNames)('database roles in %s', (env) => {
  let synth: SynthesizedApp;
  beforeAll(() => {
    synth = synthesize(env);
  });

  it('generates one secret per component role, for the role of shared/config/database-roles.ts', () => {
    const secrets = resourcesOf(synth.templates.data, 'AWS::SecretsManager::Secret');
    for (const component of databaseComponents) {
      const matching = Object.entries(secrets).filter(([id]) => id.startsWith(secretIdOf(component)));
      expect(matching, component).toHaveLength(1);
      const template = (matching[0]![1].Properties.GenerateSecretString as { SecretStringTemplate: string })
        .SecretStringTemplate;
      expect(JSON.parse(template)).toMatchObject({ username: databaseRoles[component], dbname: 'sharpline' });
    }
  });

  it('registers the component secrets with the proxy and not the master secret', () => {
    const [proxy] = Object.values(resourcesOf(synth.templates.data, 'AWS::RDS::DBProxy'));
    expect(secretsIn(proxy!.Properties.Auth).sort()).toEqual(databaseComponents.map(secretIdOf).sort());
  });

  it('gives each component its own secret and lets it read that one only', () => {
    const all = consumers(synth);
    for (const component of databaseComponents) {
      const mine = all.filter((c) => c.service === serviceOf[component]);
      expect(mine.length, component).toBeGreaterThan(0);
      for (const consumer of mine) {
        expect(secretsIn(consumer.secretArn), `${component} DATABASE_SECRET_ARN`).toEqual([secretIdOf(component)]);
        expect(readableSecrets(synth, consumer.role), `${component} IAM`).toEqual([secretIdOf(component)]);
      }
    }
  });

  it('lets nothing but the migrations custom resource have the master secret', () => {
    const withMaster = consumers(synth).filter(
      (c) => secretsIn(c.secretArn).includes(MASTER_SECRET) || readableSecrets(synth, c.role).includes(MASTER_SECRET),
    );
    expect(withMaster.map((c) => c.service)).toEqual([serviceNames.migrate]);
    const migrate = withMaster[0]!;
    expect(readableSecrets(synth, migrate.role)).toEqual([...allSecretIds].sort());
  });
});
