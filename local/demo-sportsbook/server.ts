/**
 * A demo sportsbook over HTTPS for the browser worker's local mode and tests (README.md beside this file is the
 * page contract). Never deployed. All state is in memory; the odds are a pure function of (event, seed, tick).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { type MoneyMicros, parseMicros } from '#domain/units';
import { DEMO_EVENTS, type DemoEvent, eventById } from './events.ts';
import {
  MAX_ABS_AMERICAN,
  type Moneyline,
  moneylineAt,
  movedWorse,
  type OddsPin,
  parseSelectionId,
  payoutMicros,
  type Side,
} from './odds.ts';
import {
  type Bet,
  challengePage,
  confirmPage,
  eventPage,
  eventsPage,
  historyPage,
  loginPage,
  notFoundPage,
  type PageContext,
  priceChangedPage,
  type Review,
  receiptPage,
  slipPage,
} from './pages.ts';
import { type DemoTls, makeDemoCertificate, spkiSha256 } from './tls.ts';

export interface DemoUser {
  username: string;
  password: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'alice', password: 'alice-demo-pass' },
  { username: 'bob', password: 'bob-demo-pass' },
];

export interface DemoSportsbookOptions {
  /** The sportsbook name (`sportsbook:<name>` as a venue); also names the session cookie and the bet ids. */
  name: string;
  seed: number;
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  odds?: readonly OddsPin[];
  users?: readonly DemoUser[];
  /** Advance the tick on a timer; off by default so that tests drive the clock. */
  tickEveryMs?: number;
  /** Reuse a certificate (e.g. one for every instance); else one is made at start. */
  tls?: DemoTls;
}

export interface Switches {
  slowPageMs: number;
  movePriceOnConfirm: boolean;
  /** One-shot: forgets every session that exists when set; reads back false. */
  expireSessions: boolean;
  challenge: boolean;
}

export interface OddsSnapshot {
  name: string;
  tick: number;
  events: { eventId: string; moneyline: Moneyline }[];
}

/** A confirmed bet as the admin API reports it. */
export interface BetRecord {
  betId: string;
  username: string;
  eventId: string;
  selection: string;
  american: number;
  stakeMicros: number;
  payoutMicros: number;
  placedAt: string;
}

export interface BookState {
  name: string;
  tick: number;
  switches: Switches;
  bets: BetRecord[];
  sessions: number;
  challengeSubmissions: number;
}

export interface DemoSportsbookAdmin {
  setSwitches(patch: Partial<Switches>): Switches;
  tick(by?: number): number;
  setTick(tick: number): number;
  plantOdds(pin: OddsPin): OddsSnapshot;
  odds(): OddsSnapshot;
  bets(): BetRecord[];
  state(): BookState;
  reset(): void;
}

export interface DemoSportsbook {
  name: string;
  origin: string;
  certPem: string;
  /** For Chromium's `--ignore-certificate-errors-spki-list`: trusts this certificate's key and nothing else. */
  spkiSha256: string;
  users: readonly DemoUser[];
  admin: DemoSportsbookAdmin;
  close(): Promise<void>;
}

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const MAX_BODY_BYTES = 16 * 1024;
const MAX_STAKE_MICROS = 10_000_000_000;
const STAKE_TEXT = /^\d{1,5}(\.\d{1,2})?$/;

const americanSchema = z
  .number()
  .int()
  .refine((odds) => Math.abs(odds) >= 100 && Math.abs(odds) <= MAX_ABS_AMERICAN, 'American odds: 100 <= |odds|');
const tickSchema = z.number().int().min(0);

export const oddsPinSchema = z
  .strictObject({
    eventId: z.enum(DEMO_EVENTS.map((event) => event.id) as [string, ...string[]]),
    home: americanSchema,
    away: americanSchema,
    fromTick: tickSchema.optional(),
    toTick: tickSchema.optional(),
  })
  .refine((pin) => pin.toTick === undefined || pin.toTick > (pin.fromTick ?? 0), 'toTick must be after fromTick');

const switchesPatchSchema = z.strictObject({
  slowPageMs: z.number().int().min(0).max(60_000).optional(),
  movePriceOnConfirm: z.boolean().optional(),
  expireSessions: z.boolean().optional(),
  challenge: z.boolean().optional(),
});

const tickBodySchema = z.union([
  z.strictObject({ by: z.number().int().min(1).optional() }),
  z.strictObject({ to: tickSchema }),
]);

const loginFormSchema = z.object({
  username: z.string().max(64),
  password: z.string().max(128),
  next: z.string().max(512).optional(),
});

const slipFormSchema = z.object({ eventId: z.string().max(64), selection: z.string().max(64) });

interface Slip {
  eventId: string;
  side: Side;
  american: number;
  stakeMicros?: MoneyMicros;
}

