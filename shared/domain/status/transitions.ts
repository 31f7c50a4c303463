/**
 * A state machine as a table of allowed moves: `table[from]` lists every status `from` may move to. A move not in
 * the table is an error, so a new status or move is one line here and every caller sees it.
 */
export type TransitionTable<S extends string> = { readonly [From in S]: readonly S[] };

export class InvalidTransitionError<S extends string = string> extends Error {
  override readonly name = 'InvalidTransitionError';
  constructor(
    readonly machine: string,
    readonly from: S,
    readonly to: S,
  ) {
    super(`${machine}: ${from} -> ${to} is not an allowed transition`);
  }
}

export interface StateMachine<S extends string> {
  readonly name: string;
  readonly statuses: readonly S[];
  readonly table: TransitionTable<S>;
  canTransition(from: S, to: S): boolean;
  /** Throws `InvalidTransitionError` unless `from -> to` is in the table. */
  assertTransition(from: S, to: S): void;
  /** Every status that may move to `to`: what a conditional `UPDATE ... WHERE status = ANY(...)` matches. */
  sourcesOf(to: S): S[];
  isTerminal(status: S): boolean;
}

export function stateMachine<S extends string>(name: string, table: TransitionTable<S>): StateMachine<S> {
  const statuses = Object.keys(table) as S[];
  const canTransition = (from: S, to: S) => table[from]?.includes(to) ?? false;
  return {
    name,
    statuses,
    table,
    canTransition,
    assertTransition(from, to) {
      if (!canTransition(from, to)) throw new InvalidTransitionError(name, from, to);
    },
    sourcesOf: (to) => statuses.filter((from) => canTransition(from, to)),
    isTerminal: (status) => table[status].length === 0,
  };
}
