import cliProgress from 'cli-progress';
import { formatDollars } from '#domain';

export interface ProgressSnapshot {
  /** 0..1 through the feed. */
  fraction: number;
  messages: number;
  candidates: number;
  accepted: number;
  rejected: number;
  openPositions: number;
  bankrollMicros: number;
}

export interface ProgressView {
  update(s: ProgressSnapshot): void;
  /** Leaves the bar (or prints a last line) before the report. */
  stop(): void;
}

/**
 * A `cli-progress` bar when stdout is a terminal; otherwise one plain line per update (the caller updates every
 * couple of seconds), so logs and CI output stay readable.
 */
export function progressView(stream: NodeJS.WriteStream = process.stdout): ProgressView {
  const fields = (s: ProgressSnapshot) => ({
    messages: s.messages,
    candidates: s.candidates,
    accepted: s.accepted,
    rejected: s.rejected,
    open: s.openPositions,
    bankroll: formatDollars(s.bankrollMicros),
  });
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format:
          'evening |{bar}| {percentage}% | {messages} msgs | {candidates} candidates | accepted {accepted} rejected {rejected} | open {open} | bankroll {bankroll}',
        hideCursor: true,
        stream,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (s) => {
        const value = Math.round(s.fraction * 1000);
        if (!started) {
          bar.start(1000, value, fields(s));
          started = true;
        } else bar.update(value, fields(s));
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let last: ProgressSnapshot | undefined;
  const line = (s: ProgressSnapshot) => {
    const f = fields(s);
    stream.write(
      `progress ${(s.fraction * 100).toFixed(0).padStart(3)}%  messages ${f.messages}  candidates ${f.candidates}  accepted ${f.accepted}  rejected ${f.rejected}  open ${f.open}  bankroll ${f.bankroll}\n`,
    );
  };
  return {
    update: (s) => {
      last = s;
      line(s);
    },
    stop: () => {
      if (last && last.fraction < 1) line({ ...last });
    },
  };
}
