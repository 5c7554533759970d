import { describe, expect, test } from "bun:test";
import { compileToolRules } from "./tool-rules.ts";

describe("tool rules", () => {
  test("an exact allow beats a connector-wide deny", () => {
    const rules = compileToolRules({ zendesk__list_tickets: "allow", "zendesk__*": "deny" });

    expect(rules.decide("zendesk__list_tickets")).toEqual({
      effect: "allow",
      pattern: "zendesk__list_tickets",
    });
    expect(rules.decide("zendesk__delete_ticket")).toEqual({
      effect: "deny",
      pattern: "zendesk__*",
    });
  });

  test("the longer wildcard wins, and unmatched tools are denied", () => {
    const rules = compileToolRules({ "*": "deny", "zendesk__get_*": "allow" });

    expect(rules.decide("zendesk__get_ticket").effect).toBe("allow");
    expect(rules.decide("slack__post_message").effect).toBe("deny");
    expect(compileToolRules({}).decide("zendesk__get_ticket")).toEqual({
      effect: "deny",
      pattern: null,
    });
  });

  test("dots and dashes in patterns are literal, not regex syntax", () => {
    const rules = compileToolRules({ "a.b__x": "allow" });

    expect(rules.decide("a.b__x").effect).toBe("allow");
    expect(rules.decide("aXb__x").effect).toBe("deny");
  });
});
