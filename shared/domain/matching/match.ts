/**
 * Which venue markets are a game's full-game winner markets, which team YES pays on, and the resolution key that
 * lets two of them pair for arbitrage (league | US-Eastern date | away@home | full-game winner incl. overtime | tie
 * treatment). Pure: the games and the venues' market descriptions come in, the shard's watch list and the refused
 * markets (with a reason, for the log) go out.
 */
import type { FeeSchedule } from '#contracts/signal-candidate';
import type { KalshiMarketInfo, PolymarketMarketInfo } from '../feed/events.ts';
import type { Venue } from '../names.ts';
import type { WatchedMarket } from '../shard/markets.ts';
import {
  easternDateOf,
  easternTimeOf,
  type KalshiGameTicker,
  parseKalshiGameTicker,
  parsePolymarketSlug,
  utcDateOf,
} from './identifiers.ts';
import { type League, type LeagueLookup, type TeamAlias, type TeamAliasLookup, teamAliases } from './team-aliases.ts';

export interface MatchGameInput<S extends League = League> {
  sport: S;
  espnEventId: string;
  startsAtMs: number;
  /** ESPN abbreviations. */
  home: string;
  away: string;
}

/** A market of a game as the shard watches it (WatchedMarket) with what registration stores of it. */
export interface WatchedMarketSpec extends WatchedMarket {
  tickSizeMicros: number;
  title: string;
  /** The venue's rule text the key was read from. */
  resolutionRule: string;
}

export interface MatchedGame<S extends League = League> {
  sport: S;
  espnEventId: string;
  home: string;
  away: string;
  markets: WatchedMarketSpec[];
}

export type UnmatchedReason =
  | 'not_full_game'
  | 'neg_risk'
  | 'closed'
  | 'unparseable'
  | 'no_game'
  | 'ambiguous_game'
  | 'date_mismatch'
  | 'unknown_team'
  | 'orientation_mismatch'
  | 'tie_rule';

export interface UnmatchedMarket {
  venue: Venue;
  /** Kalshi ticker or Polymarket condition id. */
  id: string;
  reason: UnmatchedReason;
  detail: string;
}

export interface MatchInput<S extends League = League> {
  games: readonly MatchGameInput<S>[];
  kalshi: readonly KalshiMarketInfo[];
  polymarket: readonly PolymarketMarketInfo[];
}

export interface MatchResult<S extends League = League> {
  /** Every input game whose teams the alias table knows, in input order, with its markets (possibly none). */
  games: MatchedGame<S>[];
  unmatched: UnmatchedMarket[];
  /** Games left out because a team is not in the alias table (an exhibition, a new franchise). */
  unknownGames: { espnEventId: string; detail: string }[];
}

class Refused extends Error {
  constructor(
    readonly reason: UnmatchedReason,
    detail: string,
  ) {
    super(detail);
  }
}

const refuse = (reason: UnmatchedReason, detail: string): never => {
  throw new Refused(reason, detail);
};

/** Words that make a market something other than the full game's winner, however close its title. */
const PART_OR_LINE =
  /\b(?:(?:1st|first|2nd|second|3rd|third|4th|fourth)[ -](?:half|quarter|period|inning|five|5)|half-?time|[1-4](?:h|q|p)|quarters?|spreads?|handicap|over\/under|o\/u|totals?|wins? by|by more than|by at least|margin|points? or more|runs? or more|goals? or more|f5|nrfi)\b/i;
