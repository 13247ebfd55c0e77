/** Why a route's dependency is not ready: the problem code of its 503. */
export type ServiceUnavailableCode = 'read-models-behind' | 'store-unavailable';

/**
 * A dependency of the route is not ready yet (503): `code` is the problem code, `retryAfterSeconds`
 * goes to the Retry-After header (the HTTP filter maps it; application code throws it).
 */
export class ServiceUnavailableError extends Error {
  constructor(
    readonly code: ServiceUnavailableCode,
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceUnavailableError';
  }
}
