/** Errors that cross the HTTP boundary: a status, a stable code screens can translate, a message. */
export class HubError extends Error {
  constructor(
    public readonly status: 400 | 401 | 403 | 404 | 408 | 409 | 422 | 429 | 500 | 503,
    public readonly code: string,
    message: string,
    public readonly field?: string,
    public readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HubError';
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}), ...this.extra } };
  }
}
