import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerHealth } from './consumer.ts';

/**
 * `GET /health`: 200 while the worker takes jobs and its last heartbeat reached the registry, 503 otherwise. The body
 * names its running jobs and each sportsbook's breaker (an open breaker degrades, it does not fail the task: a
 * restart would not mend the book).
 */
export function healthAnswer(health: WorkerHealth): { statusCode: 200 | 503; body: object } {
  const ok = health.state === 'running' && health.lastHeartbeatOk;
  const degraded = Object.values(health.breakers).some((breaker) => breaker.state !== 'closed');
  return { statusCode: ok ? 200 : 503, body: { status: ok ? (degraded ? 'degraded' : 'ok') : 'down', ...health } };
}

export async function startHealthServer(port: number, health: () => WorkerHealth): Promise<Server & { port: number }> {
  const server = createServer((req, res) => {
    if (req.url !== '/health') {
      res.writeHead(404).end();
      return;
    }
    const answer = healthAnswer(health());
    res.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}
