import { parseArgs } from 'node:util';
import { createPool } from '#adapters/pg/pool';
import { apiConfig, loadConfig } from '#config/env';
import { secretsProviderFromConfig } from '../adapters/secrets/from-config.ts';
import { retireLocalSessionKeys, rotateLocalSessionKey } from '../adapters/secrets/local-file.ts';
import { sessionKeyId } from '../adapters/secrets/session-keys.ts';
import { rekeySessions } from './rekey.ts';

/**
 * `npm run sessions:rekey -- [--batch-size 100] [--rotate-local-key] [--retire-unused-local-keys]`: re-seals every
 * sportsbook session with the current session data key (README, "Rotating the session data key"). Safe to stop
 * and run again. The two local flags rotate the local secrets file first and drop its unused keys after.
 */
const { values } = parseArgs({
  options: {
    'batch-size': { type: 'string', default: '100' },
    'rotate-local-key': { type: 'boolean', default: false },
    'retire-unused-local-keys': { type: 'boolean', default: false },
  },
});
const batchSize = Number(values['batch-size']);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
  process.stderr.write('--batch-size must be an integer from 1 to 10000\n');
  process.exit(2);
}
const config = loadConfig(apiConfig);
const local = !config.SESSION_KEY_SECRET_ARN;
if (!local && (values['rotate-local-key'] || values['retire-unused-local-keys'])) {
  process.stderr.write('the local key flags need the local secrets file; SESSION_KEY_SECRET_ARN is set\n');
  process.exit(2);
}

if (values['rotate-local-key']) await rotateLocalSessionKey(config.LOCAL_SECRETS_FILE);
const pool = createPool({}, config);
try {
  const result = await rekeySessions(
    { pool, secrets: secretsProviderFromConfig(config) },
    { batchSize, onBatch: (resealed) => process.stderr.write(`re-sealed ${resealed}\n`) },
  );
  if (values['retire-unused-local-keys']) {
    const inUse = (base64: string) => (result.remainingByKey[sessionKeyId(Buffer.from(base64, 'base64'))] ?? 0) > 0;
    await retireLocalSessionKeys(config.LOCAL_SECRETS_FILE, inUse);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await pool.end();
}
