import { describe, expect, test } from "bun:test";
import { readClaudeRequestFacts } from "./claude-request-facts.ts";

const bytes = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

describe("request facts for policy", () => {
  test("a message request yields its model and max_tokens", () => {
    const facts = readClaudeRequestFacts(
      "POST",
      "/v1/messages",
      bytes({ model: "m", max_tokens: 5 }),
    );

    expect(facts).toEqual({
      type: "messages",
      requests: [{ model: "m", maxTokens: 5, bytes: 28 }],
    });
  });

  test("a message batch yields every request in it, so none escapes the allowlist", () => {
    const body = {
      requests: [
        { custom_id: "a", params: { model: "m1", max_tokens: 1, messages: [] } },
        { custom_id: "b", params: { model: "m2", max_tokens: 2, messages: [] } },
      ],
    };

    const facts = readClaudeRequestFacts("POST", "/v1/messages/batches", bytes(body));

    expect(facts.type).toBe("batch");
    // Each request is sized by its own params, so one huge prompt cannot hide among small ones.
    expect(facts.requests.map((request) => request.bytes)).toEqual(
      body.requests.map((request) => JSON.stringify(request.params).length),
    );
    expect(facts.requests.map((request) => request.model)).toEqual(["m1", "m2"]);
  });

  test("malformed bodies name the field; reads of other paths carry no facts", () => {
    expect(() => readClaudeRequestFacts("POST", "/v1/messages", bytes({ max_tokens: 1 }))).toThrow(
      "model: expected a string",
    );
    expect(() =>
      readClaudeRequestFacts(
        "POST",
        "/v1/messages/batches",
        bytes({ requests: [{ params: { model: 3 } }] }),
      ),
    ).toThrow("requests.0.params.model: expected a string");
    expect(readClaudeRequestFacts("GET", "/v1/models", null)).toEqual({
      type: "proxy",
      requests: [],
    });
  });
});
