import { z } from 'zod';
import type { Sport } from '#domain/win-probability';

/** The parts of ESPN's scoreboard event we use (site.api.espn.com .../scoreboard; REFERENCE.md 3). */
const competitor = z.object({
  homeAway: z.enum(['home', 'away']),
  score: z.string(),
  team: z.object({ id: z.string(), abbreviation: z.string(), displayName: z.string() }),
});

const event = z.object({
  id: z.string(),
  date: z.string(),
  competitions: z
    .array(
      z.object({
        competitors: z.array(competitor).length(2),
        status: z.object({
          clock: z.number(),
          period: z.number().int(),
          type: z.object({ state: z.enum(['pre', 'in', 'post']), completed: z.boolean(), name: z.string() }),
        }),
      }),
    )
    .min(1),
});

export const espnScoreboard = z.object({ events: z.array(event) });

export type { Sport } from '#domain/win-probability';

/** Regulation periods and their length per sport, to turn period + clock into seconds remaining. */
const periods: Record<Sport, { count: number; seconds: number }> = {
  nba: { count: 4, seconds: 720 },
  nfl: { count: 4, seconds: 900 },
};

export interface EspnGameState {
  espnEventId: string;
  startsAt: string;
  home: { id: string; abbreviation: string; name: string; score: number };
  away: { id: string; abbreviation: string; name: string; score: number };
  period: number;
  clockSeconds: number;
  /** Regulation seconds left; in overtime the clock of the extra period, counted as the model expects. */
  secondsRemaining: number;
  status: 'scheduled' | 'in_progress' | 'final';
}

export function parseEspnScoreboard(sport: Sport, body: unknown): EspnGameState[] {
  return espnScoreboard.parse(body).events.map((e) => {
    const competition = e.competitions[0]!;
    const side = (homeAway: 'home' | 'away') => {
      const c = competition.competitors.find((x) => x.homeAway === homeAway);
      if (!c) throw new RangeError(`ESPN event ${e.id} has no ${homeAway} competitor`);
      return { id: c.team.id, abbreviation: c.team.abbreviation, name: c.team.displayName, score: Number(c.score) };
    };
    const { period, clock, type } = competition.status;
    const p = periods[sport];
    const regulationLeft = Math.max(0, p.count - period) * p.seconds + clock;
    const status = type.state === 'pre' ? 'scheduled' : type.completed ? 'final' : 'in_progress';
    return {
      espnEventId: e.id,
      startsAt: e.date,
      home: side('home'),
      away: side('away'),
      period,
      clockSeconds: clock,
      secondsRemaining: status === 'final' ? 0 : period > p.count ? clock : regulationLeft,
      status,
    };
  });
}
