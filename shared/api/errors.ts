/**
 * Errors the API turns into DESIGN.md section 7 responses. Services throw these; the handler's error middleware maps
 * them to `{ error: { code, message, details } }` with their status. Anything else is an internal failure.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, details: readonly unknown[] = []) =>
  new ApiError(400, 'invalid_request', message, details);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
export const unavailable = (message: string) => new ApiError(503, 'unavailable', message);
