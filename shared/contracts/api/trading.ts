import { z } from 'zod';
import { gameStatuses } from '#domain/names';
import { tradingModeSchema, venueSchema } from '../common.ts';
import { cursorSchema, limitSchema, uuidSchema } from './common.ts';

/** Query strings of the deployment-wide trading reads. Money in micros, quantities in hundredths (DESIGN.md 4). */
const modeSchema = tradingModeSchema;
const instantSchema = z.iso.datetime({ offset: true });
const page = { limit: limitSchema, cursor: cursorSchema };

export const listSignalsQuerySchema = z.strictObject({
  /** `reported`: surebets for the user to place through place_bet jobs (never traded by the evaluator). */
  decision: z.enum(['accepted', 'rejected', 'reported']).optional(),
  kind: z.enum(['model_edge', 'arbitrage', 'surebet']).optional(),
  mode: modeSchema.optional(),
  since: instantSchema.optional(),
  ...page,
});

export const listTradesQuerySchema = z.strictObject({
  marketId: uuidSchema.optional(),
  signalId: uuidSchema.optional(),
  since: instantSchema.optional(),
  ...page,
});

export const listPositionsQuerySchema = z.strictObject({
  status: z.enum(['open', 'settled']).optional(),
  mode: modeSchema.optional(),
  marketId: uuidSchema.optional(),
  ...page,
});

export const listBankrollQuerySchema = z.strictObject({ mode: modeSchema.optional(), ...page });

/** An instant as ISO 8601 with an offset, or as epoch milliseconds (what a chart's clock holds); becomes ISO. */
const instantOrEpochMsSchema = z.union([
  instantSchema,
  z
    .string()
    .regex(/^\d{1,15}$/, 'an ISO 8601 instant or epoch milliseconds')
    .transform((ms) => new Date(Number(ms)).toISOString()),
]);

export const bankrollHistoryQuerySchema = z.strictObject({
  mode: modeSchema,
  account: z.string().min(1).max(64).default('default'),
  since: instantOrEpochMsSchema.optional(),
  ...page,
});

export const listGamesQuerySchema = z.strictObject({
  sport: z.enum(['nba', 'nfl']).optional(),
  status: z.enum(gameStatuses).optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  ...page,
});

export const listMarketsQuerySchema = z.strictObject({
  venue: venueSchema.optional(),
  gameId: uuidSchema.optional(),
  status: z.enum(['open', 'closed', 'settled']).optional(),
  ...page,
});

export type ListSignalsQuery = z.infer<typeof listSignalsQuerySchema>;
export type ListTradesQuery = z.infer<typeof listTradesQuerySchema>;
export type ListPositionsQuery = z.infer<typeof listPositionsQuerySchema>;
export type ListBankrollQuery = z.infer<typeof listBankrollQuerySchema>;
export type BankrollHistoryQuery = z.infer<typeof bankrollHistoryQuerySchema>;
export type ListGamesQuery = z.infer<typeof listGamesQuerySchema>;
export type ListMarketsQuery = z.infer<typeof listMarketsQuerySchema>;
