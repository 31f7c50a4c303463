/**
 * The page's HTTP client: it asks this server for a short-lived token (loopback only), then reads the HTTP API with it
 * as any client does. A 401 or a token close to its expiry gets a fresh one.
 */
interface PageToken {
  token: string;
  sub: string;
  role: string;
  expiresAtMs: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const REFRESH_BEFORE_EXPIRY_MS = 60_000;
const MAX_PAGES = 50;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class Api {
  private current: PageToken | undefined;

  async principal(): Promise<{ sub: string; role: string }> {
    const { sub, role } = await this.token();
    return { sub, role };
  }

  private async token(force = false): Promise<PageToken> {
    if (!force && this.current && this.current.expiresAtMs - Date.now() > REFRESH_BEFORE_EXPIRY_MS) return this.current;
    const res = await fetch('/local/v1/token', { method: 'POST' });
    if (!res.ok) throw await asError(res);
    const body = (await res.json()) as { token: string; sub: string; role: string; expiresInSeconds: number };
    this.current = {
      token: body.token,
      sub: body.sub,
      role: body.role,
      expiresAtMs: Date.now() + body.expiresInSeconds * 1000,
    };
    return this.current;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const send = async (token: PageToken) =>
      fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${token.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    let res = await send(await this.token());
    if (res.status === 401) res = await send(await this.token(true));
    if (!res.ok) throw await asError(res);
    return (await res.json()) as T;
  }

  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
    const search = params.toString();
    return this.request<T>('GET', search ? `${path}?${search}` : path);
  }

  /** Every item of a list, following `nextCursor` (pages of 200). */
  async all<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < MAX_PAGES; n += 1) {
      const page = await this.get<Page<T>>(path, { ...query, limit: '200', cursor });
      items.push(...page.items);
      if (!page.nextCursor) return items;
      cursor = page.nextCursor;
    }
    return items;
  }
}

async function asError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  return new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${res.status}`);
}
