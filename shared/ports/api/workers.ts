import type { PageAfter } from './page.ts';

export interface WorkerRow {
  id: string;
  name: string;
  capabilities: string[];
  status: 'idle' | 'busy' | 'offline';
  current_job_id: string | null;
  heartbeat_timeout_ms: number;
  last_heartbeat_at: Date;
  created_at: Date;
  cursor_key: string;
}

/** The browser workers and their heartbeats. */
export interface WorkerStore {
  register(input: { name: string; capabilities: string[]; heartbeatTimeoutMs: number }): Promise<WorkerRow>;
  /** The worker registered by `registeredBy`, locked until the caller's transaction ends; undefined for anyone else. */
  lockOwn(input: {
    id: string;
    registeredBy: string;
  }): Promise<Pick<WorkerRow, 'status' | 'current_job_id'> | undefined>;
  holdsJob(input: { workerId: string; jobId: string }): Promise<boolean>;
  recordHeartbeat(input: { id: string; status: 'idle' | 'busy'; currentJobId: string | null }): Promise<WorkerRow>;
  find(id: string): Promise<WorkerRow | undefined>;
  list(query: { status?: WorkerRow['status']; limit: number; after?: PageAfter }): Promise<WorkerRow[]>;
}
