import { Agent, type ClientRequestArgs } from 'node:http';
import { Socket } from 'node:net';
import WebSocket from 'ws';
import type { EgressDispatcher } from './types.ts';

/** An agent whose every connection fails with `error`: the socket errors, the client backs off and tries again. */
class RefusingAgent extends Agent {
  constructor(private readonly error: unknown) {
    super();
  }

  override createConnection(_options: ClientRequestArgs): Socket {
    const socket = new Socket();
    process.nextTick(() => socket.destroy(this.error instanceof Error ? this.error : new Error(String(this.error))));
    return socket;
  }
}

/**
 * A `ws` WebSocket class whose every connection goes through the egress in use when it is opened (`wsAgent()`), for
 * the venue WebSocket clients that take a `WebSocket` option. With no healthy egress the connection fails like any
 * other (never straight out), so the client's own reconnect and backoff apply.
 */
export function egressWebSocket(egress: Pick<EgressDispatcher, 'wsAgent'>): typeof WebSocket {
  const agent = () => {
    try {
      return egress.wsAgent();
    } catch (error) {
      return new RefusingAgent(error);
    }
  };
  return class EgressWebSocket extends WebSocket {
    constructor(
      address: string | URL | null,
      protocols?: string | string[] | WebSocket.ClientOptions | ClientRequestArgs,
      options?: WebSocket.ClientOptions | ClientRequestArgs,
    ) {
      if (typeof protocols === 'object' && !Array.isArray(protocols)) {
        super(address as string | URL, { ...(protocols as WebSocket.ClientOptions), agent: agent() });
      } else {
        super(address as string | URL, protocols as string | string[] | undefined, {
          ...(options as WebSocket.ClientOptions),
          agent: agent(),
        });
      }
    }
  };
}
