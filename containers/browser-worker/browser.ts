import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { isOnOrigin } from '../../shared/browser-jobs/origins.ts';
import { JobFailure } from './adapter.ts';

export interface BrowserOptions {
  chromiumPath: string;
  proxyUrl?: string | undefined;
  /** SPKI hashes of the only certificates accepted beyond the system's roots (the local demo books'). */
  trustedCertSpki?: string | undefined;
  /** The configured sportsbooks' hosts: the browser resolves no other name (no internal or third-party host). */
  allowedHosts: readonly string[];
}

/** Debian's Chromium, headless, as itself: no stealth flags, no spoofed user agent. */
export function launchBrowser(opts: BrowserOptions): Promise<Browser> {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  // IP literals go through these rules too, so an internal address (169.254.169.254, 10.x) resolves to nothing.
  const excluded = opts.allowedHosts.map((host) => `, EXCLUDE ${host}`).join('');
  args.push(`--host-resolver-rules=MAP * ~NOTFOUND${excluded}`);
  if (opts.trustedCertSpki) args.push(`--ignore-certificate-errors-spki-list=${opts.trustedCertSpki}`);
  return chromium.launch({
    executablePath: opts.chromiumPath,
    headless: true,
    args,
    ...(opts.proxyUrl ? { proxy: { server: opts.proxyUrl } } : {}),
  });
}

/**
 * Runs `work` on a page of a fresh browser context that can reach `origin` only: every request elsewhere is aborted,
 * and a redirect off the origin closes the context. The context (cookies, storage) is this job's alone and is closed
 * after it.
 */
export async function withJobPage<T>(
  browser: Browser,
  input: {
    origin: string;
    cookies?: Parameters<BrowserContext['addCookies']>[0];
    /** Shutdown: closing the context makes whatever the job is waiting on fail at once. */
    signal?: AbortSignal;
  },
  work: (page: Page) => Promise<T>,
  stepTimeoutMs: number,
): Promise<T> {
  const context = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: false });
  const blocked: string[] = [];
  let opened = false;
  // Closing a context while its first page is still being made can hang in Playwright: until then, the check after
  // `newPage` stops the job instead.
  const close = () => {
    if (opened) void context.close().catch(() => undefined);
  };
  input.signal?.addEventListener('abort', close, { once: true });
  try {
    await context.route('**/*', async (route) => {
      const request = route.request();
      if (!isOnOrigin(input.origin, request.url())) {
        blocked.push(request.url());
        await route.abort('blockedbyclient');
        return;
      }
      await route.continue();
    });
    // Playwright routes only the first request of a redirect chain: a hop off the origin is caught here and ends the
    // job's context at once (the browser's host rules keep it to the configured books' hosts meanwhile).
    context.on('request', (request) => {
      if (request.redirectedFrom() && !isOnOrigin(input.origin, request.url())) {
        blocked.push(request.url());
        void context.close().catch(() => undefined);
      }
    });
    if (input.cookies) await context.addCookies(input.cookies);
    const page = await context.newPage();
    opened = true;
    if (input.signal?.aborted) throw new Error('stopped before the job began');
    // One action waits at most half a step: a selector that is not there fails as such before its step times out.
    page.setDefaultTimeout(Math.ceil(stepTimeoutMs / 2));
    page.setDefaultNavigationTimeout(stepTimeoutMs);
    try {
      return await work(page);
    } catch (error) {
      if (blocked.length > 0 && !(error instanceof JobFailure)) {
        throw new JobFailure('navigation_blocked', `the page tried to leave ${input.origin}`, { blocked });
      }
      throw error;
    }
  } finally {
    input.signal?.removeEventListener('abort', close);
    await context.close().catch(() => undefined);
  }
}
