import { parseArgs } from 'node:util';
import { roleSchema } from '../../shared/api/principal.ts';
import { DEFAULT_KEY_FILE, loadLocalJwtKeys } from './jwt.ts';

/** `npm run -s token -- --sub alice --role admin` prints a token the local API server accepts, and nothing else. */
const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    role: { type: 'string', default: 'viewer' },
    ttl: { type: 'string', default: '3600' },
    'key-file': { type: 'string', default: DEFAULT_KEY_FILE },
  },
});

const role = roleSchema.safeParse(values.role);
const ttlSeconds = Number(values.ttl);
if (!values.sub || !role.success || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
  process.stderr.write('usage: npm run -s token -- --sub <user> --role viewer|trader|admin|worker [--ttl seconds]\n');
  process.exit(2);
}
const keys = await loadLocalJwtKeys(values['key-file']);
process.stdout.write(`${await keys.sign({ sub: values.sub, role: role.data }, ttlSeconds)}\n`);
