import { describe, expect, it } from 'vitest';
import { JOB_STATUSES, type JobStatus, jobStatus } from '#domain/status/jobs';
import { SESSION_STATUSES, type SessionStatus, sessionStatus } from '#domain/status/sessions';
import { InvalidTransitionError, type StateMachine } from '#domain/status/transitions';

/** The intended moves, written out pair by pair: every other pair of the machine's statuses must be refused. */
const allowedJobMoves: ReadonlyArray<[JobStatus, JobStatus]> = [
  ['queued', 'running'],
  ['queued', 'cancelled'],
  ['running', 'succeeded'],
  ['running', 'failed'],
  ['running', 'cancelled'],
];
const allowedSessionMoves: ReadonlyArray<[SessionStatus, SessionStatus]> = [
  ['active', 'paused'],
  ['active', 'revoked'],
  ['active', 'expired'],
  ['paused', 'active'],
  ['paused', 'revoked'],
  ['paused', 'expired'],
];

function everyPair<S extends string>(statuses: readonly S[]): Array<[S, S]> {
  return statuses.flatMap((from) => statuses.map((to) => [from, to] as [S, S]));
}

describe.each([
  ['job status', jobStatus as StateMachine<string>, JOB_STATUSES as readonly string[], allowedJobMoves],
  ['session status', sessionStatus as StateMachine<string>, SESSION_STATUSES as readonly string[], allowedSessionMoves],
] as const)('%s table', (_name, machine, statuses, allowed) => {
  const isAllowed = (from: string, to: string) => allowed.some(([f, t]) => f === from && t === to);

  it('is keyed by exactly the listed statuses', () => {
    expect([...machine.statuses].sort()).toEqual([...statuses].sort());
  });

  it.each(everyPair(statuses))('%s -> %s is allowed only if listed', (from, to) => {
    expect(machine.canTransition(from, to)).toBe(isAllowed(from, to));
    if (isAllowed(from, to)) {
      expect(() => machine.assertTransition(from, to)).not.toThrow();
    } else {
      expect(() => machine.assertTransition(from, to)).toThrow(InvalidTransitionError);
      expect(() => machine.assertTransition(from, to)).toThrow(`${from} -> ${to} is not an allowed transition`);
    }
  });

  it('lists as sources of each status exactly the statuses allowed to move into it', () => {
    for (const to of statuses) {
      expect(machine.sourcesOf(to)).toEqual(statuses.filter((from) => isAllowed(from, to)));
    }
  });

  it('calls terminal exactly the statuses with no way out', () => {
    for (const status of statuses) {
      expect(machine.isTerminal(status)).toBe(!allowed.some(([from]) => from === status));
    }
  });
});

describe('status machines', () => {
  it('refuse a status they do not know', () => {
    expect(jobStatus.canTransition('archived' as JobStatus, 'queued')).toBe(false);
    expect(() => sessionStatus.assertTransition('active', 'suspended' as SessionStatus)).toThrow(
      InvalidTransitionError,
    );
  });
  it('never let a finished job or an ended session start again', () => {
    for (const status of ['succeeded', 'failed', 'cancelled'] as const) expect(jobStatus.isTerminal(status)).toBe(true);
    expect(sessionStatus.isTerminal('revoked')).toBe(true);
    expect(sessionStatus.isTerminal('expired')).toBe(true);
  });
});
