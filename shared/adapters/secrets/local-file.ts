import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SecretName, SecretsProvider } from './provider.ts';
import { type KeyringSecret, rotatedKeyringSecret } from './session-keys.ts';

/** One base64 key as first generated, or a keyring once rotated (`session-keys.ts`). */
const secretsFileSchema = z.object({
  'session-data-key': z.union([
    z.string().min(1),
    z.strictObject({ current: z.string().min(1), previous: z.array(z.string().min(1)) }),
  ]),
});
type SecretsFile = z.infer<typeof secretsFileSchema>;

function generate(): SecretsFile {
  return { 'session-data-key': randomBytes(32).toString('base64') };
}

async function readSecretsFile(filePath: string): Promise<SecretsFile> {
  return secretsFileSchema.parse(JSON.parse(await readFile(filePath, 'utf8')));
}

/** Creates the file with fresh secrets unless it already exists. */
async function ensureSecretsFile(filePath: string): Promise<void> {
  // The file itself is 0600; the folder stays traversable: it also holds Postgres's data, run as `postgres`.
  await mkdir(dirname(filePath), { recursive: true });
  try {
    await writeFile(filePath, `${JSON.stringify(generate(), null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Local stand-in for Secrets Manager: a JSON file (mode 0600) generated with fresh random secrets the first time it is
 * read. Creation uses the exclusive flag so two processes starting together agree on one file.
 */
export function createLocalSecretsProvider(filePath: string): SecretsProvider {
  let created: Promise<void> | undefined;
  return {
    // Read on every call (a small local file): a rotation by `sessions:rekey` reaches a running local API at once.
    async getSecret(name: SecretName) {
      created ??= ensureSecretsFile(filePath);
      await created;
      const value = (await readSecretsFile(filePath))[name];
      return typeof value === 'string' ? value : JSON.stringify(value);
    },
  };
}

/**
 * Replaces the session data key in the local file: a new current key, the old ones kept as previous (what an
 * operator puts into Secrets Manager in AWS). Written to a temporary file and renamed, so a reader sees the old file
 * or the new one, never half of one.
 */
export async function rotateLocalSessionKey(filePath: string): Promise<KeyringSecret> {
  await ensureSecretsFile(filePath);
  const file = await readSecretsFile(filePath);
  const old = file['session-data-key'];
  const rotated = rotatedKeyringSecret(typeof old === 'string' ? old : JSON.stringify(old));
  await writeLocalSecrets(filePath, { ...file, 'session-data-key': rotated });
  return rotated;
}

/** Drops previous keys that no row uses any more (`keep` lists the ids still in use). */
export async function retireLocalSessionKeys(filePath: string, keep: (base64: string) => boolean): Promise<number> {
  const file = await readSecretsFile(filePath);
  const ring = file['session-data-key'];
  if (typeof ring === 'string') return 0;
  const previous = ring.previous.filter(keep);
  await writeLocalSecrets(filePath, { ...file, 'session-data-key': { ...ring, previous } });
  return ring.previous.length - previous.length;
}

async function writeLocalSecrets(filePath: string, file: SecretsFile): Promise<void> {
  const temporary = `${filePath}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, filePath);
}
