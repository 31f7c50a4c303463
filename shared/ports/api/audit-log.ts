/** One write through the API: who (JWT `sub`), what, on which record, under which request id. Never secrets. */
export interface AuditEntry {
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  requestId: string;
  details?: Record<string, unknown>;
}

/** The audit trail of writes through the API. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
}
