import { z } from 'zod';

export const putKillSwitchBodySchema = z.strictObject({
  engaged: z.boolean(),
  reason: z.string().trim().min(1).max(500),
});
export type PutKillSwitchBody = z.infer<typeof putKillSwitchBodySchema>;

export interface KillSwitchView {
  engaged: boolean;
  reason: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
}
