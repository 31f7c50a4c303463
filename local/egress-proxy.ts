import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** What went through the proxy, per target `host:port`. */
export interface EgressProxyCounts {
  /** CONNECT tunnels opened (undici's ProxyAgent and `ws` over an https proxy agent both tunnel). */
  connects: Map<string, number>;
  /** Plain forward requests (absolute URI), by `host:port`. */
  forwarded: Map<string, number>;
  /** The local port of every connection the proxy opened to a target: what the target sees as its client's port. */
  upstreamPorts: Set<number>;
}

export interface LocalEgressProxy {
  /** `http://127.0.0.1:<port>`, for `EGRESS_PROXY_URLS`. */
  url: string;
  counts: EgressProxyCounts;
  /** Tunnels and forwards to `host:port` so far. */
  total(target?: string): number;
  /** Stops taking connections and cuts every open tunnel, as a dead egress would. */
  stop(): Promise<void>;
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/**
 * The egress stand-in of local mode and tests: an HTTP proxy on loopback that opens CONNECT tunnels and forwards
 * absolute-URI requests, as gluetun's HTTP proxy does in front of the tunnel (containers/vpn-egress). It counts what
 * it carries, so a test can prove venue traffic went through it, and `stop()` cuts everything at once.
 */
export async function startLocalEgressProxy(opts: { port?: number } = {}): Promise<LocalEgressProxy> {
  const counts: EgressProxyCounts = { connects: new Map(), forwarded: new Map(), upstreamPorts: new Set() };
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI required');
      return;
    }
    bump(counts.forwarded, target.host);
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        if (answer.socket.localPort !== undefined) counts.upstreamPorts.add(answer.socket.localPort);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };

  const server: Server = createServer(forward);
  server.on('connection', track);
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(':');
    if (!host || !port) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    bump(counts.connects, `${host}:${port}`);
    const upstream = connect(Number(port), host, () => {
      if (upstream.localPort !== undefined) counts.upstreamPorts.add(upstream.localPort);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.once('error', () => client.destroy());
    client.once('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    total: (target) => {
      let n = 0;
      for (const map of [counts.connects, counts.forwarded]) {
        for (const [key, value] of map) if (target === undefined || key === target) n += value;
      }
      return n;
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}
