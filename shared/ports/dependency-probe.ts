/** Something a process depends on, as the health check probes it (the adapters implement one each). */
export interface DependencyProbe {
  name: string;
  critical: boolean;
  /** Resolves to a note such as "in-memory cache" or "not configured"; any rejection means down. */
  check(): Promise<string | undefined>;
}
