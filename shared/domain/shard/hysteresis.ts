import type { Finding } from './scan.ts';

export type Verdict = 'publish' | 'stale' | 'awaiting_state' | 'repeat';

const NONE: readonly Verdict[] = [];

interface Held {
  signature: string;
  /** Whether this signature was published (or only seen stale). */
  published: boolean;
}

/**
 * Publishes an opportunity once: again for the same market side or pair only when its prices or size changed, or
 * when it had gone in between (a scan that did not find it). A stale finding, or one awaiting the game's state, is
 * never published; it is counted once per signature, and the same prices found fresh later are published then. One instance per game: each `decide`
 * takes that game's whole scan.
 */
export class Hysteresis {
  private held = new Map<string, Held>();

  decide(findings: readonly Finding[]): readonly Verdict[] {
    // Most scans find nothing: nothing to decide, nothing held after.
    if (findings.length === 0) {
      if (this.held.size > 0) this.held = new Map();
      return NONE;
    }
    const next = new Map<string, Held>();
    const verdicts = findings.map((f): Verdict => {
      const prior = this.held.get(f.key);
      const same = prior !== undefined && prior.signature === f.signature;
      const held = f.stale || f.awaitingState;
      const published = (same && prior.published) || !held;
      next.set(f.key, { signature: f.signature, published });
      if (same && prior.published) return 'repeat';
      if (held) return same ? 'repeat' : f.stale ? 'stale' : 'awaiting_state';
      return 'publish';
    });
    this.held = next;
    return verdicts;
  }
}
