import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  FAKE_ZENDESK_DEFAULTS,
  type FakeZendesk,
  startFakeZendesk,
} from "../../../test/fakes/zendesk.ts";
import { KestraError } from "../../lib/errors.ts";
import { createHttpClient, type HttpClient } from "../../lib/http-client.ts";
import { describeIssues } from "../../lib/zod-issues.ts";
import { zendeskConnector } from "./definition.ts";

const { credentials, settings, resolveBaseUrl } = zendeskConnector;

function credentialProblem(value: unknown): string {
  const parsed = credentials.safeParse(value);
  return parsed.success ? "" : describeIssues(parsed.error);
}

function resolveError(input: Parameters<typeof resolveBaseUrl>[0]): KestraError {
  try {
    resolveBaseUrl(input);
  } catch (error) {
    if (error instanceof KestraError) return error;
  }
  throw new Error("expected resolveBaseUrl to throw a KestraError");
}

describe("credentials", () => {
  test("accept an email with an API token, or an OAuth token", () => {
    expect(credentials.parse({ email: "a@example.com", api_token: " t1 " })).toEqual({
      email: "a@example.com",
      api_token: "t1",
    });
    expect(credentials.parse({ oauth_token: "o1" })).toEqual({ oauth_token: "o1" });
  });

  test("refuse mixed, missing, partial or unknown forms with a clear message", () => {
    expect(credentialProblem({ email: "a@example.com", api_token: "t", oauth_token: "o" })).toBe(
      "give either email and api_token, or oauth_token, not both",
    );
    expect(credentialProblem({})).toBe("give either email and api_token, or oauth_token");
    expect(credentialProblem({ api_token: "t" })).toBe("api_token needs the agent's email");
    expect(credentialProblem({ email: "not-an-email", api_token: "t" })).toBe(
      "email: email must be the email address of the Zendesk agent",
    );
    expect(credentialProblem({ oauth_token: "o", password: "p" })).toBe("unknown field 'password'");
    expect(credentialProblem({ oauth_token: "  " })).toBe(
      "oauth_token: oauth_token must not be empty",
    );
  });
});

describe("settings and base URL", () => {
  test("a subdomain gives https://{subdomain}.zendesk.com", () => {
    expect(resolveBaseUrl({ baseUrl: undefined, settings: { subdomain: "Acme-Support" } })).toBe(
      "https://acme-support.zendesk.com",
    );
  });

  test("a subdomain with dots, spaces or edge hyphens is refused", () => {
    for (const subdomain of ["acme.zendesk.com", "ac me", "-acme", "acme-"]) {
      expect(settings.safeParse({ subdomain }).success).toBe(false);
    }
    expect(resolveError({ baseUrl: undefined, settings: { subdomain: "a.b" } }).message).toBe(
      "Invalid Zendesk settings: settings.subdomain: subdomain must be the 'acme' of " +
        "acme.zendesk.com: letters, digits, '-'",
    );
  });

  test("base_url wins and loses a trailing slash or /api/v2", () => {
    const resolve = (baseUrl: string) => resolveBaseUrl({ baseUrl, settings: { subdomain: "x" } });

    expect(resolve("https://help.example.com/")).toBe("https://help.example.com");
    expect(resolve("http://10.0.0.5:8080/zendesk/api/v2/")).toBe("http://10.0.0.5:8080/zendesk");
  });

  test("neither, or a base_url that is not plain http(s), is an invalid request", () => {
    const neither = resolveError({ baseUrl: undefined, settings: {} });
    const withUser = resolveError({ baseUrl: "https://me:pw@acme.zendesk.com", settings: {} });

    expect(neither.type).toBe("invalid_request_error");
    expect(neither.message).toBe("A Zendesk connector needs settings.subdomain or base_url");
    expect(resolveError({ baseUrl: "ftp://acme", settings: {} }).message).toBe(
      "base_url must use https:// or http://",
    );
    expect(withUser.message).toBe("base_url must not hold credentials, a query or a fragment");
  });
});

describe("connection test", () => {
  let fake: FakeZendesk;

  beforeEach(() => {
    fake = startFakeZendesk();
  });

  afterEach(async () => {
    await fake.stop();
  });

  const testWith = (creds: Record<string, unknown>, http: HttpClient = createHttpClient()) =>
    zendeskConnector.test({
      config: { baseUrl: fake.url, credentials: creds, settings: {} },
      http,
    });

  test("passes with an API token and with an OAuth token, naming the user", async () => {
    const byToken = await testWith({
      email: FAKE_ZENDESK_DEFAULTS.email,
      api_token: FAKE_ZENDESK_DEFAULTS.apiToken,
    });
    const byOauth = await testWith({ oauth_token: FAKE_ZENDESK_DEFAULTS.oauthToken });

    const user = { id: 1001, name: "Ada Agent", email: "agent@example.com", role: "admin" };
    expect(byToken).toEqual({ ok: true, data: { user } });
    expect(byOauth).toEqual({ ok: true, data: { user } });
    expect(fake.requests.map((request) => request.path)).toEqual([
      "/api/v2/users/me.json",
      "/api/v2/users/me.json",
    ]);
  });

  test("without users/me (a 404), reading one ticket proves the credential instead", async () => {
    const noSelfEndpoint = createHttpClient({
      fetch: (url, init) =>
        url.includes("/users/me.json")
          ? Promise.resolve(Response.json({ error: "InvalidEndpoint" }, { status: 404 }))
          : fetch(url, init),
    });

    const outcome = await testWith(
      { oauth_token: FAKE_ZENDESK_DEFAULTS.oauthToken },
      noSelfEndpoint,
    );
    const failing = await testWith({ oauth_token: "expired" }, noSelfEndpoint);

    expect(outcome).toEqual({ ok: true, data: { tickets_readable: true } });
    expect(fake.requests.at(-1)?.path).toBe("/api/v2/tickets.json");
    expect(failing).toMatchObject({ ok: false, status: 401 });
  });

  test("fails on a 401", async () => {
    const outcome = await testWith({ oauth_token: "expired" });

    expect(outcome).toEqual({
      ok: false,
      status: 401,
      message: "Zendesk rejected the credentials (401)",
    });
  });

  test("fails when Zendesk answers 200 with the anonymous user", async () => {
    // A proxy that drops the credentials: Zendesk then serves users/me to an anonymous caller.
    const dropAuthorization = createHttpClient({
      fetch: (url, init) => {
        const headers = new Headers(init.headers);
        headers.delete("authorization");
        return fetch(url, { ...init, headers });
      },
    });

    const outcome = await testWith(
      { oauth_token: FAKE_ZENDESK_DEFAULTS.oauthToken },
      dropAuthorization,
    );

    expect(outcome).toEqual({
      ok: false,
      status: 401,
      message: "Zendesk treated the connector as an anonymous user; check the credentials",
    });
  });

  test("fails for an end user, who cannot work tickets", async () => {
    const endUser = JSON.stringify({
      user: { id: 5, name: "C", email: "c@example.com", role: "end-user" },
    });
    const http: HttpClient = {
      request: async () => ({
        status: 200,
        headers: new Headers(),
        text: endUser,
        json: () => JSON.parse(endUser),
      }),
    };

    const outcome = await testWith({ oauth_token: "o" }, http);

    expect(outcome.ok ? "" : outcome.message).toBe(
      "The Zendesk user is an end user; ticket actions need an agent or admin",
    );
  });
});
