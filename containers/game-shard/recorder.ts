import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { FeedLine } from '#domain/feed/events';

export interface Recorder {
  /** Appends one raw message as a JSONL line; never blocks the feed (the stream buffers). */
  record(line: FeedLine): void;
  /** Writes out what is buffered and closes the file. */
  drain(): Promise<void>;
  /** Lines handed to `record` so far. */
  lines(): number;
}

/**
 * Record mode: every raw message with its receive time as `{"t","source","path"?,"raw"}` per line, appended to `path`,
 * the same format a replay (`--feed`) reads, so a live session can be replayed message for message.
 */
export function createRecorder(path: string): Recorder {
  const stream = createWriteStream(path, { flags: 'a', encoding: 'utf8' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  let count = 0;
  return {
    record: (line) => {
      count += 1;
      const out: FeedLine = {
        t: line.t,
        source: line.source,
        ...(line.path === undefined ? {} : { path: line.path }),
        raw: line.raw,
      };
      stream.write(`${JSON.stringify(out)}\n`);
    },
    drain: async () => {
      if (!stream.closed) {
        stream.end();
        await once(stream, 'close');
      }
      if (failure) throw failure;
    },
    lines: () => count,
  };
}
