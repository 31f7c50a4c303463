import { z } from 'zod';
import type { GameStateEvent, ObservedCompetitor } from '#domain/feed/events';
import type { Sport } from '#domain/win-probability';
import { FeedParseError } from '../feed-parse-error.ts';
import { type ScoreboardMemo, scanEspnScoreboard } from './scoreboard-scan.ts';

/** The parts of ESPN's scoreboard event we use (site.api.espn.com .../scoreboard; REFERENCE.md 3.2). */
const competitor = z.object({
  homeAway: z.enum(['home', 'away']),
  /** A decimal string; absent on some scheduled games. */
  score: z
    .string()
    .regex(/^\d{1,4}$/)
    .optional(),
  team: z.object({ id: z.string().min(1), abbreviation: z.string().min(1), displayName: z.string() }),
});

const event = z.object({
  id: z.string().min(1),
  date: z.string().refine((d) => Number.isFinite(Date.parse(d)), 'not a date'),
  competitions: z
    .array(
      z.object({
        competitors: z.array(competitor).length(2),
        status: z.object({
          clock: z.number().nonnegative(),
          period: z.number().int().nonnegative(),
          type: z.object({ state: z.enum(['pre', 'in', 'post']), completed: z.boolean(), name: z.string() }),
        }),
      }),
    )
    .min(1),
});

const espnScoreboard = z.object({ events: z.array(event) });

/** Regulation periods and their length per sport, to turn period + clock into seconds remaining. */
const periods: Record<Sport, { count: number; seconds: number }> = {
  nba: { count: 4, seconds: 720 },
  nfl: { count: 4, seconds: 900 },
};

/** ESPN's `status.type.name` for games that will not be played as scheduled (state is `pre` or `post` for them). */
const statusByName: Record<string, GameStateEvent['status']> = {
  STATUS_POSTPONED: 'postponed',
  STATUS_CANCELED: 'cancelled',
  STATUS_CANCELLED: 'cancelled',
};

function preview(body: unknown): string {
  return typeof body === 'string' ? body : (JSON.stringify(body) ?? String(body));
}

/**
 * One `game_state` event per scoreboard event. `body` is the parsed JSON, or the raw text as the poller delivers
 * it. Competitors are chosen by `homeAway`, never by position. Throws FeedParseError on anything else. `memo`: the
 * last raw scoreboard of the same poll stream (scoreboard-scan.ts), whose unchanged events are not scanned again.
 */
export function parseEspnScoreboard(sport: Sport, body: unknown, memo?: ScoreboardMemo): GameStateEvent[] {
  let json = body;
  if (typeof body === 'string') {
    // Most of a scoreboard is what we do not read: the raw text is scanned for the fields below, JSON.parse and the
    // schema decide whatever the scanner leaves.
    const scanned = scanEspnScoreboard(body, memo);
    if (scanned !== undefined) return toGameStates(sport, scanned, body);
    try {
      json = JSON.parse(body);
    } catch {
      throw new FeedParseError('espn', 'scoreboard is not JSON', body);
    }
  }
  const parsed = espnScoreboard.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FeedParseError('espn', `scoreboard: ${issue?.path.join('.')} ${issue?.message}`, preview(body));
  }
  return toGameStates(sport, parsed.data, body);
}

/** A scoreboard as zod's schema reads it. */
export type EspnScoreboard = z.infer<typeof espnScoreboard>;

/**
 * The game states of a checked scoreboard (from the schema, or from the raw-text scanner in scoreboard-scan.ts,
 * which reads the same fields into the same shape).
 */
export function toGameStates(sport: Sport, scoreboard: EspnScoreboard, body: unknown): GameStateEvent[] {
  return scoreboard.events.map((e) => {
    const competition = e.competitions[0]!;
    const side = (homeAway: 'home' | 'away'): ObservedCompetitor => {
      const found = competition.competitors.filter((x) => x.homeAway === homeAway);
      if (found.length !== 1) {
        throw new FeedParseError('espn', `event ${e.id} has ${found.length} ${homeAway} competitors`, preview(body));
      }
      const c = found[0]!;
      return {
        espnTeamId: c.team.id,
        abbreviation: c.team.abbreviation,
        displayName: c.team.displayName,
        score: c.score === undefined ? 0 : Number.parseInt(c.score, 10),
      };
    };
    const { period, clock, type } = competition.status;
    const p = periods[sport];
    const regulationLeft = Math.max(0, p.count - period) * p.seconds + clock;
    const status =
      statusByName[type.name] ?? (type.state === 'pre' ? 'scheduled' : type.completed ? 'final' : 'in_progress');
    return {
      type: 'game_state',
      sport,
      espnEventId: e.id,
      startsAtMs: Date.parse(e.date),
      status,
      period,
      clockSeconds: clock,
      secondsRemaining: status === 'final' ? 0 : period > p.count ? clock : regulationLeft,
      home: side('home'),
      away: side('away'),
    };
  });
}
