/**
 * Where a browser job may go: each sportsbook has one configured origin and a job's page, its redirects and every
 * request it makes stay on it. The API refuses a job off the origin at creation; the worker checks again before any
 * page opens and blocks every other request in the browser.
 */
export type SportsbookOrigins = Readonly<Record<string, string>>;

export type OriginCheck = { allowed: true; origin: string } | { allowed: false; reason: string };

export function checkEventUrl(origins: SportsbookOrigins, sportsbook: string, eventUrl: string): OriginCheck {
  const origin = Object.hasOwn(origins, sportsbook) ? origins[sportsbook] : undefined;
  if (!origin) return { allowed: false, reason: `no origin is configured for sportsbook ${sportsbook}` };
  if (!URL.canParse(eventUrl)) return { allowed: false, reason: 'eventUrl is not a URL' };
  const url = new URL(eventUrl);
  // Credentials in a URL (`https://book@evil`) are refused outright: nothing legitimate sends them.
  if (url.username || url.password) return { allowed: false, reason: 'eventUrl carries credentials' };
  if (url.origin !== origin) return { allowed: false, reason: `eventUrl is not on ${sportsbook}'s origin ${origin}` };
  return { allowed: true, origin };
}

/** Whether a request the page makes (a navigation, a redirect, a subresource) stays on the job's origin. */
export function isOnOrigin(origin: string, requestUrl: string): boolean {
  return URL.canParse(requestUrl) && new URL(requestUrl).origin === origin;
}
