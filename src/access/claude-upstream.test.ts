import { describe, expect, test } from "bun:test";
import { relayedResponseHeaders, upstreamRequestHeaders } from "./claude-upstream.ts";

describe("upstream request headers", () => {
  const incoming = new Headers({
    "x-api-key": "org_client_key",
    authorization: "Bearer eyJ.idp.token",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "prompt-caching-2024-07-31,tools-2024-04-04",
    "content-type": "application/json",
    "x-claude-code-session-id": "abc",
    host: "fortress.local",
    connection: "keep-alive",
    "content-length": "12",
    cookie: "session=1",
  });

  test("the PAT replaces every client credential, in the header style the client used", () => {
    const asKey = upstreamRequestHeaders(incoming, "sk-ant-real", "x-api-key");
    const asBearer = upstreamRequestHeaders(incoming, "sk-ant-real", "bearer");

    expect(asKey.get("x-api-key")).toBe("sk-ant-real");
    expect(asKey.get("authorization")).toBeNull();
    expect(asBearer.get("authorization")).toBe("Bearer sk-ant-real");
    expect(asBearer.get("x-api-key")).toBeNull();
  });

  test("anthropic-* and other end-to-end headers pass; hop-by-hop and cookies do not", () => {
    const headers = upstreamRequestHeaders(incoming, "sk-ant-real", "x-api-key");

    expect(headers.get("anthropic-version")).toBe("2023-06-01");
    expect(headers.get("anthropic-beta")).toBe("prompt-caching-2024-07-31,tools-2024-04-04");
    expect(headers.get("x-claude-code-session-id")).toBe("abc");
    for (const dropped of ["host", "connection", "content-length", "cookie"]) {
      expect(headers.get(dropped)).toBeNull();
    }
  });
});

describe("relayed response headers", () => {
  test("keep request-id, anthropic-* and retry-after, add ours, drop stale framing", () => {
    const upstream = new Headers({
      "request-id": "req_011C",
      "anthropic-organization-id": "org-uuid",
      "anthropic-ratelimit-requests-remaining": "999",
      "retry-after": "7",
      "content-type": "application/json",
      "content-encoding": "gzip",
      "content-length": "100",
    });

    const headers = relayedResponseHeaders(upstream, "req_kestra");

    expect(headers.get("request-id")).toBe("req_011C");
    expect(headers.get("anthropic-organization-id")).toBe("org-uuid");
    expect(headers.get("anthropic-ratelimit-requests-remaining")).toBe("999");
    expect(headers.get("retry-after")).toBe("7");
    expect(headers.get("x-kestra-request-id")).toBe("req_kestra");
    expect(headers.get("content-encoding")).toBeNull();
    expect(headers.get("content-length")).toBeNull();
  });
});