/** Rule text that leaves overtime out: such a market settles on a different event than the full game. */
const REGULATION_ONLY =
  /\b(?:regulation(?: time)? only|in regulation|end of regulation|excluding (?:overtime|extra innings)|(?:does not|doesn't|will not) (?:include|count) (?:overtime|extra)|60[- ]minute|three-way|3-way)\b/i;
/** A sentence naming a tie; a dot inside a number (`$0.50`) does not end it. */
const TIE_SENTENCE = /(?:[^.\n]|\.(?=\d))*\b(?:tie|tied|ties|draw)\b(?:[^.\n]|\.(?=\d))*/gi;
const HALF_PAYOUT = /50-50|\$?0?\.50?\b|fifty|half/i;
const TERMINAL_KALSHI = new Set(['closed', 'determined', 'disputed', 'amended', 'finalized', 'settled']);

/** The tie part of the key, from the rule text: a league whose games cannot tie needs no clause. */
function tieTreatment(text: string, tiesPossible: boolean): 'no_tie' | 'tie_half' {
  const sentences = text.match(TIE_SENTENCE) ?? [];
  if (sentences.length === 0) {
    return tiesPossible ? refuse('tie_rule', 'the rule does not say how a tie resolves') : 'no_tie';
  }
  if (sentences.every((s) => HALF_PAYOUT.test(s))) return 'tie_half';
  return refuse('tie_rule', `tie clause not recognised: ${sentences[0]!.trim()}`);
}

function checkFullGame(texts: string[]): void {
  for (const text of texts) {
    const part = PART_OR_LINE.exec(text);
    if (part) refuse('not_full_game', `"${part[0]}" in "${text.slice(0, 120)}"`);
    const regulation = REGULATION_ONLY.exec(text);
    if (regulation) refuse('not_full_game', `settles without overtime: "${regulation[0]}"`);
  }
}

/** The team the longest run of leading words names: "Kansas City professional football" -> KC. */
function namedAtStart(lookup: LeagueLookup, text: string): TeamAlias | undefined {
  const words = text.trim().split(/\s+/);
  for (let n = words.length; n > 0; n -= 1) {
    const team = lookup.byName(words.slice(0, n).join(' '));
    if (team) return team;
  }
  return undefined;
}

interface GameEntry<S extends League> {
  input: MatchGameInput<S>;
  lookup: LeagueLookup;
  home: TeamAlias;
  away: TeamAlias;
  easternDate: string;
  utcDate: string;
  markets: { spec: WatchedMarketSpec; id: string; dateOffset: boolean }[];
}

function resolutionKey(game: GameEntry<League>, tie: 'no_tie' | 'tie_half'): string {
  return `${game.input.sport}|${game.easternDate}|${game.away.espn}@${game.home.espn}|winner_incl_ot|${tie}`;
}

/**
 * Whether a market's resolution key is a full-game winner, overtime included, that cannot tie: what a sportsbook's
 * two-way moneyline settles on. The matching's key (`nba|2026-11-14|BOS@DEN|winner_incl_ot|no_tie`) or the schema's
 * short form `moneyline:incl_ot`; a tie-paying-half market is not, since the book refunds a tie instead.
 */
export function isFullGameWinnerKey(key: string): boolean {
  return (
    key === 'moneyline:incl_ot' || /^[a-z]+\|\d{4}-\d{2}-\d{2}\|[A-Z0-9]+@[A-Z0-9]+\|winner_incl_ot\|no_tie$/.test(key)
  );
}

/**
 * The game a market dated `date` belongs to. Kalshi and Polymarket may date a late game a day apart (a US-Eastern
 * evening start is the next day in UTC): the Eastern date matches exactly; the UTC date is accepted as the day
 * after, flagged so the pairing check can ask for the other venue on the Eastern date.
 */
function findGame<S extends League>(
  games: readonly GameEntry<S>[],
  teams: ReadonlySet<TeamAlias>,
  date: string,
  startTimeEt?: string,
): { game: GameEntry<S>; dateOffset: boolean } {
  const same = games.filter((g) => teams.has(g.home) && teams.has(g.away));
  let exact = same.filter((g) => g.easternDate === date);
  if (exact.length > 1 && startTimeEt) exact = exact.filter((g) => easternTimeOf(g.input.startsAtMs) === startTimeEt);
  if (exact.length === 1) return { game: exact[0]!, dateOffset: false };
  if (exact.length > 1) return refuse('ambiguous_game', `${exact.length} games of these teams on ${date}`);
  const offset = same.filter((g) => g.utcDate === date && g.utcDate !== g.easternDate);
  if (offset.length === 1) return { game: offset[0]!, dateOffset: true };
  if (offset.length > 1) return refuse('ambiguous_game', `${offset.length} games of these teams end on UTC ${date}`);
  return refuse('no_game', `no game of these teams on ${date}`);
}

function kalshiSpec(market: KalshiMarketInfo, parsed: KalshiGameTicker, game: GameEntry<League>): WatchedMarketSpec {
  const { lookup } = game;
  if (market.marketType !== 'binary') refuse('not_full_game', `market type ${market.marketType}`);
  if (!parsed.team) return refuse('unparseable', 'ticker names no team');
  const rule = `${market.rulesPrimary}\n${market.rulesSecondary}`.trim();
  checkFullGame([market.title, market.yesSubTitle, market.rulesPrimary, market.rulesSecondary]);
  const tie = tieTreatment(rule, lookup.config.tiesPossible);
  // YES pays on the ticker's team only if the venue's own words say so too.
  const sub = lookup.byName(market.yesSubTitle);
  if (sub !== parsed.team) {
    refuse('orientation_mismatch', `yes_sub_title "${market.yesSubTitle}" is not ${parsed.team.espn}`);
  }
  const wins = /\bIf (?:the )?(.+?) wins?\b/i.exec(market.rulesPrimary);
  if (!wins) return refuse('orientation_mismatch', 'rules_primary does not name the team YES pays on');
  if (lookup.byName(wins[1]!) !== parsed.team) {
    refuse('orientation_mismatch', `rules_primary pays on "${wins[1]}", the ticker on ${parsed.team.espn}`);
  }
  const matchup = /\bwins? the (.+?) (?:at|@) (.+?) game\b/i.exec(market.rulesPrimary);
  if (matchup && (namedAtStart(lookup, matchup[1]!) !== game.away || namedAtStart(lookup, matchup[2]!) !== game.home)) {
    refuse('orientation_mismatch', `rules_primary describes "${matchup[1]} at ${matchup[2]}"`);
  }
  const steps = market.priceRanges.map((r) => r.stepMicros);
  if (steps.length === 0) refuse('unparseable', 'no price ranges');
  const fee: FeeSchedule = { venue: 'kalshi', liquidity: 'taker', multiplier: lookup.config.kalshiFeeMultiplier };
  return {
    venue: 'kalshi',
    venueMarketId: market.ticker,
    yesTeam: parsed.team.espn,
    buy: ['yes', 'no'],
    fee,
    minOrderQuantity: market.fractionalTrading ? 1 : 100,
    // The finest step the market quotes on (tapered grids are finer near the extremes).
    tickSizeMicros: Math.min(...steps),
    resolutionKey: resolutionKey(game, tie),
    title: market.title,
    resolutionRule: rule,
  };
}

function polymarketSpecs(market: PolymarketMarketInfo, game: GameEntry<League>): WatchedMarketSpec[] {
  const { lookup } = game;
  checkFullGame([market.question, market.description]);
  const tie = tieTreatment(market.description, lookup.config.tiesPossible);
  const teams = market.outcomes.map((name) => lookup.byName(name) ?? refuse('unknown_team', `outcome "${name}"`));
  if (!teams.includes(game.home) || !teams.includes(game.away)) {
    refuse(
      'orientation_mismatch',
      `outcomes ${market.outcomes.join(' / ')} are not ${game.away.espn} and ${game.home.espn}`,
    );
  }
  // The description's own "If the X win ... resolve to "Y"" must send each team to its own outcome.
  for (const m of market.description.matchAll(/\bIf (?:the )?([^,.]+?) wins?\b[^.]*?resolve to "([^"]+)"/gi)) {
    const named = lookup.byName(m[1]!);
    if (named && named !== lookup.byName(m[2]!)) {
      refuse('orientation_mismatch', `the description pays "${m[2]}" when ${m[1]} wins`);
    }
  }
  const fee: FeeSchedule = { venue: 'polymarket', rate: market.fee.rate, exponent: market.fee.exponent };
  return market.tokenIds.map((tokenId, i) => ({
    venue: 'polymarket' as const,
    venueMarketId: tokenId,
    yesTeam: teams[i]!.espn,
    buy: ['yes'] as const,
    fee,
    minOrderQuantity: market.minOrderSizeHundredths,
    tickSizeMicros: market.tickSizeMicros,
    resolutionKey: resolutionKey(game, tie),
    title: `${market.question}: ${market.outcomes[i]}`,
    resolutionRule: market.description,
  }));
}

export function matchMarkets<S extends League>(
  input: MatchInput<S>,
  lookup: TeamAliasLookup = teamAliases,
): MatchResult<S> {
  const unmatched: UnmatchedMarket[] = [];
  const unknownGames: MatchResult<S>['unknownGames'] = [];
  const entries: GameEntry<S>[] = [];
  for (const g of input.games) {
    const league = lookup.league(g.sport);
    const home = league.byEspn(g.home);
    const away = league.byEspn(g.away);
    if (!home || !away) {
      unknownGames.push({ espnEventId: g.espnEventId, detail: `${home ? g.away : g.home} is not a ${g.sport} team` });
      continue;
    }
    entries.push({
      input: g,
      lookup: league,
      home,
      away,
      easternDate: easternDateOf(g.startsAtMs),
      utcDate: utcDateOf(g.startsAtMs),
      markets: [],
    });
  }
  const byLeague = (league: League) => entries.filter((e) => e.input.sport === league);
  const attempt = (venue: Venue, id: string, match: () => void) => {
    try {
      match();
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      unmatched.push({ venue, id, reason: error.reason, detail: error.message });
    }
  };

  for (const market of input.kalshi) {
    attempt('kalshi', market.ticker, () => {
      const parsed = parseKalshiGameTicker(market.ticker, lookup);
      if (!parsed.ok) {
        const notGameSeries = !lookup.leagueOfKalshiSeries(market.seriesTicker);
        return refuse(notGameSeries ? 'not_full_game' : 'unparseable', parsed.reason);
      }
      if (TERMINAL_KALSHI.has(market.status)) refuse('closed', `status ${market.status}`);
      const t = parsed.value;
      const { game, dateOffset } = findGame(byLeague(t.league), new Set([t.away, t.home]), t.date, t.startTimeEt);
      if (game.away !== t.away) refuse('no_game', `the ticker has ${t.away.espn} away, ESPN ${game.away.espn}`);
      game.markets.push({ spec: kalshiSpec(market, t, game), id: market.ticker, dateOffset });
    });
  }

  for (const market of input.polymarket) {
    attempt('polymarket', market.conditionId, () => {
      if (market.negRisk || market.negRiskAugmented) refuse('neg_risk', `negRisk market ${market.slug}`);
      if (market.closed) refuse('closed', `market ${market.slug} is closed`);
      if (market.sportsMarketType !== 'moneyline') {
        refuse('not_full_game', `sportsMarketType ${market.sportsMarketType ?? 'absent'} (${market.slug})`);
      }
      const parsed = parsePolymarketSlug(market.slug, lookup);
      if (!parsed.ok) return refuse('unparseable', parsed.reason);
      const s = parsed.value;
      if (s.suffix !== undefined) refuse('not_full_game', `slug ${market.slug} is a ${s.suffix} market`);
      const { game, dateOffset } = findGame(byLeague(s.league), new Set([s.first, s.second]), s.date);
      for (const spec of polymarketSpecs(market, game)) game.markets.push({ spec, id: market.conditionId, dateOffset });
    });
  }

  return {
    games: entries.map((game) => {
      const kept = keepPairableDates(game, unmatched);
      return {
        sport: game.input.sport,
        espnEventId: game.input.espnEventId,
        home: game.home.espn,
        away: game.away.espn,
        markets: kept,
      };
    }),
    unmatched,
    unknownGames,
  };
}

/**
 * A market dated the day after the game's Eastern date is kept only when the other venue's markets of the game
 * all carry the Eastern date: the two venues' dates may differ by a day only if ESPN's Eastern date is one of them.
 */
function keepPairableDates(game: GameEntry<League>, unmatched: UnmatchedMarket[]): WatchedMarketSpec[] {
  const onVenue = (venue: Venue) => game.markets.filter((m) => m.spec.venue === venue);
  const pairable = (venue: Venue) => {
    const other = onVenue(venue === 'kalshi' ? 'polymarket' : 'kalshi');
    return other.length > 0 && other.every((m) => !m.dateOffset);
  };
  const kept: WatchedMarketSpec[] = [];
  const refused = new Set<string>();
  for (const m of game.markets) {
    if (!m.dateOffset || pairable(m.spec.venue)) {
      kept.push(m.spec);
    } else if (!refused.has(m.id)) {
      refused.add(m.id);
      unmatched.push({
        venue: m.spec.venue,
        id: m.id,
        reason: 'date_mismatch',
        detail: `dated ${game.utcDate}, the day after the game's Eastern date ${game.easternDate}, with no other-venue market on ${game.easternDate}`,
      });
    }
  }
  return kept;
}
