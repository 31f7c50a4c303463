/** Market matching: the team alias table, the venues' identifiers read as games, and the pairing of markets. */
export * from './identifiers.ts';
export * from './match.ts';
export * from './sportsbook-events.ts';
export * from './team-aliases.ts';
