import { performance } from 'node:perf_hooks';

import type { DependencyProbe } from '../ports/dependency-probe.ts';

export type { DependencyProbe };

export interface DependencyReport {
  name: string;
  status: 'up' | 'down';
  critical: boolean;
  latencyMs: number;
  detail?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  dependencies: DependencyReport[];
}

/** A probe that has not answered within this long counts as down: health must answer even when a socket hangs. */
export const PROBE_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function probe(dependency: DependencyProbe, timeoutMs: number): Promise<DependencyReport> {
  const started = performance.now();
  const base = { name: dependency.name, critical: dependency.critical };
  try {
    const detail = await withTimeout(dependency.check(), timeoutMs);
    const latencyMs = Math.round(performance.now() - started);
    return detail === undefined ? { ...base, status: 'up', latencyMs } : { ...base, status: 'up', latencyMs, detail };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    // Only the kind of failure is reported: messages can carry hosts or credentials.
    const code = (error as { code?: unknown }).code;
    return { ...base, status: 'down', latencyMs, detail: typeof code === 'string' ? code : 'unreachable' };
  }
}

/** Probes every dependency concurrently. Down when a critical one is down, degraded when only others are. */
export async function checkHealth(
  dependencies: readonly DependencyProbe[],
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<HealthReport> {
  const reports = await Promise.all(dependencies.map((dependency) => probe(dependency, timeoutMs)));
  const down = reports.filter((report) => report.status === 'down');
  const status = down.some((report) => report.critical) ? 'down' : down.length > 0 ? 'degraded' : 'ok';
  return { status, dependencies: reports };
}
