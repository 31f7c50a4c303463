import { connect } from 'node:net';

/** `REDIS_URL` when set, else the machine's Redis on 127.0.0.1:6379 when one answers; no Redis server ships with npm. */
export async function findRedis(): Promise<string | undefined> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379, timeout: 500 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  return reachable ? 'redis://127.0.0.1:6379' : undefined;
}
