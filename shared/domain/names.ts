/**
 * The closed sets every layer names: one definition each. Schemas (`z.enum(tradingModes)`), SQL CHECKs and types
 * all take them from here.
 */
export const tradingModes = ['paper', 'live'] as const;
/** Paper fills against the book a candidate saw; live sends orders to the venues. */
export type TradingMode = (typeof tradingModes)[number];

export const venues = ['kalshi', 'polymarket'] as const;
export type Venue = (typeof venues)[number];

export const sides = ['yes', 'no'] as const;
export type Side = (typeof sides)[number];

export const gameStatuses = ['scheduled', 'in_progress', 'final', 'postponed', 'cancelled'] as const;
export type GameStatus = (typeof gameStatuses)[number];
