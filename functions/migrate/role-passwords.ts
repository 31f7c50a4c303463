import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { readDatabaseSecret } from '#adapters/pg/pool';
import { type DatabaseComponent, databaseRoles } from '#config/database-roles';

const SCRAM_ITERATIONS = 4096;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The SCRAM-SHA-256 verifier Postgres stores for `password` (RFC 5802/7677). `ALTER ROLE ... PASSWORD` given a
 * verifier stores it as is: the password itself never reaches the server, nor its statement log.
 */
export function scramSha256Verifier(password: string, salt = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  // Postgres SASLprep-normalises a password first; for printable ASCII (what the generated secrets hold) that is a
  // no-op, so anything else is refused rather than hashed into a verifier no login would match.
  if (!PRINTABLE_ASCII.test(password)) throw new Error('a role password must be printable ASCII without spaces');
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * Sets each component role's password from its own secret (the migrations created the roles). Runs on every
 * deploy, so a role whose secret was replaced, or a restored database, gets the password the proxy holds. A secret
 * naming another user than its component's role is refused: it would hand one component another's login.
 */
export async function setRolePasswords(
  connection: pg.ClientConfig,
  secretArns: Partial<Record<DatabaseComponent, string>>,
): Promise<DatabaseComponent[]> {
  const roles: Array<{ component: DatabaseComponent; verifier: string }> = [];
  for (const [component, arn] of Object.entries(secretArns) as Array<[DatabaseComponent, string]>) {
    const secret = await readDatabaseSecret(arn, `DATABASE_ROLE_SECRET_ARNS.${component}`, { forceFetch: true });
    if (secret.username !== databaseRoles[component]) {
      throw new Error(`the ${component} secret names ${secret.username}, not ${databaseRoles[component]}`);
    }
    roles.push({ component, verifier: scramSha256Verifier(secret.password) });
  }
  const client = new pg.Client(connection);
  await client.connect();
  try {
    for (const { component, verifier } of roles) {
      await client.query(
        `ALTER ROLE ${pg.escapeIdentifier(databaseRoles[component])} WITH LOGIN PASSWORD ${pg.escapeLiteral(verifier)}`,
      );
    }
  } finally {
    await client.end();
  }
  return roles.map((r) => r.component);
}
