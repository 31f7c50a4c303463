import { stateMachine } from './transitions.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Browser job lifecycle. The worker claims a queued job (`queued -> running`, once per job id, so a duplicate
 * message finds nothing to claim) and finishes it; the user, or a withdrawn consent, cancels one not yet finished.
 * Finished jobs are terminal. The `jobs.status` CHECK holds the same five names.
 */
export const jobStatus = stateMachine<JobStatus>('job status', {
  queued: ['running', 'cancelled'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
});
