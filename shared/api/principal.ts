import { z } from 'zod';

/** Human roles are ordered `viewer` < `trader` < `admin`; `worker` is the browser workers' own role, outside that order. */
export const roleSchema = z.enum(['viewer', 'trader', 'admin', 'worker']);
export type Role = z.infer<typeof roleSchema>;

const humanOrder = ['viewer', 'trader', 'admin'] as const;

/** The roles at or above `min` in the human order. */
export function atLeast(min: (typeof humanOrder)[number]): readonly Role[] {
  return humanOrder.slice(humanOrder.indexOf(min));
}

export interface Principal {
  sub: string;
  role: Role;
}

/** Who did a write, for the audit log. */
export interface Actor extends Principal {
  requestId: string;
}
