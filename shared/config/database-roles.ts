/**
 * One Postgres role per component that talks to the database (issue 15): the one place the CDK app (a secret per
 * role), the migrate function (sets each role's password), the pool (logs in as, or locally switches to, the role)
 * and the tests read. Migration 0400_component_roles.sql creates exactly these roles and their grants; the
 * migrations themselves run as the master user, which owns every table.
 *
 * Roles are cluster-wide and shared by every database of a server (every test file's database, every run on a
 * shared Postgres): the `sharpline_` prefix keeps them apart from anything else there, they are created once and
 * never altered or dropped by migrations or tests, and everything that varies lives per database (the grants).
 */
export const databaseRoles = {
  api: 'sharpline_api',
  evaluator: 'sharpline_evaluator',
  settlement: 'sharpline_settlement',
  retention: 'sharpline_retention',
  gameShard: 'sharpline_game_shard',
  browserWorker: 'sharpline_browser_worker',
  /** Live executors (migration 0700): orders, attempts, fills, live positions and bankroll. */
  executor: 'sharpline_executor',
} as const;

export type DatabaseComponent = keyof typeof databaseRoles;
export type DatabaseRole = (typeof databaseRoles)[DatabaseComponent];

export const databaseComponents = Object.keys(databaseRoles) as [DatabaseComponent, ...DatabaseComponent[]];
