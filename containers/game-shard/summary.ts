import type { ShardSummary } from './engine.ts';

/** A replay's summary: the engine's counts and the run's own. */
export interface ReplaySummary extends ShardSummary {
  /** Lines that were not a feed record (bad JSON or shape): counted and skipped. */
  malformedLines: number;
  /** Wall time of the run. */
  durationMs: number;
  linesPerSecond: number;
}

const entries = (o: Partial<Record<string, number>>) =>
  Object.entries(o)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/** The summary as a two-column table for the terminal. */
export function formatSummary(s: ReplaySummary): string {
  const rows: [string, string][] = [
    ['lines', `${s.lines} (${s.malformedLines} malformed, skipped)`],
    ['messages per source', entries(s.messages)],
    ['parse failures per source', `${entries(s.parseFailures)} (${s.parseFailuresPer1000.toFixed(2)} per 1000)`],
    ['games held', String(s.games)],
    ['sequence gaps', String(s.sequenceGaps)],
    ['books invalidated', String(s.booksInvalidated)],
    ['resyncs requested', String(s.resyncs)],
    ['candidates', entries(s.candidates)],
    ['candidates suppressed as stale', String(s.suppressedStale)],
    ['model edges awaiting the game state', String(s.modelEdgeAwaitingState)],
    ['engine errors', String(s.engineErrors)],
    ['feed time', `${(s.feedDurationMs / 1000).toFixed(1)} s`],
    ['duration', `${(s.durationMs / 1000).toFixed(2)} s (${Math.round(s.linesPerSecond)} lines/s)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
