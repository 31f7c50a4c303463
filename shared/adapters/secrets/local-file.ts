import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SecretName, SecretsProvider } from './provider.ts';

const secretsFileSchema = z.object({ 'session-data-key': z.string().min(1) });
type SecretsFile = z.infer<typeof secretsFileSchema>;

function generate(): SecretsFile {
  return { 'session-data-key': randomBytes(32).toString('base64') };
}

/**
 * Local stand-in for Secrets Manager: a JSON file (mode 0600) generated with fresh random secrets the first time it is
 * read. Creation uses the exclusive flag so two processes starting together agree on one file.
 */
export function createLocalSecretsProvider(filePath: string): SecretsProvider {
  let loaded: Promise<SecretsFile> | undefined;
  const load = async (): Promise<SecretsFile> => {
    // The file itself is 0600; the folder stays traversable: it also holds Postgres's data, run as `postgres`.
    await mkdir(dirname(filePath), { recursive: true });
    try {
      await writeFile(filePath, `${JSON.stringify(generate(), null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return secretsFileSchema.parse(JSON.parse(await readFile(filePath, 'utf8')));
  };
  return {
    async getSecret(name: SecretName) {
      loaded ??= load();
      return (await loaded)[name];
    },
  };
}
