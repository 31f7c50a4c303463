/**
 * Discovery answers as the venues' REST APIs give them: Kalshi `GET /markets` (`{markets, cursor}`, full market
 * objects in the `_dollars`/`_fp` format) and Gamma `GET /markets` (a JSON array; outcomes, prices and token ids as
 * JSON-encoded strings). Shapes from the fixtures (REFERENCE.md 1.4, 2.4).
 */
import type { Sport } from '#domain/win-probability';
import type { KalshiIds, PlannedGame, PolymarketIds, Team } from './plan.ts';
import { dollars, fp } from './wire.ts';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const SPORT_WORDS: Record<Sport, string> = { nba: 'professional basketball', nfl: 'professional football' };

function longDate(ms: number): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  }).format(new Date(ms));
}

/**
 * The settlement clauses as the venues word them (RULES.md 1). An NFL game can end tied, so both venues say how a
 * tie resolves (each team's contract pays $0.50), and pairing refuses an NFL market that does not. Kalshi's NBA
 * postponement clause is UNVERIFIED there: the NFL one's shape, without the tie.
 */
const KALSHI_RULES_SECONDARY: Record<Sport, string> = {
  nfl: 'If the game ends in a tie, the market will resolve to $0.50 for each team. If the game is postponed but begins within 48 hours of its scheduled start, the market will resolve based on the official final result. If the game does not begin within 48 hours, the market will resolve to a fair price.',
  nba: 'If the game is postponed but begins within 48 hours of its scheduled start, the market will resolve based on the official final result. If the game does not begin within 48 hours, the market will resolve to a fair price.',
};
const POLYMARKET_RULES_TAIL: Record<Sport, string> = {
  nfl: 'Overtime is included. If the game ends in a tie, this market will resolve 50-50. If the game is postponed, this market will remain open until the game has been completed. If the game is canceled entirely, with no make-up game, this market will resolve 50-50.',
  nba: 'Overtime is included. If the game is postponed, this market will remain open until the game has been completed. If the game is canceled entirely, with no make-up game, this market will resolve 50-50.',
};

/** One Kalshi market object (one per team: YES = that team wins). */
function kalshiMarket(game: PlannedGame, team: Team, ids: KalshiIds, yesMicros: number, now: number) {
  const matchup = `${game.away.kalshiName} at ${game.home.kalshiName}`;
  const bid = yesMicros - 10_000;
  const ask = yesMicros + 10_000;
  return {
    ticker: ids.ticker,
    event_ticker: game.kalshiEventTicker,
    market_type: 'binary',
    title: `${matchup} Winner?`,
    subtitle: '',
    yes_sub_title: team.kalshiName,
    no_sub_title: team.kalshiName,
    created_time: iso(game.startT - 2 * DAY),
    updated_time: iso(now - 60_000),
    open_time: iso(game.startT - 2 * DAY + HOUR),
    close_time: iso(game.startT + 14 * DAY),
    expected_expiration_time: iso(game.startT + 3 * HOUR),
    latest_expiration_time: iso(game.startT + 14 * DAY),
    settlement_timer_seconds: 300,
    status: 'active',
    yes_bid_dollars: dollars(bid),
    yes_bid_size_fp: fp(25_000),
    yes_ask_dollars: dollars(ask),
    yes_ask_size_fp: fp(19_000),
    no_bid_dollars: dollars(1_000_000 - ask),
    no_ask_dollars: dollars(1_000_000 - bid),
    last_price_dollars: dollars(yesMicros),
    volume_fp: fp(4_210_000),
    volume_24h_fp: fp(3_180_000),
    result: '',
    can_close_early: true,
    open_interest_fp: fp(2_064_100),
    notional_value_dollars: '1.0000',
    previous_yes_bid_dollars: dollars(bid),
    previous_yes_ask_dollars: dollars(ask),
    previous_price_dollars: dollars(yesMicros),
    liquidity_dollars: '0.0000',
    expiration_value: '',
    occurrence_datetime: iso(game.startT),
    fee_waiver_expiration_time: null,
    early_close_condition: 'This market will close and expire after a winner is declared.',
    rules_primary: `If ${team.kalshiName} wins the ${matchup} ${SPORT_WORDS[game.sport]} game originally scheduled for ${longDate(game.startT)}, then the market resolves to Yes.`,
    rules_secondary: KALSHI_RULES_SECONDARY[game.sport],
    price_level_structure: 'linear_cent',
    price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0100' }],
    exchange_index: 0,
  };
}

/** `GET /trade-api/v2/markets?series_ticker=...&status=open` for one series. */
export function kalshiMarketsBody(games: readonly PlannedGame[], now: number): string {
  const markets = games.flatMap((game) => {
    const home = Math.round(game.pregameHomeWinProbability * 100) * 10_000;
    return [
      kalshiMarket(game, game.away, game.kalshi.away, 1_000_000 - home, now),
      kalshiMarket(game, game.home, game.kalshi.home, home, now),
    ];
  });
  return JSON.stringify({ markets, cursor: '' });
}

