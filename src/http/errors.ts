// The one error model: every failure leaves the service as { error: { code, message, requestId } } with the status
// from this table, rendered in one place (app.ts onError).

export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  MALFORMED_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_READY: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail { index?: number; field: string; message: string }

export class ApiError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly details?: ErrorDetail[], readonly retryAfterSeconds?: number) {
    super(message);
    this.name = "ApiError";
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }

  toBody(requestId: string): { error: { code: ErrorCode; message: string; requestId: string; details?: ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, requestId, ...(this.details ? { details: this.details } : {}) } };
  }
}
