/**
 * One authenticated call to Zendesk Support API v2 and the mapping of its failures to action
 * outcomes. Zendesk accepts `Basic base64("{email}/token:{api_token}")` or `Bearer {oauth_token}`
 * (developer.zendesk.com/api-reference/introduction/security-and-auth). Every failure message
 * passes through `redact`, so a token Zendesk might echo never reaches the model or a log.
 */
import type { z } from "zod";
import { KestraError } from "../../lib/errors.ts";
import { type HttpMethod, type HttpResponse, retryAfterSeconds } from "../../lib/http-client.ts";
import { describeIssues } from "../../lib/zod-issues.ts";
import type { ActionCall, ActionOutcome } from "../types.ts";
import { errorAnswerSchema, type ZendeskCredentials, zendeskCredentialsSchema } from "./schema.ts";

export type Failure = Extract<ActionOutcome, { ok: false }>;
export type ZendeskResult<T> = { ok: true; status: number; body: T } | Failure;
export type ZendeskContext = Omit<ActionCall<unknown>, "args">;

export interface ZendeskRequest<T> {
  method: HttpMethod;
  /** Below `/api/v2`, for example `/tickets/7.json`. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  /** Parses a 2xx body; an empty body (204) is parsed as `undefined`. */
  answer: z.ZodType<T>;
  /** The 404 message, naming what was looked for. */
  notFound?: string;
}

const DETAIL_LIMIT = 300;

export async function callZendesk<T>(
  context: ZendeskContext,
  request: ZendeskRequest<T>,
): Promise<ZendeskResult<T>> {
  const parsed = zendeskCredentialsSchema.safeParse(context.config.credentials);
  if (!parsed.success) {
    return {
      ok: false,
      message: `Stored Zendesk credentials are invalid: ${describeIssues(parsed.error)}`,
    };
  }
  const secrets = secretsOf(parsed.data);
  try {
    const response = await context.http.request({
      method: request.method,
      url: buildUrl(context.config.baseUrl, request.path, request.query),
      headers: { authorization: authorizationHeader(parsed.data) },
      json: request.json,
      signal: context.signal,
    });
    const result = readAnswer(response, request);
    return result.ok ? result : { ...result, message: redact(result.message, secrets) };
  } catch (error) {
    if (!(error instanceof KestraError)) throw error;
    return { ok: false, status: error.status, message: redact(error.message, secrets) };
  }
}

function authorizationHeader(credentials: ZendeskCredentials): string {
  if (credentials.oauth_token !== undefined) return `Bearer ${credentials.oauth_token}`;
  const pair = `${credentials.email}/token:${credentials.api_token}`;
  return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
}

function buildUrl(baseUrl: string, path: string, query?: Record<string, string>): string {
  // Keys are our own constants such as `page[size]`; values are encoded so a search query's
  // spaces and colons reach Zendesk as %20 and %3A.
  const search = Object.entries(query ?? {})
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join("&");
  return `${baseUrl.replace(/\/+$/, "")}/api/v2${path}${search ? `?${search}` : ""}`;
}

function readAnswer<T>(response: HttpResponse, request: ZendeskRequest<T>): ZendeskResult<T> {
  if (response.status < 200 || response.status > 299) return describeFailure(response, request);
  const body = request.answer.safeParse(response.text === "" ? undefined : response.json());
  if (!body.success) {
    return { ok: false, status: 502, message: "Zendesk answered in an unexpected shape" };
  }
  return { ok: true, status: response.status, body: body.data };
}

function describeFailure(response: HttpResponse, request: { notFound?: string }): Failure {
  if (response.status === 429) return rateLimited(response);
  return {
    ok: false,
    status: response.status,
    message: failureMessage(response, request.notFound),
  };
}

function failureMessage(response: HttpResponse, notFound: string | undefined): string {
  const { status } = response;
  const detail = errorDetail(response);
  const withDetail = (text: string) => (detail ? `${text}: ${detail}` : text);

  if (status === 401) return "Zendesk rejected the credentials (401)";
  if (status === 403) return withDetail("Zendesk denied this to the connector's user (403)");
  if (status === 404) return notFound ?? withDetail("Zendesk found nothing here (404)");
  if (status === 422) return withDetail("Zendesk refused the change (422)");
  if (status >= 500) return `Zendesk is unavailable (${status}); try again later`;
  return withDetail(`Zendesk answered ${status}`);
}

function rateLimited(response: HttpResponse): Failure {
  const seconds = retryAfterSeconds(response.headers);
  const when = seconds === undefined ? "later" : `in ${seconds} s`;
  const failure: Failure = {
    ok: false,
    status: 429,
    message: `Zendesk's API rate limit was reached (429); try again ${when}`,
  };
  if (seconds !== undefined) failure.retryAfterSeconds = seconds;
  return failure;
}

/** Zendesk's own words from an error body: description, then each field's details. */
function errorDetail(response: HttpResponse): string {
  let body: unknown;
  try {
    body = response.json();
  } catch {
    return "";
  }
  const parsed = errorAnswerSchema.safeParse(body);
  if (!parsed.success) return "";

  const { error, description, details } = parsed.data;
  const fieldTexts = Object.values(details ?? {}).flatMap((items) =>
    items.flatMap((item) => (item.description ? [item.description] : [])),
  );
  const headline =
    typeof error === "object" ? (error.message ?? error.title) : (description ?? error);
  const text = [headline, ...fieldTexts].filter(Boolean).join("; ");
  return text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT)}…` : text;
}

function secretsOf(credentials: ZendeskCredentials): string[] {
  return [credentials.api_token, credentials.oauth_token].filter(
    (value): value is string => value !== undefined,
  );
}

function redact(message: string, secrets: readonly string[]): string {
  return secrets.reduce((text, value) => text.replaceAll(value, "[redacted]"), message);
}
