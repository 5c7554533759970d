/**
 * The one error vocabulary of Kestra Fortress. Services throw `KestraError`; exactly one place
 * (`toErrorResponse`) turns it into the contract's envelope, which is Anthropic's error shape
 * plus `code` and `reason`, so Anthropic SDKs surface our message unchanged.
 */

export const ERROR_STATUS = {
  invalid_request_error: 400,
  authentication_error: 401,
  policy_denied: 403,
  device_noncompliant: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  upstream_error: 502,
  upstream_timeout: 504,
} as const;

export type ErrorType = keyof typeof ERROR_STATUS;

export type PolicyReason =
  | "model_not_allowed"
  | "max_tokens_exceeded"
  | "spend_cap_reached"
  | "tool_denied"
  | "ip_not_allowed"
  | "outside_time_window"
  | "sso_required"
  | "tier_feature";

export interface KestraErrorOptions {
  reason?: PolicyReason;
  retryAfterSeconds?: number;
  deviceId?: string;
  cause?: unknown;
}

export class KestraError extends Error {
  readonly type: ErrorType;
  readonly status: number;
  readonly reason: PolicyReason | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly deviceId: string | undefined;

  constructor(type: ErrorType, message: string, options: KestraErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "KestraError";
    this.type = type;
    this.status = ERROR_STATUS[type];
    this.reason = options.reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.deviceId = options.deviceId;
  }
}

export const invalidRequest = (message: string) =>
  new KestraError("invalid_request_error", message);
export const unauthenticated = (message: string) =>
  new KestraError("authentication_error", message);
export const notFound = (what: string) => new KestraError("not_found_error", `${what} not found`);
export const conflict = (message: string) => new KestraError("conflict_error", message);
export const upstreamError = (message: string, cause?: unknown) =>
  new KestraError("upstream_error", message, { cause });
export const upstreamTimeout = (message: string) => new KestraError("upstream_timeout", message);

/** The fixed text of every 500: the detail goes to the log with the request id, never out. */
export const INTERNAL_ERROR_MESSAGE = "Internal error; see the server log for this request id";

export interface ErrorBody {
  type: "error";
  error: {
    type: ErrorType;
    message: string;
    code: number;
    reason?: PolicyReason;
    device_id?: string;
  };
  request_id: string;
}

/** Maps any thrown value to the contract's error body; unknown errors become a fixed 500. */
export function toErrorBody(error: unknown, requestId: string): ErrorBody {
  const known = error instanceof KestraError ? error : undefined;
  const type = known?.type ?? "api_error";
  const body: ErrorBody = {
    type: "error",
    error: {
      type,
      message: known && type !== "api_error" ? known.message : INTERNAL_ERROR_MESSAGE,
      code: ERROR_STATUS[type],
    },
    request_id: requestId,
  };
  if (known?.reason) body.error.reason = known.reason;
  if (known?.deviceId) body.error.device_id = known.deviceId;
  return body;
}

export function toErrorResponse(error: unknown, requestId: string): Response {
  const body = toErrorBody(error, requestId);
  // `request-id` is where Anthropic SDKs look for an error's id (`err.requestID`).
  const headers = new Headers({
    "content-type": "application/json",
    "x-kestra-request-id": requestId,
    "request-id": requestId,
  });
  if (error instanceof KestraError && error.retryAfterSeconds !== undefined) {
    headers.set("retry-after", String(error.retryAfterSeconds));
  }
  return new Response(JSON.stringify(body), { status: body.error.code, headers });
}
