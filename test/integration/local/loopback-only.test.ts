import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '#adapters/pg/embedded';
import { startDynamoEmulator } from '../../../local/emulators/dynamodb.ts';
import { type ApiStack, startApiStack } from '../api/harness.ts';

interface ListeningSocket {
  address: string;
  port: number;
}

/** `/proc/net/tcp` writes an IPv4 address as 8 hex digits in host (little-endian) order. */
function ipv4(hex: string): string {
  return (hex.match(/../g) ?? [])
    .map((byte) => Number.parseInt(byte, 16))
    .reverse()
    .join('.');
}

/** `/proc/net/tcp6` writes an IPv6 address as four 32-bit words, each in host order. */
function ipv6(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse());
  const groups = (bytes.join('').match(/.{4}/g) ?? []).map((group) => Number.parseInt(group, 16).toString(16));
  return groups.join(':');
}

/** Every TCP socket in state LISTEN (0A) on this machine's network namespace, as the kernel reports it. */
async function listeningSockets(): Promise<ListeningSocket[]> {
  const sockets: ListeningSocket[] = [];
  for (const [file, decode] of [
    ['/proc/net/tcp', ipv4],
    ['/proc/net/tcp6', ipv6],
  ] as const) {
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue;
      const [addressHex = '', portHex = ''] = local.split(':');
      sockets.push({ address: decode(addressHex), port: Number.parseInt(portHex, 16) });
    }
  }
  return sockets;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|0:0:0:0:0:0:0:1)$/;

describe('local mode listens on loopback only', () => {
  let api: ApiStack;
  let dynamo: Awaited<ReturnType<typeof startDynamoEmulator>>;
  let postgres: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sharpline-loopback-'));
    [api, dynamo, postgres] = await Promise.all([
      startApiStack(),
      startDynamoEmulator(),
      startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), persistent: false, fast: true }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), dynamo?.stop(), postgres?.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('binds the SQS emulator, the DynamoDB emulator, the API server and embedded Postgres to 127.0.0.1', async () => {
    const parts = {
      'SQS emulator': new URL(api.sqsEndpoint).port,
      'DynamoDB emulator': new URL(dynamo.endpoint).port,
      'API server': new URL(api.url).port,
      'embedded Postgres': new URL(postgres.url).port,
    };
    const sockets = await listeningSockets();
    for (const [part, port] of Object.entries(parts)) {
      const bound = sockets.filter((s) => s.port === Number(port)).map((s) => s.address);
      expect(bound, `${part} (port ${port}) is listening`).not.toHaveLength(0);
      expect(
        bound.filter((address) => !LOOPBACK.test(address)),
        `${part} listens beyond loopback`,
      ).toEqual([]);
    }
  });
});
