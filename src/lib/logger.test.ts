import { describe, expect, test } from "bun:test";
import { createMemoryLogger } from "./logger.ts";

describe("logger", () => {
  test("writes one JSON line per call with bound fields", () => {
    const logger = createMemoryLogger("info");

    logger.child({ request_id: "req_1" }).info("request", { status: 200 });
    logger.debug("hidden below the level");

    expect(logger.lines).toHaveLength(1);
    expect(JSON.parse(logger.lines[0] ?? "{}")).toMatchObject({
      level: "info",
      msg: "request",
      request_id: "req_1",
      status: 200,
    });
  });

  test("replaces secret-looking fields at any depth", () => {
    const logger = createMemoryLogger();

    logger.warn("oops", {
      headers: { authorization: "Bearer sk-ant-secret", "x-api-key": "org_secret" },
      credentials: { api_token: "zd-secret" },
      nested: [{ password: "hunter2" }],
    });

    const line = logger.lines[0] ?? "";
    for (const secret of ["sk-ant-secret", "org_secret", "zd-secret", "hunter2"]) {
      expect(line).not.toContain(secret);
    }
  });
});
