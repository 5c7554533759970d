/**
 * JSON calls against the appliance and an admin session from the bootstrap login, as a script
 * or an admin's terminal would make them.
 */
import { BOOTSTRAP_EMAIL, BOOTSTRAP_PASSWORD } from "./harness.ts";

export interface JsonAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON call against the appliance; `token` is an admin JWT. */
export async function callJson<T = unknown>(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const body = (text.length > 0 ? JSON.parse(text) : null) as T;
  return { status: response.status, headers: response.headers, body };
}

export interface AdminClient {
  token: string;
  /** Calls the admin API and fails with the answer's body unless the status is `expect`. */
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    expect?: number,
  ): Promise<T>;
}

export async function adminLogin(
  url: string,
  password = BOOTSTRAP_PASSWORD,
  email = BOOTSTRAP_EMAIL,
): Promise<AdminClient> {
  const login = await callJson<{ access_token: string }>(url, "POST", "/api/v1/auth/token", {
    body: { email, password },
  });
  if (login.status !== 200) {
    throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  }
  const token = login.body.access_token;
  return {
    token,
    async request<T>(method: string, path: string, body?: unknown, expect?: number) {
      const answer = await callJson<T>(url, method, `/api/v1${path}`, { body, token });
      const wanted = expect ?? (method === "POST" ? 201 : 200);
      if (answer.status !== wanted) {
        throw new Error(
          `${method} /api/v1${path}: expected ${wanted}, got ${answer.status} ` +
            JSON.stringify(answer.body),
        );
      }
      return answer.body;
    },
  };
}