export const kalshiMarketsPath = (sport: Sport, series: string) =>
  `/trade-api/v2/markets?series_ticker=${series}&status=open&limit=200${sport === 'nfl' ? '&with_nested_markets=false' : ''}`;

function gammaMarket(game: PlannedGame, ids: PolymarketIds, awayMicros: number, now: number) {
  const question = `${game.away.name} vs. ${game.home.name}`;
  const firstHalf = ids.sportsMarketType === 'first_half_moneyline';
  const start = new Date(game.startT).toISOString();
  const awayPrice = (awayMicros / 1_000_000).toFixed(3);
  const homePrice = ((1_000_000 - awayMicros) / 1_000_000).toFixed(3);
  return {
    id: ids.gammaId,
    question: firstHalf ? `${question}: 1H Moneyline` : question,
    conditionId: ids.conditionId,
    slug: ids.slug,
    resolutionSource: game.sport === 'nba' ? 'https://www.nba.com/' : 'https://www.nfl.com/',
    endDate: iso(game.startT),
    startDate: iso(game.startT - 2 * DAY),
    description: firstHalf
      ? `This market refers to the first half only (overtime not included). If the ${game.away.name} lead at halftime, the market resolves to "${game.away.name}". If the ${game.home.name} lead, it resolves to "${game.home.name}". If tied, it resolves 50-50.`
      : `In the upcoming ${game.sport.toUpperCase()} game, scheduled for ${longDate(game.startT)}:\nIf the ${game.away.name} win, the market will resolve to "${game.away.name}".\nIf the ${game.home.name} win, the market will resolve to "${game.home.name}".\n${POLYMARKET_RULES_TAIL[game.sport]}`,
    outcomes: JSON.stringify([game.away.name, game.home.name]),
    outcomePrices: JSON.stringify([awayPrice, homePrice]),
    volume: firstHalf ? '184220.5' : '2841530.774512',
    active: true,
    closed: false,
    marketMakerAddress: '',
    createdAt: iso(game.startT - 2 * DAY),
    updatedAt: iso(now - 30_000),
    new: false,
    featured: false,
    archived: false,
    restricted: true,
    groupItemTitle: '',
    questionID: ids.questionId,
    enableOrderBook: true,
    orderPriceMinTickSize: 0.01,
    orderMinSize: 5,
    volumeNum: firstHalf ? 184220.5 : 2841530.774512,
    liquidityNum: 412908.55,
    endDateIso: start.slice(0, 10),
    startDateIso: iso(game.startT - 2 * DAY).slice(0, 10),
    volume24hr: 190114.21,
    volumeClob: firstHalf ? 184220.5 : 2841530.774512,
    clobTokenIds: JSON.stringify([ids.awayToken, ids.homeToken]),
    acceptingOrders: true,
    acceptingOrdersTimestamp: iso(game.startT - 2 * DAY),
    negRisk: false,
    spread: 0.01,
    lastTradePrice: Number(awayPrice),
    bestBid: Math.round((awayMicros - 10_000) / 10_000) / 100,
    bestAsk: Math.round(awayMicros / 10_000) / 100,
    gameStartTime: `${start.slice(0, 10)} ${start.slice(11, 19)}+00`,
    sportsMarketType: ids.sportsMarketType,
    gameId: game.polymarket.gameId,
    secondsDelay: 3,
    clearBookOnStart: false,
    feesEnabled: true,
    feeType: 'sports_fees_v2',
    feeSchedule: { exponent: 1, rate: game.polymarket.feeRate, takerOnly: true, rebateRate: 0.25 },
    makerBaseFee: 1000,
    takerBaseFee: 1000,
    version: 'v1',
    events: [
      {
        id: game.polymarket.eventId,
        ticker: game.polymarket.full.slug,
        slug: game.polymarket.full.slug,
        title: question,
        seriesSlug: game.sport,
        startTime: iso(game.startT),
        endDate: iso(game.startT),
        active: true,
        closed: false,
        live: false,
        gameId: Number(game.polymarket.gameId),
      },
    ],
  };
}

/** `GET /markets?...` on Gamma for one sport: each game's moneyline and first-half moneyline. */
export function gammaMarketsBody(games: readonly PlannedGame[], now: number): string {
  return JSON.stringify(
    games.flatMap((game) => {
      const away = Math.round((1 - game.pregameHomeWinProbability) * 1000) * 1000;
      return [
        gammaMarket(game, game.polymarket.full, away, now),
        gammaMarket(game, game.polymarket.firstHalf, away, now),
      ];
    }),
  );
}

export const gammaMarketsPath = (sport: Sport) =>
  `/markets?tag_slug=${sport}&active=true&closed=false&sports_market_types=moneyline,first_half_moneyline&limit=500`;
