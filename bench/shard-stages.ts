import { FeedParseError } from '#adapters/venues/feed-parse-error';
import type { FeedLine } from '#domain/feed/events';
import type { Sport } from '#domain/win-probability';
import { newScoreboardMemo, type ScoreboardMemo } from '../shared/adapters/venues/espn/scoreboard-scan.ts';
import { parseEspnScoreboard } from '../shared/adapters/venues/espn/wire.ts';
import { parseKalshiWsFrame, parseKalshiWsFrameBySchema } from '../shared/adapters/venues/kalshi/wire.ts';
import { parsePolymarketWsFrame, parsePolymarketWsFrameWithZod } from '../shared/adapters/venues/polymarket/wire.ts';

/**
 * The venue parsers alone on every WS frame and scoreboard of the feed, to split the shard's time into parsing and
 * the rest (books, model, decisions): once through the parsers as the shard calls them (their hand-checked fast
 * paths, zod for the rest), once through their zod schemas alone (the reference the fast paths are tested against).
 * Discovery answers (a few lines an evening) are left out. Scoreboards go as the engine takes them in both: per ESPN
 * path, one the same as the last is not parsed again, and the others are scanned with that path's memo.
 */

type FrameParser = (raw: string) => unknown[];

export interface ParserStage {
  name: string;
  /** Resolves to the frames that did not parse. */
  run(lines: readonly FeedLine[]): number;
}

/** `/apis/site/v2/sports/basketball/nba/scoreboard` -> `nba`. */
const sportOf = (path: string | undefined): Sport => (path?.split('/')[6] ?? 'nba') as Sport;

function stage(name: string, kalshi: FrameParser, polymarket: FrameParser): ParserStage {
  return {
    name,
    run(lines) {
      let failures = 0;
      const scoreboards = new Map<string, { raw: string; memo: ScoreboardMemo }>();
      for (const line of lines) {
        // A frame that does not parse is counted and passed over, as the engine does.
        try {
          if (line.source === 'kalshi_ws') kalshi(line.raw);
          else if (line.source === 'polymarket_ws') polymarket(line.raw);
          else if (line.source === 'espn') {
            const path = line.path ?? '';
            let held = scoreboards.get(path);
            if (!held) {
              held = { raw: '', memo: newScoreboardMemo() };
              scoreboards.set(path, held);
            }
            if (held.raw !== line.raw) {
              parseEspnScoreboard(sportOf(line.path), line.raw, held.memo);
              held.raw = line.raw;
            }
          }
        } catch (error) {
          if (!(error instanceof FeedParseError)) throw error;
          failures += 1;
        }
      }
      return failures;
    },
  };
}

export function parserStages(): ParserStage[] {
  return [
    stage('parsers as the shard calls them', parseKalshiWsFrame, parsePolymarketWsFrame),
    stage('parsers through zod alone', parseKalshiWsFrameBySchema, parsePolymarketWsFrameWithZod),
  ];
}
