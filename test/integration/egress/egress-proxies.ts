import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * A tiny HTTP CONNECT proxy (what gluetun's HTTP proxy does for our traffic), which can be killed (every tunnel cut,
 * the port refused) and brought back on the same port.
 */
export interface TestProxy {
  url: string;
  tunnels: number;
  kill(): Promise<void>;
  revive(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestProxy(port = 0): Promise<TestProxy> {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const state = { tunnels: 0, port };
  const listen = async () => {
    const s = createServer((_req, res) => res.writeHead(405).end());
    s.on('connect', (req, client: Socket, head: Buffer) => {
      const [host, targetPort] = (req.url ?? '').split(':');
      const upstream = connect(Number(targetPort), host ?? '127.0.0.1', () => {
        state.tunnels += 1;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
    });
    s.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    s.listen(state.port, '127.0.0.1');
    await once(s, 'listening');
    const address = s.address();
    if (typeof address === 'object' && address) state.port = address.port;
    server = s;
  };
  const kill = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise((resolve) => s.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await listen();
  return {
    url: `http://127.0.0.1:${state.port}`,
    get tunnels() {
      return state.tunnels;
    },
    kill,
    revive: listen,
    close: kill,
  };
}
