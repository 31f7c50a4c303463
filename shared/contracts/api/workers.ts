import { z } from 'zod';
import { cursorSchema, limitSchema, uuidSchema } from './common.ts';

/** No name: a worker is named by its token's `sub`. */
export const registerWorkerBodySchema = z.strictObject({
  capabilities: z
    .array(z.enum(['check_odds', 'place_bet']))
    .min(1)
    .max(10),
  heartbeatTimeoutMs: z.number().int().min(5_000).max(3_600_000).default(60_000),
});
export type RegisterWorkerBody = z.infer<typeof registerWorkerBodySchema>;

export const heartbeatBodySchema = z.strictObject({
  status: z.enum(['idle', 'busy']).default('idle'),
  currentJobId: uuidSchema.nullable().default(null),
});
export type HeartbeatBody = z.infer<typeof heartbeatBodySchema>;

export const listWorkersQuerySchema = z.strictObject({
  status: z.enum(['idle', 'busy', 'offline']).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

export type WorkerStatus = 'idle' | 'busy' | 'offline';

export interface WorkerView {
  id: string;
  name: string;
  capabilities: string[];
  status: WorkerStatus;
  currentJobId: string | null;
  heartbeatTimeoutMs: number;
  lastHeartbeatAt: string;
  registeredAt: string;
}
