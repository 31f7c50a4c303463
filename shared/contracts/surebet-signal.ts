import { z } from 'zod';
import { surebetLegSchema } from './signal-candidate.ts';

/**
 * What a surebet's trading signal holds in `details` (the evaluator writes it, GET /v1/signals shows it): the legs
 * with their stakes and odds, and, when reported, the payout and profit the legs guarantee.
 */
export const surebetSignalDetailsSchema = z.object({
  kind: z.literal('surebet'),
  eventKey: z.string(),
  market: z.string(),
  gameId: z.uuid().nullable(),
  marginBps: z.number().int(),
  totalStakeMicros: z.number().int(),
  /** The producer's figure, which the evaluator checks against the legs. */
  claimedProfitMicros: z.number().int(),
  guaranteedPayoutMicros: z.number().int().nullable(),
  guaranteedProfitMicros: z.number().int().nullable(),
  priceObservedAtMs: z.number().int(),
  legs: z.array(surebetLegSchema),
});
export type SurebetSignalDetails = z.infer<typeof surebetSignalDetailsSchema>;
