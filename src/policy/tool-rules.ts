/**
 * A role's tool rules: patterns (`zendesk__list_tickets`, `zendesk__*`, `*`) mapped to allow or
 * deny. The most specific matching pattern wins: an exact name beats any wildcard, and among
 * wildcards the one with more literal characters wins; on a tie, deny wins. A tool that no
 * pattern matches is denied.
 */

export type ToolEffect = "allow" | "deny";

interface CompiledRule {
  pattern: string;
  effect: ToolEffect;
  exact: boolean;
  literalLength: number;
  matcher: RegExp;
}

export interface ToolRuleSet {
  decide(tool: string): { effect: ToolEffect; pattern: string | null };
}

export const TOOL_PATTERN = /^[A-Za-z0-9_.*-]{1,128}$/;

export function compileToolRules(rules: Record<string, ToolEffect>): ToolRuleSet {
  const compiled = Object.entries(rules).map(([pattern, effect]) => compileRule(pattern, effect));
  compiled.sort(bySpecificity);

  return {
    decide(tool) {
      const rule = compiled.find((candidate) => candidate.matcher.test(tool));
      return rule
        ? { effect: rule.effect, pattern: rule.pattern }
        : { effect: "deny", pattern: null };
    },
  };
}

function compileRule(pattern: string, effect: ToolEffect): CompiledRule {
  const exact = !pattern.includes("*");
  const escaped = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, "\\$&"))
    .join(".*");
  return {
    pattern,
    effect,
    exact,
    literalLength: pattern.replaceAll("*", "").length,
    matcher: new RegExp(`^${escaped}$`),
  };
}

function bySpecificity(a: CompiledRule, b: CompiledRule): number {
  if (a.exact !== b.exact) return a.exact ? -1 : 1;
  if (a.literalLength !== b.literalLength) return b.literalLength - a.literalLength;
  if (a.effect !== b.effect) return a.effect === "deny" ? -1 : 1;
  return 0;
}
