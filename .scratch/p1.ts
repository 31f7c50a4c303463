import { decide, type RiskLimits, type RiskState } from '#domain/signals/index';
import { arbitrageCandidate, modelEdgeCandidate } from '../local/pipeline/sample-candidates.ts';
const NOW = Date.UTC(2026, 10, 23, 20, 0, 0);
const limits: RiskLimits = { staleAfterMs: 30_000, minEdgeBps: 100, cooldownMs: 60_000, kellyFraction: 0.25,
  maxExposurePerMarketMicros: 250_000_000, maxExposurePerGameMicros: 500_000_000, maxTotalExposureMicros: 2_000_000_000, dailyLossLimitMicros: 200_000_000 };
const st = (o: Partial<RiskState> = {}): RiskState => ({ killSwitchEngaged: false, bankrollMicros: 1_000_000_000, exposureByMarketMicros: new Map(),
  exposureByGameMicros: new Map(), totalExposureMicros: 0, realizedPnlTodayMicros: 0, lastAcceptedAtMs: new Map(), ...o });
// (a) arbitrage: Kalshi yes 0.48 x 100 contracts, Poly no 0.49 x 100 ; headroom small
const arb = arbitrageCandidate({ nowMs: NOW, edgeBps: 150,
  leg: { askMicros: 480_000, depth: [{ priceMicros: 480_000, quantity: 10_000 }] },
  hedge: { askMicros: 490_000, depth: [{ priceMicros: 490_000, quantity: 10_000 }], minOrderQuantity: 100, fee: { venue: 'polymarket', rate: 0, exponent: 1 } } });
for (const bank of [1_000_000_000, 8_000_000, 4_000_000]) {
  const d = decide({ candidate: arb, state: st({ bankrollMicros: bank }), limits, nowMs: NOW });
  if (d.status === 'accepted') { const n = d.fills[0]!.quantity / 100; console.log('arb bank', bank, 'n', n, 'cost', d.totalCostMicros, 'profit', n * 1_000_000 - d.totalCostMicros, d.edgeBps); }
  else console.log('arb bank', bank, d);
}
// (b) model edge: fair 0.60; top 0.50 x 5; next 0.595 x 10000
const me = modelEdgeCandidate({ nowMs: NOW, modelProbability: 0.6, leg: { askMicros: 500_000, depth: [{ priceMicros: 500_000, quantity: 500 }, { priceMicros: 595_000, quantity: 1_000_000 }] } });
const d = decide({ candidate: me, state: st({ bankrollMicros: 10_000_000_000 }), limits: { ...limits, maxExposurePerMarketMicros: 1e12, maxExposurePerGameMicros: 1e12, maxTotalExposureMicros: 1e12 }, nowMs: NOW });
if (d.status === 'accepted') { const f = d.fills[0]!; const n = f.quantity / 100; console.log('me n', n, 'allin', d.totalCostMicros, 'EV', 0.6 * n * 1e6 - d.totalCostMicros); } else console.log(d);
