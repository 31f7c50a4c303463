import type { FeedSource } from '#domain/feed/events';

/** A venue or game-feed message that does not parse: counted per venue, never a crash. */
export class FeedParseError extends Error {
  readonly source: FeedSource;
  /** The start of the offending text, for the sampled WARN log. */
  readonly preview: string;

  constructor(source: FeedSource, reason: string, raw: string) {
    super(`${source}: ${reason}`);
    this.name = 'FeedParseError';
    this.source = source;
    this.preview = raw.slice(0, 200);
  }
}
