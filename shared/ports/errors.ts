/**
 * Failures a store reports in the application's terms, whatever the store is: adapters translate their driver's
 * codes into these where the call happens, so callers (the HTTP error handler among them) never read a SQLSTATE.
 * `cause` keeps the driver's error for the logs.
 */

/** The write conflicts with a record already stored (a unique key taken). */
export class ConflictError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConflictError';
  }
}

/** The store refused a value as malformed: input that slipped past validation, such as a forged cursor key. */
export class InvalidInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidInputError';
  }
}

/** The store is unreachable or going away: retrying later may succeed. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
