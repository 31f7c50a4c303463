import { createHash } from 'node:crypto';
import type { Venue } from '#domain/names';
import type { Sport } from '#domain/win-probability';

/**
 * Name-based ids (SHA-256, RFC 9562 layout with the version nibble 8): the same name always gives the same UUID, so
 * a process without a database (the shard's replay) names the rows the evaluator finds in Postgres.
 */
export function nameBasedUuid(name: readonly unknown[]): string {
  const bytes = createHash('sha256').update(JSON.stringify(name)).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The `games.id` of an ESPN event. */
export function gameIdFor(sport: Sport, espnEventId: string): string {
  return nameBasedUuid(['game', sport, espnEventId]);
}

/** The `markets.id` of a venue market (a Kalshi ticker, a Polymarket token id). */
export function marketIdFor(venue: Venue, venueMarketId: string): string {
  return nameBasedUuid(['market', venue, venueMarketId]);
}

/** The `teams.id` of a team, unique per sport by its ESPN abbreviation (as the table's key is). */
export function teamIdFor(sport: Sport, abbreviation: string): string {
  return nameBasedUuid(['team', sport, abbreviation]);
}
