import { describe, expect, test } from "bun:test";
import { decideMessages, decideToolCall } from "./decide.ts";
import { buildPermissions } from "./permissions.ts";
import { compileToolRules } from "./tool-rules.ts";

const supportAgent = buildPermissions([
  {
    id: "rol_support",
    name: "Support",
    tools: compileToolRules({ zendesk__list_tickets: "allow", "zendesk__*": "deny" }),
    models: new Set(["claude-sonnet-4-5-20250929", "claude-haiku-4-5"]),
  },
]);
const noLimits = { modelAllowlist: null, maxTokensPerRequest: null };

describe("tool call decisions", () => {
  test("allow names the matching rule; deny carries the contract's reason and sentence", () => {
    expect(decideToolCall(supportAgent, "zendesk__list_tickets")).toEqual({
      allowed: true,
      rule: "zendesk__list_tickets",
    });
    expect(decideToolCall(supportAgent, "zendesk__delete_ticket")).toEqual({
      allowed: false,
      reason: "tool_denied",
      message: "Tool 'zendesk__delete_ticket' is denied for your role",
      rule: "zendesk__*",
    });
  });

  test("a principal with no role may call no tool", () => {
    expect(decideToolCall(buildPermissions([]), "zendesk__list_tickets").allowed).toBe(false);
  });
});

describe("messages decisions", () => {
  test("the PAT key's allowlist refuses other models", () => {
    const limits = { modelAllowlist: ["claude-haiku-4-5"], maxTokensPerRequest: null };

    const decision = decideMessages(supportAgent, limits, {
      model: "claude-sonnet-4-5-20250929",
      maxTokens: 10,
    });

    expect(decision).toMatchObject({
      allowed: false,
      reason: "model_not_allowed",
      message: "Access denied: model 'claude-sonnet-4-5-20250929' is not in your allowlist",
    });
  });

  test("a role's model list also applies; an empty PAT allowlist allows all", () => {
    const limits = { modelAllowlist: [], maxTokensPerRequest: null };

    expect(
      decideMessages(supportAgent, limits, { model: "claude-haiku-4-5", maxTokens: 1 }).allowed,
    ).toBe(true);
    expect(
      decideMessages(supportAgent, noLimits, { model: "claude-opus-4-1", maxTokens: 1 }),
    ).toMatchObject({
      allowed: false,
      rule: "role.models",
    });
  });

  test("max_tokens above the PAT key's limit is refused", () => {
    const limits = { modelAllowlist: null, maxTokensPerRequest: 4000 };

    const decision = decideMessages(buildPermissions([]), limits, { model: "m", maxTokens: 4001 });

    expect(decision).toMatchObject({ allowed: false, reason: "max_tokens_exceeded" });
    expect(
      decideMessages(buildPermissions([]), limits, { model: "m", maxTokens: 4000 }).allowed,
    ).toBe(true);
  });
});
