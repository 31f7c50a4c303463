import { describe, expect, it } from 'vitest';
import { parsePolymarketWsFrame } from '#adapters/venues/polymarket/wire';
import { gameIdFor } from '#contracts/ids';
import { winProbability } from '#domain';
import type { GameStateEvent } from '#domain/feed/events';
import { type PublishedCandidate, type ShardGameSpec, ShardState } from '../../../shared/domain/shard/state.ts';

/**
 * The model-edge gate: an edge on a side is published only when the game's latest poll is not older than the side's
 * last best-ask change, so a venue that priced a score ESPN does not show yet is not read as an edge.
 */

const POLY_FEE = { venue: 'polymarket', rate: 0.03, exponent: 1 } as const;
const BOS_TOKEN = 'token-bos';
const DEN_TOKEN = 'token-den';
const START = 1_794_700_000_000;

const spec: ShardGameSpec = {
  gameId: gameIdFor('nba', '401'),
  sport: 'nba',
  espnEventId: '401',
  startsAtMs: START,
  home: { abbreviation: 'DEN' },
  away: { abbreviation: 'BOS' },
  markets: [
    [BOS_TOKEN, 'BOS'],
    [DEN_TOKEN, 'DEN'],
  ].map(([id, team]) => ({
    venue: 'polymarket' as const,
    venueMarketId: id as string,
    yesTeam: team as string,
    buy: ['yes' as const],
    fee: POLY_FEE,
    minOrderQuantity: 100,
    resolutionKey: 'k',
  })),
};

const book = (asset: string, bid: number, ask: number) =>
  parsePolymarketWsFrame(
    JSON.stringify({
      event_type: 'book',
      market: '0xc',
      asset_id: asset,
      timestamp: '1',
      hash: 'h',
      bids: [{ price: (bid / 100).toFixed(2), size: '500' }],
      asks: [{ price: (ask / 100).toFixed(2), size: '500' }],
    }),
  );

// 2 minutes left: a 10-point lead is nearly decisive, so the model and the venues price it far from 50-50.
const SECONDS_LEFT = 120;
const poll = (home: number, away: number): GameStateEvent[] => [
  {
    type: 'game_state',
    sport: 'nba',
    espnEventId: '401',
    startsAtMs: START,
    status: 'in_progress',
    period: 4,
    clockSeconds: SECONDS_LEFT,
    secondsRemaining: SECONDS_LEFT,
    home: { espnTeamId: '7', abbreviation: 'DEN', displayName: 'Denver', score: home },
    away: { espnTeamId: '2', abbreviation: 'BOS', displayName: 'Boston', score: away },
  },
];

/** A shard holding the game, its 50-50 pregame prior set from both tokens quoted before the start. */
function shard() {
  const published: PublishedCandidate[] = [];
  const state = new ShardState(
    { minEdgeBps: 200, minArbProfitMicros: 100_000, minArbEdgeBps: 10, priceStaleAfterMs: 600_000 },
    { candidate: (c) => published.push(c), resync: () => {} },
  );
  state.registerGame(spec);
  state.applyPolymarket(book(BOS_TOKEN, 49, 51), START - 60_000);
  state.applyPolymarket(book(DEN_TOKEN, 49, 51), START - 59_000);
  // Level at the start: no edge either way.
  state.applyGameStates(poll(100, 100), START + 1_000);
  const modelEdges = () => published.filter((c) => c.candidate.kind === 'model_edge');
  return { state, modelEdges };
}

describe('shard engine: a model edge waits for the poll that shows what the venue priced', () => {
  it('publishes nothing on an ask that dropped for a score the last poll does not show, and no false edge after the poll', () => {
    const { state, modelEdges } = shard();
    // Boston scores 10 unanswered: the venue reprices Denver to 0.05 before ESPN shows it.
    state.applyPolymarket(book(DEN_TOKEN, 3, 5), START + 2_000);
    state.applyPolymarket(book(BOS_TOKEN, 97, 99), START + 2_001);
    expect(modelEdges()).toEqual([]);
    expect(state.counters.modelEdgeAwaitingState).toBe(1);
    // The model alone (on the old, level score) would have seen an edge on Denver at 0.05.
    expect(
      winProbability('nba', {
        homeScore: 100,
        awayScore: 100,
        secondsRemaining: SECONDS_LEFT,
        pregameHomeWinProbability: 0.5,
      }),
    ).toBeGreaterThan(0.1);
    state.applyGameStates(poll(100, 110), START + 5_000);
    const denver = winProbability('nba', {
      homeScore: 100,
      awayScore: 110,
      secondsRemaining: SECONDS_LEFT,
      pregameHomeWinProbability: 0.5,
    });
    expect(denver).toBeLessThan(0.05);
    expect(modelEdges()).toEqual([]);
  });

  it('publishes an edge held back at the next poll, even one that shows the same state, once the model has seen the price', () => {
    const { state, modelEdges } = shard();
    // Denver falls to 0.30 with no score change: the model (still 50-50) sees an edge the gate holds back.
    state.applyPolymarket(book(DEN_TOKEN, 28, 30), START + 2_000);
    expect(modelEdges()).toEqual([]);
    expect(state.counters.modelEdgeAwaitingState).toBe(1);
    // The poll after it shows the same score: the scan skip must not swallow it.
    state.applyGameStates(poll(100, 100), START + 5_000);
    expect(modelEdges().map((c) => c.legs)).toEqual([
      [{ venue: 'polymarket', instrument: DEN_TOKEN, side: 'yes', priceMicros: 300_000 }],
    ]);
  });

  it('publishes a genuine lag: the state changes first and the ask stays where it was', () => {
    const { state, modelEdges } = shard();
    state.applyGameStates(poll(110, 100), START + 5_000);
    expect(modelEdges().map((c) => c.legs)).toEqual([
      [{ venue: 'polymarket', instrument: DEN_TOKEN, side: 'yes', priceMicros: 510_000 }],
    ]);
    // A later ask change on the other token does not hold Denver's edge back, and it is not published twice.
    state.applyPolymarket(book(BOS_TOKEN, 49, 52), START + 6_000);
    expect(modelEdges()).toHaveLength(1);
    expect(state.counters.modelEdgeAwaitingState).toBe(0);
  });
});
