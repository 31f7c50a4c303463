import { z } from 'zod';

/** The YES payout a venue set for a market whose rule leaves it to the venue (a Kalshi fair price), and its source. */
export const putMarketSettlementBodySchema = z.strictObject({
  yesPayoutMicros: z.number().int().min(0).max(1_000_000),
  /** Where the value comes from: the venue's settlement notice, market payload or page. */
  source: z.string().trim().min(1).max(500),
});
export type PutMarketSettlementBody = z.infer<typeof putMarketSettlementBodySchema>;

export interface MarketSettlementView {
  marketId: string;
  yesPayoutMicros: number;
  noPayoutMicros: number;
  source: string;
  enteredBy: string;
  enteredAt: string;
}
