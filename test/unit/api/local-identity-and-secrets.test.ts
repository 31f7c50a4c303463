import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalJwtKeys } from '../../../local/api/jwt.ts';
import { createLocalSecretsProvider } from '../../../shared/adapters/secrets/local-file.ts';
import { getSessionDataKey } from '../../../shared/adapters/secrets/session-keys.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sharpline-unit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('local secrets file', () => {
  it('is generated once (mode 0600) and every provider on it agrees on the key', async () => {
    const file = join(dir, 'nested', 'secrets.json');
    const providers = Array.from({ length: 5 }, () => createLocalSecretsProvider(file));
    const keys = await Promise.all(providers.map((p) => getSessionDataKey(p)));
    expect(keys[0]).toHaveLength(32);
    for (const key of keys) expect(key.equals(keys[0]!)).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe('local JWT keys', () => {
  it('verify their own tokens and reject tampered, foreign or HMAC ones', async () => {
    const file = join(dir, 'jwt.json');
    const keys = await loadLocalJwtKeys(file);
    const token = await keys.sign({ sub: 'alice', role: 'admin' });
    expect(await keys.verify(token)).toMatchObject({ sub: 'alice', role: 'admin' });
    expect(await (await loadLocalJwtKeys(file)).verify(token)).toMatchObject({ sub: 'alice', role: 'admin' });

    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'bob' }),
    );
    await expect(keys.verify(`${header}.${forged.toString('base64url')}.${signature}`)).rejects.toThrow();
    const other = await loadLocalJwtKeys(join(dir, 'other.json'));
    await expect(keys.verify(await other.sign({ sub: 'alice', role: 'admin' }))).rejects.toThrow();
    const hmac = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .sign(new Uint8Array(32));
    await expect(keys.verify(hmac)).rejects.toThrow();
  });
});