interface Session {
  username: string;
  slip?: Slip;
}

const NO_SWITCHES: Switches = { slowPageMs: 0, movePriceOnConfirm: false, expireSessions: false, challenge: false };

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

class BadRequest extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await readBody(req)));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('body is not JSON');
  }
}

function cookieValue(req: IncomingMessage, cookieName: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === cookieName) return rest.join('=');
  }
  return undefined;
}

/** Only a path on this origin: no scheme, no `//host`, no backslash tricks. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.includes('\\') ? next : '/events';
}

function html(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...PAGE_HEADERS, ...headers });
  res.end(body);
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  res.end();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function betRecord(bet: Bet): BetRecord {
  return {
    betId: bet.betId,
    username: bet.username,
    eventId: bet.eventId,
    selection: `moneyline.${bet.side}`,
    american: bet.american,
    stakeMicros: bet.stakeMicros,
    payoutMicros: bet.payoutMicros,
    placedAt: bet.placedAt,
  };
}

export async function startDemoSportsbook(options: DemoSportsbookOptions): Promise<DemoSportsbook> {
  if (!NAME.test(options.name)) throw new RangeError(`sportsbook name must match ${NAME}, got ${options.name}`);
  if (!Number.isSafeInteger(options.seed)) throw new RangeError('seed must be an integer');
  const startPins = (options.odds ?? []).map((pin) => oddsPinSchema.parse(pin));
  const users = options.users ?? DEMO_USERS;
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls ?? (await makeDemoCertificate());
  const cookieName = `${options.name}_session`;
  const cookieAttributes = 'Path=/; HttpOnly; Secure; SameSite=Lax';

  let tick = 0;
  let pins: OddsPin[] = [...startPins];
  let switches: Switches = { ...NO_SWITCHES };
  let bets: Bet[] = [];
  let betSequence = 0;
  let challengeSubmissions = 0;
  const sessions = new Map<string, Session>();

  const moneyline = (eventId: string): Moneyline => moneylineAt({ eventId, seed: options.seed, tick, pins });

  const oddsSnapshot = (): OddsSnapshot => ({
    name: options.name,
    tick,
    events: DEMO_EVENTS.map((event) => ({ eventId: event.id, moneyline: moneyline(event.id) })),
  });

  const admin: DemoSportsbookAdmin = {
    setSwitches(patch) {
      const parsed = switchesPatchSchema.parse(patch);
      if (parsed.expireSessions) sessions.clear();
      switches = { ...switches, ...parsed, expireSessions: false };
      return { ...switches };
    },
    tick(by = 1) {
      tick += z.number().int().min(1).parse(by);
      return tick;
    },
    setTick(to) {
      tick = tickSchema.parse(to);
      return tick;
    },
    plantOdds(pin) {
      pins.push(oddsPinSchema.parse(pin));
      return oddsSnapshot();
    },
    odds: oddsSnapshot,
    bets: () => bets.map(betRecord),
    state: () => ({
      name: options.name,
      tick,
      switches: { ...switches },
      bets: bets.map(betRecord),
      sessions: sessions.size,
      challengeSubmissions,
    }),
    reset() {
      tick = 0;
      pins = [...startPins];
      switches = { ...NO_SWITCHES };
      bets = [];
      sessions.clear();
      challengeSubmissions = 0;
    },
  };

  const handleAdmin = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const route = `${req.method} ${path}`;
    if (route === 'GET /__admin/state') return json(res, 200, admin.state());
    if (route === 'GET /__admin/odds') return json(res, 200, admin.odds());
    if (route === 'POST /__admin/reset') {
      admin.reset();
      return json(res, 200, admin.state());
    }
    if (route === 'POST /__admin/switches' || route === 'POST /__admin/tick' || route === 'POST /__admin/odds') {
      const body = await readJson(req);
      if (route === 'POST /__admin/switches') {
        const parsed = switchesPatchSchema.safeParse(body);
        if (!parsed.success) return json(res, 400, { error: z.prettifyError(parsed.error) });
        return json(res, 200, admin.setSwitches(parsed.data));
      }
      if (route === 'POST /__admin/tick') {
        const parsed = tickBodySchema.safeParse(body);
        if (!parsed.success) return json(res, 400, { error: z.prettifyError(parsed.error) });
        return json(res, 200, {
          tick: 'to' in parsed.data ? admin.setTick(parsed.data.to) : admin.tick(parsed.data.by),
        });
      }
      const parsed = oddsPinSchema.safeParse(body);
      if (!parsed.success) return json(res, 400, { error: z.prettifyError(parsed.error) });
      return json(res, 200, admin.plantOdds(parsed.data));
    }
    return json(res, 404, { error: `no admin route ${route}` });
  };

  const sessionOf = (req: IncomingMessage): { token?: string; session?: Session } => {
    const token = cookieValue(req, cookieName);
    return { token, session: token === undefined ? undefined : sessions.get(token) };
  };

  /** The session, or a redirect to the login page that comes back to `next`. */
  const requireSession = (req: IncomingMessage, res: ServerResponse, next: string): Session | undefined => {
    const { token, session } = sessionOf(req);
    if (session) return session;
    const reason = token === undefined ? 'login' : 'expired';
    const clear: Record<string, string> =
      token === undefined ? {} : { 'set-cookie': `${cookieName}=; ${cookieAttributes}; Max-Age=0` };
    redirect(res, `/login?${new URLSearchParams({ next, reason })}`, clear);
    return undefined;
  };

  const reviewOf = (slip: Slip & { stakeMicros: MoneyMicros }): Review => ({
    event: eventById(slip.eventId) as DemoEvent,
    side: slip.side,
    american: slip.american,
    stakeMicros: slip.stakeMicros,
  });

  const handlePage = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const ctx: PageContext = { bookName: options.name, username: sessionOf(req).session?.username };

    if (method === 'GET' && path === '/') return redirect(res, '/events');
    if (method === 'GET' && path === '/login') {
      const next = safeNext(url.searchParams.get('next') ?? undefined);
      return html(res, 200, loginPage(ctx, { next, reason: url.searchParams.get('reason') ?? undefined }));
    }
    if (method === 'POST' && path === '/login') {
      const form = loginFormSchema.safeParse(await readForm(req));
      const next = safeNext(form.success ? form.data.next : undefined);
      const user = form.success
        ? users.find((u) => u.username === form.data.username && u.password === form.data.password)
        : undefined;
      if (!user) return html(res, 401, loginPage({ bookName: options.name }, { next, error: true }));
      const token = randomBytes(24).toString('base64url');
      sessions.set(token, { username: user.username });
      return redirect(res, next, { 'set-cookie': `${cookieName}=${token}; ${cookieAttributes}` });
    }
    if (method === 'POST' && path === '/logout') {
      const { token } = sessionOf(req);
      if (token !== undefined) sessions.delete(token);
      return redirect(res, '/login', { 'set-cookie': `${cookieName}=; ${cookieAttributes}; Max-Age=0` });
    }
    if (method === 'GET' && path === '/events') return html(res, 200, eventsPage(ctx, DEMO_EVENTS));
    const eventMatch = /^\/events\/([a-z0-9-]{1,64})$/.exec(path);
    if (method === 'GET' && eventMatch) {
      const event = eventById(eventMatch[1] as string);
      if (!event) return html(res, 404, notFoundPage(ctx));
      return html(res, 200, eventPage(ctx, event, moneyline(event.id), tick));
    }
    if (method === 'POST' && path === '/slip') {
      const form = slipFormSchema.safeParse(await readForm(req));
      const event = form.success ? eventById(form.data.eventId) : undefined;
      const session = requireSession(req, res, event ? `/events/${event.id}` : '/events');
      if (!session) return;
      const side = form.success ? parseSelectionId(form.data.selection) : undefined;
      if (!event || !side) return html(res, 400, notFoundPage(ctx));
      session.slip = { eventId: event.id, side, american: moneyline(event.id)[side] };
      return redirect(res, '/slip');
    }
    if (path === '/slip' || path.startsWith('/slip/')) {
      const session = requireSession(req, res, '/slip');
      if (!session) return;
      const slip = session.slip;
      const slipView = slip && {
        event: eventById(slip.eventId) as DemoEvent,
        side: slip.side,
        american: slip.american,
      };
      if (method === 'GET' && path === '/slip') return html(res, 200, slipPage(ctx, slipView));
      if (method === 'POST' && path === '/slip/clear') {
        session.slip = undefined;
        return redirect(res, '/slip');
      }
      if (!slip || !slipView) return redirect(res, '/slip');
      if (method === 'POST' && path === '/slip/review') {
        const stakeText = ((await readForm(req)).stake ?? '').trim();
        const stakeMicros = parseMicros(STAKE_TEXT.test(stakeText) ? stakeText : '0');
        if (stakeMicros <= 0 || stakeMicros > MAX_STAKE_MICROS) {
          const error = 'Enter a stake between $0.01 and $10,000.00.';
          return html(res, 400, slipPage(ctx, { ...slipView, stakeText }, error));
        }
        slip.stakeMicros = stakeMicros;
        return redirect(res, '/slip/confirm');
      }
      if (slip.stakeMicros === undefined) return redirect(res, '/slip');
      const staked = { ...slip, stakeMicros: slip.stakeMicros };
      if (method === 'GET' && path === '/slip/confirm') return html(res, 200, confirmPage(ctx, reviewOf(staked)));
      if (method === 'POST' && path === '/slip/confirm') {
        const quoted = Number((await readForm(req)).quotedOdds);
        if (switches.movePriceOnConfirm) {
          const now = moneyline(slip.eventId);
          const moved = { ...now, [slip.side]: movedWorse(now[slip.side]) };
          pins.push({ eventId: slip.eventId, home: moved.home, away: moved.away, fromTick: tick });
        }
        const current = moneyline(slip.eventId)[slip.side];
        if (quoted !== current) {
          slip.american = current;
          return html(res, 409, priceChangedPage(ctx, reviewOf({ ...staked, american: current }), quoted));
        }
        betSequence += 1;
        const bet: Bet = {
          betId: `${options.name.toUpperCase()}-${String(betSequence).padStart(6, '0')}`,
          username: session.username,
          eventId: slip.eventId,
          side: slip.side,
          american: current,
          stakeMicros: slip.stakeMicros,
          payoutMicros: payoutMicros(slip.stakeMicros, current),
          placedAt: new Date().toISOString(),
        };
        bets.push(bet);
        session.slip = undefined;
        return redirect(res, `/bets/${bet.betId}`);
      }
      return html(res, 404, notFoundPage(ctx));
    }
    if (method === 'GET' && (path === '/bets' || path.startsWith('/bets/'))) {
      const session = requireSession(req, res, path);
      if (!session) return;
      const mine = bets.filter((bet) => bet.username === session.username);
      if (path === '/bets') return html(res, 200, historyPage(ctx, [...mine].reverse()));
      const bet = mine.find((candidate) => `/bets/${candidate.betId}` === path);
      if (!bet) return html(res, 404, notFoundPage(ctx));
      return html(res, 200, receiptPage(ctx, bet, eventById(bet.eventId) as DemoEvent));
    }
    return html(res, 404, notFoundPage(ctx));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://demo.invalid');
    if (url.pathname.startsWith('/__admin/')) return handleAdmin(req, res, url.pathname);
    if (switches.slowPageMs > 0) await delay(switches.slowPageMs);
    if (req.method === 'POST' && url.pathname === '/__challenge') {
      challengeSubmissions += 1;
      await readBody(req);
      return html(res, 403, challengePage({ bookName: options.name }));
    }
    if (switches.challenge) return html(res, 403, challengePage({ bookName: options.name }));
    return handlePage(req, res, url);
  };

  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof BadRequest || error instanceof z.ZodError)
        return json(res, 400, { error: String(error.message) });
      json(res, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const timer =
    options.tickEveryMs === undefined
      ? undefined
      : setInterval(() => {
          tick += 1;
        }, options.tickEveryMs);
  timer?.unref();

  return {
    name: options.name,
    origin: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    certPem: tls.certPem,
    spkiSha256: spkiSha256(tls.certPem),
    users,
    admin,
    async close() {
      if (timer) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The surebet the default books plant: DEN at demo +110 (2.10) and BOS at demo2 +105 (2.05). */
export const PLANTED_SUREBET = {
  eventId: 'bos-at-den',
  legs: [
    { book: 'demo', selection: 'moneyline.home', american: 110 },
    { book: 'demo2', selection: 'moneyline.away', american: 105 },
  ],
} as const;

export const DEFAULT_BOOKS: readonly Omit<DemoSportsbookOptions, 'port' | 'host' | 'tls' | 'tickEveryMs'>[] = [
  { name: 'demo', seed: 1, odds: [{ eventId: 'bos-at-den', home: 110, away: -135 }] },
  { name: 'demo2', seed: 2, odds: [{ eventId: 'bos-at-den', home: -130, away: 105 }] },
];

export interface DemoSportsbooks {
  books: DemoSportsbook[];
  /** The one certificate every book serves. */
  certPem: string;
  spkiSha256: string;
  close(): Promise<void>;
}

/** `demo` and `demo2` with the planted surebet, on one certificate; `basePort` + index, or free ports. */
export async function startDemoSportsbooks(
  args: { basePort?: number; host?: string; tickEveryMs?: number } = {},
): Promise<DemoSportsbooks> {
  const tls = await makeDemoCertificate();
  const books: DemoSportsbook[] = [];
  try {
    for (const [index, book] of DEFAULT_BOOKS.entries()) {
      books.push(
        await startDemoSportsbook({
          ...book,
          tls,
          host: args.host,
          tickEveryMs: args.tickEveryMs,
          port: args.basePort === undefined ? 0 : args.basePort + index,
        }),
      );
    }
  } catch (error) {
    await Promise.all(books.map((book) => book.close()));
    throw error;
  }
  return {
    books,
    certPem: tls.certPem,
    spkiSha256: spkiSha256(tls.certPem),
    close: async () => {
      await Promise.all(books.map((book) => book.close()));
    },
  };
}
