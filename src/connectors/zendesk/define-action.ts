/**
 * Builds a `ConnectorAction` from a zod input schema and a typed handler. The arguments are
 * parsed here even when the MCP layer already validated them, because the handler's types rest
 * on this parse and the defaults and trimming it applies.
 */
import type { z } from "zod";
import { describeIssues } from "../../lib/zod-issues.ts";
import type { ActionOutcome, ConnectorAction } from "../types.ts";
import type { Failure, ZendeskContext, ZendeskResult } from "./client.ts";

export interface ActionSpec<Input extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: Input;
  readOnly: boolean;
  destructive: boolean;
  run(args: z.output<Input>, context: ZendeskContext): Promise<ActionOutcome>;
}

export function defineAction<Input extends z.ZodObject>(spec: ActionSpec<Input>): ConnectorAction {
  const { run, ...catalog } = spec;
  return {
    ...catalog,
    async run({ args, ...context }) {
      const parsed = spec.input.safeParse(args);
      if (!parsed.success) {
        return { ok: false, message: `Invalid arguments: ${describeIssues(parsed.error)}` };
      }
      return run(parsed.data, context);
    },
  };
}

/** Passes a failure on, or turns a success into the action's data. */
export function outcome<T>(result: ZendeskResult<T>, toData: (body: T) => unknown): ActionOutcome {
  if (!result.ok) return result satisfies Failure;
  return { ok: true, data: toData(result.body) };
}
