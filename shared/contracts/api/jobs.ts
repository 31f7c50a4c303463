import { z } from 'zod';
import { JOB_STATUSES } from '#domain/status/jobs';
import { cursorSchema, limitSchema, sportsbookSchema, uuidSchema } from './common.ts';

export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

const checkOddsPayloadSchema = z.strictObject({
  sportsbook: sportsbookSchema,
  eventUrl: z.url({ protocol: /^https$/ }).max(2048),
  markets: z.array(z.string().min(1).max(128)).min(1).max(50).optional(),
});

/** Stakes are money: integer micros (DESIGN.md section 4). */
const placeBetPayloadSchema = z.strictObject({
  sportsbook: sportsbookSchema,
  sessionId: uuidSchema,
  eventUrl: z.url({ protocol: /^https$/ }).max(2048),
  selection: z.string().min(1).max(256),
  stakeMicros: z.number().int().positive().max(1_000_000_000_000),
  minAmericanOdds: z
    .number()
    .int()
    .refine((odds) => Math.abs(odds) >= 100, 'American odds are <= -100 or >= 100'),
});

const prioritySchema = z.number().int().min(1).max(10).default(5);

export const createJobBodySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('check_odds'), payload: checkOddsPayloadSchema, priority: prioritySchema }),
  z.strictObject({ type: z.literal('place_bet'), payload: placeBetPayloadSchema, priority: prioritySchema }),
]);
export type CreateJobBody = z.infer<typeof createJobBodySchema>;
export type JobType = CreateJobBody['type'];

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const listJobsQuerySchema = z.strictObject({
  status: jobStatusSchema.optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

export interface JobView {
  id: string;
  type: JobType;
  status: JobStatus;
  priority: number;
  payload: CreateJobBody['payload'];
  /** The worker's outcome once the job finished: a failure class (`url_not_allowed`, `challenge`, ...) or null. */
  error: string | null;
  /** check_odds: the prices read and any surebets; place_bet: the slip (paper) or the book's receipt (live). */
  result: Record<string, unknown> | null;
  /** Where the final page's screenshot is (`screenshots/<id>.png` under the data dir locally, `s3://...` in AWS). */
  screenshotKey: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The browser-jobs SQS message: what the browser worker receives for an accepted job. */
export const browserJobMessageSchema = z.strictObject({
  type: z.literal('browser_job'),
  v: z.literal(1),
  jobId: uuidSchema,
  userId: z.string().min(1).max(256),
  job: createJobBodySchema,
});
export type BrowserJobMessage = z.infer<typeof browserJobMessageSchema>;
