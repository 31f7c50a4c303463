/**
 * The demo book's pages: plain server-rendered HTML forms, no client script, so every step is one navigation.
 * The test ids and roles are the contract in README.md; the worker's adapter is written against them.
 */
import { formatDollars, type MoneyMicros } from '#domain/units';
import type { DemoEvent } from './events.ts';
import { formatAmerican, type Moneyline, payoutMicros, type Side } from './odds.ts';

export interface PageContext {
  bookName: string;
  username?: string;
}

export interface Bet {
  betId: string;
  username: string;
  eventId: string;
  side: Side;
  american: number;
  stakeMicros: MoneyMicros;
  payoutMicros: MoneyMicros;
  placedAt: string;
}

export interface Review {
  event: DemoEvent;
  side: Side;
  american: number;
  stakeMicros: MoneyMicros;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

function teamOf(event: DemoEvent, side: Side): string {
  return event[side].name;
}

function titleOf(event: DemoEvent): string {
  return `${event.away.name} @ ${event.home.name}`;
}

/** `attrs`: extra attributes of the page's <main>, already escaped. */
function layout(ctx: PageContext, page: string, title: string, body: string, attrs = ''): string {
  const account = ctx.username
    ? `<span data-testid="account">${esc(ctx.username)}</span>
      <a href="/bets" data-testid="nav-history">My bets</a>
      <form method="post" action="/logout"><button type="submit" data-testid="logout">Log out</button></form>`
    : '<a href="/login" data-testid="nav-login">Log in</a>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${esc(title)} | ${esc(ctx.bookName)}</title>
<style>body{font-family:sans-serif;margin:2rem}header{display:flex;gap:1rem;align-items:center}header form{display:inline}</style>
</head>
<body>
<header data-testid="book-header"><a href="/events" data-testid="book-name">${esc(ctx.bookName)}</a>${account}</header>
<main data-page="${esc(page)}"${attrs}>${body}</main>
</body>
</html>
`;
}

export function loginPage(ctx: PageContext, args: { next: string; reason?: string; error?: boolean }): string {
  const expired =
    args.reason === 'expired'
      ? '<p data-testid="session-expired" role="alert">Your session has expired. Please log in again.</p>'
      : '';
  const error = args.error ? '<p data-testid="login-error" role="alert">Invalid username or password.</p>' : '';
  return layout(
    ctx,
    'login',
    'Log in',
    `<h1>Log in</h1>${expired}${error}
<form method="post" action="/login" data-testid="login-form">
<input type="hidden" name="next" value="${esc(args.next)}">
<label for="username">Username</label> <input id="username" name="username" autocomplete="username" data-testid="login-username">
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" data-testid="login-password">
<button type="submit" data-testid="login-submit">Log in</button>
</form>`,
  );
}

export function eventsPage(ctx: PageContext, events: readonly DemoEvent[]): string {
  const items = events
    .map(
      (event) =>
        `<li><a href="/events/${esc(event.id)}" data-testid="event-link-${esc(event.id)}">${esc(titleOf(event))}</a></li>`,
    )
    .join('\n');
  return layout(ctx, 'events', 'Events', `<h1>Events</h1><ul data-testid="event-list">${items}</ul>`);
}

export function eventPage(ctx: PageContext, event: DemoEvent, moneyline: Moneyline, tick: number): string {
  const selection = (side: Side): string => {
    const odds = formatAmerican(moneyline[side]);
    return `<form method="post" action="/slip">
<input type="hidden" name="eventId" value="${esc(event.id)}"><input type="hidden" name="selection" value="moneyline.${side}">
<button type="submit" data-testid="selection-moneyline-${side}" data-selection="moneyline.${side}" data-american-odds="${moneyline[side]}" aria-label="${esc(teamOf(event, side))} ${esc(odds)}">
<span data-testid="selection-name">${esc(teamOf(event, side))}</span> <span data-testid="selection-odds">${esc(odds)}</span>
</button></form>`;
  };
  return layout(
    ctx,
    'event',
    titleOf(event),
    `<h1 data-testid="event-title">${esc(titleOf(event))}</h1>
<p>Starts <time data-testid="event-starts-at" datetime="${esc(event.startsAt)}">${esc(event.startsAt)}</time></p>
<section data-testid="market-moneyline" data-market="moneyline"><h2>Moneyline</h2>
${selection('away')}
${selection('home')}
</section>`,
    ` data-testid="event" data-event-id="${esc(event.id)}" data-league="${event.league}" data-home="${esc(event.home.abbreviation)}" data-away="${esc(event.away.abbreviation)}" data-starts-at="${esc(event.startsAt)}" data-tick="${tick}"`,
  );
}

export interface SlipView {
  event: DemoEvent;
  side: Side;
  american: number;
  stakeText?: string;
}

export function slipPage(ctx: PageContext, slip: SlipView | undefined, stakeError?: string): string {
  if (!slip) {
    return layout(
      ctx,
      'slip',
      'Bet slip',
      '<h1>Bet slip</h1><p data-testid="slip-empty">Your bet slip is empty.</p><a href="/events">Events</a>',
    );
  }
  const error = stakeError ? `<p data-testid="stake-error" role="alert">${esc(stakeError)}</p>` : '';
  return layout(
    ctx,
    'slip',
    'Bet slip',
    `<h1>Bet slip</h1>
<section data-testid="bet-slip" data-event-id="${esc(slip.event.id)}" data-selection="moneyline.${slip.side}">
<p data-testid="slip-event">${esc(titleOf(slip.event))}</p>
<p>Moneyline: <span data-testid="slip-selection">${esc(teamOf(slip.event, slip.side))}</span> <span data-testid="slip-odds">${esc(formatAmerican(slip.american))}</span></p>
${error}
<form method="post" action="/slip/review" data-testid="stake-form">
<label for="stake">Stake ($)</label> <input id="stake" name="stake" inputmode="decimal" value="${esc(slip.stakeText ?? '')}" data-testid="stake-input">
<button type="submit" data-testid="review-bet">Review bet</button>
</form>
<form method="post" action="/slip/clear"><button type="submit" data-testid="clear-slip">Remove</button></form>
</section>`,
  );
}

function reviewSection(review: Review): string {
  return `<section data-testid="bet-review">
<p data-testid="review-event">${esc(titleOf(review.event))}</p>
<p>Moneyline: <span data-testid="review-selection">${esc(teamOf(review.event, review.side))}</span> <span data-testid="review-odds">${esc(formatAmerican(review.american))}</span></p>
<p>Stake <span data-testid="review-stake">${esc(formatDollars(review.stakeMicros))}</span>, pays <span data-testid="review-payout">${esc(formatDollars(payoutMicros(review.stakeMicros, review.american)))}</span> if it wins</p>
<form method="post" action="/slip/confirm" data-testid="confirm-form">
<input type="hidden" name="quotedOdds" value="${review.american}">
<button type="submit" data-testid="confirm-bet">Place bet</button>
</form>
<a href="/slip" data-testid="edit-slip">Edit</a>
</section>`;
}

export function confirmPage(ctx: PageContext, review: Review): string {
  return layout(ctx, 'confirm', 'Review your bet', `<h1>Review your bet</h1>${reviewSection(review)}`);
}

export function priceChangedPage(ctx: PageContext, review: Review, oldAmerican: number): string {
  const before = formatAmerican(oldAmerican);
  const after = formatAmerican(review.american);
  return layout(
    ctx,
    'price-changed',
    'Price changed',
    `<h1>Price changed</h1>
<p data-testid="price-changed" role="alert">Price changed from <span data-testid="old-odds">${esc(before)}</span> to <span data-testid="new-odds">${esc(after)}</span></p>
${reviewSection(review)}`,
  );
}

function placedAtTime(bet: Bet, testId: string): string {
  return `<time data-testid="${testId}" datetime="${esc(bet.placedAt)}">${esc(bet.placedAt)}</time>`;
}

export function receiptPage(ctx: PageContext, bet: Bet, event: DemoEvent): string {
  return layout(
    ctx,
    'receipt',
    `Bet ${bet.betId}`,
    `<h1>Bet placed</h1>
<section data-testid="receipt" data-bet-id="${esc(bet.betId)}">
<p>Bet id <span data-testid="bet-id">${esc(bet.betId)}</span></p>
<p>${esc(titleOf(event))}: <span data-testid="receipt-event">${esc(bet.eventId)}</span></p>
<p>${esc(teamOf(event, bet.side))} <span data-testid="receipt-selection">moneyline.${bet.side}</span> at <span data-testid="receipt-odds">${esc(formatAmerican(bet.american))}</span></p>
<p>Stake <span data-testid="receipt-stake">${esc(formatDollars(bet.stakeMicros))}</span>, pays <span data-testid="receipt-payout">${esc(formatDollars(bet.payoutMicros))}</span></p>
<p>Placed ${placedAtTime(bet, 'receipt-placed-at')}</p>
</section>
<a href="/bets" data-testid="history-link">My bets</a>`,
  );
}

export function historyPage(ctx: PageContext, bets: readonly Bet[]): string {
  if (bets.length === 0) {
    return layout(ctx, 'history', 'My bets', '<h1>My bets</h1><p data-testid="bet-history-empty">No bets yet.</p>');
  }
  const rows = bets
    .map(
      (bet) => `<tr data-testid="bet-row" data-bet-id="${esc(bet.betId)}">
<td data-testid="bet-row-id">${esc(bet.betId)}</td><td data-testid="bet-row-event">${esc(bet.eventId)}</td>
<td data-testid="bet-row-selection">moneyline.${bet.side}</td><td data-testid="bet-row-odds">${esc(formatAmerican(bet.american))}</td>
<td data-testid="bet-row-stake">${esc(formatDollars(bet.stakeMicros))}</td><td data-testid="bet-row-payout">${esc(formatDollars(bet.payoutMicros))}</td>
<td>${placedAtTime(bet, 'bet-row-placed-at')}</td></tr>`,
    )
    .join('\n');
  return layout(
    ctx,
    'history',
    'My bets',
    `<h1>My bets</h1>
<table data-testid="bet-history"><thead><tr><th>Bet id</th><th>Event</th><th>Selection</th><th>Odds</th><th>Stake</th><th>Pays</th><th>Placed</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}

export function challengePage(ctx: PageContext): string {
  return layout(
    { bookName: ctx.bookName },
    'challenge',
    'Verify you are human',
    `<h1>Verify you are human</h1>
<p>We need to check that you are not a robot before you continue.</p>
<form method="post" action="/__challenge">
<input type="checkbox" id="human" name="human" value="yes" data-testid="challenge-checkbox"> <label for="human">I am human</label>
<button type="submit" data-testid="challenge-submit">Verify</button>
</form>`,
    ' data-testid="challenge"',
  );
}

export function notFoundPage(ctx: PageContext): string {
  return layout(ctx, 'not-found', 'Not found', '<h1>Not found</h1>', ' data-testid="not-found"');
}
