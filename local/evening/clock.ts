import { setTimeout as sleep } from 'node:timers/promises';

export type Speed = number | 'max';

/**
 * Feed time onto the wall clock, for a local run. The shard engine keeps the feed's own `t` (it compares it with
 * times the venues' payloads carry, such as a game's scheduled start, and with the staleness window), and what it
 * hands on (candidates, prices, game states) is re-stamped here to the wall time its line was played at, so the queue,
 * the evaluator and Postgres all see real, consistent times: a candidate is as fresh for the evaluator as it was for
 * the shard when it was made.
 *
 * `--speed N` plays line `t` at `startWall + (t - firstT) / N` (waiting for it); `max` plays each line at once, and a
 * feed time maps to the wall time of the last line played at or before it.
 */
export class FeedClock {
  private firstT: number | undefined;
  private startWall = 0;
  /** Feed time and wall time of each played line (max speed), both non-decreasing. */
  private feedTimes = new Float64Array(1 << 16);
  private wallTimes = new Float64Array(1 << 16);
  private played = 0;

  constructor(
    readonly speed: Speed,
    private readonly now: () => number = Date.now,
  ) {}

  /** Waits until line `t` is due, then records when it was played. */
  async play(t: number): Promise<void> {
    if (this.firstT === undefined) {
      this.firstT = t;
      this.startWall = this.now();
    }
    if (this.speed !== 'max') {
      const due = this.startWall + (t - this.firstT) / this.speed;
      const wait = due - this.now();
      if (wait > 0) await sleep(wait);
      return;
    }
    const last = this.played - 1;
    // A feed that goes back in time (merged sources) plays at the time already reached.
    const feedT = last >= 0 ? Math.max(t, this.feedTimes[last] as number) : t;
    const wall = last >= 0 ? Math.max(this.now(), this.wallTimes[last] as number) : this.now();
    if (this.played === this.feedTimes.length) this.grow();
    this.feedTimes[this.played] = feedT;
    this.wallTimes[this.played] = wall;
    this.played++;
  }

  /** The wall time (integer epoch ms) that feed time `t` was, or is, played at. */
  toWall(t: number): number {
    if (this.firstT === undefined) return this.now();
    if (this.speed !== 'max') return Math.round(this.startWall + (t - this.firstT) / this.speed);
    let lo = 0;
    let hi = this.played - 1;
    if (hi < 0 || t < (this.feedTimes[0] as number)) return Math.round(this.startWall);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.feedTimes[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return Math.round(this.wallTimes[lo] as number);
  }

  private grow(): void {
    const feed = new Float64Array(this.feedTimes.length * 2);
    const wall = new Float64Array(this.wallTimes.length * 2);
    feed.set(this.feedTimes);
    wall.set(this.wallTimes);
    this.feedTimes = feed;
    this.wallTimes = wall;
  }
}
