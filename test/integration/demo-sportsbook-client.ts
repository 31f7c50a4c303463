/**
 * A tiny HTTPS client for the demo sportsbook tests: trusts only the book's certificate (`ca`), keeps cookies like a
 * browser would for one origin, and never follows redirects so that each step's answer can be checked.
 */
import { request } from 'node:https';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  location?: string;
  setCookies: string[];
}

export class BookClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly origin: string,
    private readonly ca: string,
  ) {}

  async send(method: string, path: string, body?: { form?: Record<string, string>; json?: unknown }): Promise<Reply> {
    const payload = body?.form
      ? new URLSearchParams(body.form).toString()
      : body?.json === undefined
        ? undefined
        : JSON.stringify(body.json);
    const headers: Record<string, string> = {};
    if (body?.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (body?.json !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = request(new URL(path, this.origin), { method, headers, ca: this.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            location: res.headers.location,
            setCookies: res.headers['set-cookie'] ?? [],
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
    for (const cookie of reply.setCookies) {
      const [pair = '', ...attributes] = cookie.split(';').map((part) => part.trim());
      const [name = '', ...value] = pair.split('=');
      if (attributes.some((attribute) => /^max-age=0$/i.test(attribute))) this.cookies.delete(name);
      else this.cookies.set(name, value.join('='));
    }
    return reply;
  }

  get(path: string): Promise<Reply> {
    return this.send('GET', path);
  }

  post(path: string, form: Record<string, string> = {}): Promise<Reply> {
    return this.send('POST', path, { form });
  }

  async login(username: string, password: string, next = '/events'): Promise<Reply> {
    return this.post('/login', { username, password, next });
  }
}

/** The text of the first element with that test id (the demo's markup puts text right inside it). */
export function textOf(html: string, testId: string): string | undefined {
  const match = new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(html);
  return match?.[1]?.trim();
}

export function attributeOf(html: string, testId: string, attribute: string): string | undefined {
  const tag = new RegExp(`<[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0];
  return tag ? new RegExp(`${attribute}="([^"]*)"`).exec(tag)?.[1] : undefined;
}

export function pageOf(html: string): string | undefined {
  return /<main data-page="([^"]+)"/.exec(html)?.[1];
}

/** American odds as the page shows them: "+110" -> 110, "-135" -> -135. */
export function americanOf(text: string | undefined): number {
  if (text === undefined || !/^[+-]\d+$/.test(text)) throw new Error(`not American odds: ${text}`);
  return Number(text);
}
