import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { envConfigs } from '../../infra/config/envs.ts';
import { loadEnvConfig } from '../../infra/config/load.ts';
import { envNames } from '../../infra/config/types.ts';

describe('env config', () => {
  it('rejects a missing or unknown env with a message naming the allowed ones', () => {
    expect(() => loadEnvConfig({})).toThrow(/dev, staging, prod/);
    expect(() => loadEnvConfig({ env: 'production' })).toThrow(/-c env=<name> must be one of dev, staging, prod/);
  });

  it('accepts each env and returns its own config', () => {
    for (const env of envNames) expect(loadEnvConfig({ env }).envName).toBe(env);
  });

  it('takes a 12-digit account override and rejects anything else', () => {
    expect(loadEnvConfig({ env: 'dev', account: '123456789012' }).account).toBe('123456789012');
    expect(() => loadEnvConfig({ env: 'dev', account: '1234' })).toThrow(/12-digit/);
  });

  it('keeps prod data safe: no DESTROY, deletion protection, multi-AZ, backups', () => {
    const prod = envConfigs.prod;
    expect(prod.removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(prod.database.removalPolicy).toBe(RemovalPolicy.SNAPSHOT);
    expect(prod.database.deletionProtection).toBe(true);
    expect(prod.database.multiAz).toBe(true);
    expect(prod.cache.multiAz).toBe(true);
    expect(prod.database.backupRetentionDays).toBeGreaterThanOrEqual(7);
    expect(prod.tradingMode).toBe('paper');
  });

  it('gives every env distinct CIDRs and accounts so the envs never collide', () => {
    const configs = Object.values(envConfigs);
    expect(new Set(configs.map((c) => c.network.cidr)).size).toBe(configs.length);
    expect(new Set(configs.map((c) => c.account)).size).toBe(configs.length);
  });
});
