import { describe, expect, test } from "bun:test";
import { createApiKey, getApiKey } from "../identity/api-keys-service.ts";
import { TEST_ACTOR, TEST_ORG, testCoreDeps } from "../testing/core-deps.ts";
import { patKeyUpdateSchema } from "./schema.ts";
import {
  createPatKey,
  getPatKey,
  PAT_ROTATION_OVERLAP_MS,
  rotatePatKey,
  updatePatKey,
} from "./service.ts";
import { findPatKey } from "./store.ts";

const OLD = "sk-ant-api03-old-key-00000000000";
const NEW = "sk-ant-api03-new-key-11111111111";

describe("PAT keys", () => {
  test("rotation makes a successor with the same limits and moves bound org keys to it", () => {
    const { deps, clock } = testCoreDeps();
    const old = createPatKey(deps, TEST_ACTOR, {
      label: "Prod",
      key: OLD,
      max_tokens_per_request: 4000,
    });
    const orgKey = createApiKey(deps, TEST_ACTOR, { name: "app", pat_key_id: old.id });

    const successor = rotatePatKey(deps, TEST_ACTOR, old.id, NEW);

    expect(successor).toMatchObject({ label: "Prod", status: "ACTIVE" });
    expect(successor.key_hint).toBe("sk-ant-…1111");
    expect(successor.max_tokens_per_request).toBe(4000);
    expect(getPatKey(deps, TEST_ORG, old.id)).toMatchObject({
      status: "ROTATED",
      expires_at: new Date(clock.now() + PAT_ROTATION_OVERLAP_MS).toISOString(),
    });
    expect(getApiKey(deps, TEST_ORG, orgKey.id).pat_key_id).toBe(successor.id);
    const row = findPatKey(deps.db, TEST_ORG, successor.id);
    expect(
      row &&
        deps.vault.open(
          { orgId: TEST_ORG, table: "pat_keys", rowId: successor.id, column: "secret" },
          row.secret,
        ),
    ).toBe(NEW);
  });

  test("a rotated key's month still counts against its successor's spend cap", async () => {
    const { deps, clock } = testCoreDeps();
    const { insertUsageRecord } = await import("../audit/usage-store.ts");
    const { patKeyAccount } = await import("../metering/store.ts");
    const old = createPatKey(deps, TEST_ACTOR, {
      label: "Prod",
      key: OLD,
      monthly_spend_cap_usd: 10,
    });
    insertUsageRecord(deps.db, {
      auditId: "aud_1",
      orgId: TEST_ORG,
      ts: clock.now(),
      product: "pat",
      patKeyId: old.id,
      model: "claude-sonnet-4-5",
      statusCode: 200,
      outcome: "completed",
      inputTokens: 1,
      outputTokens: 1,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
      durationMs: 1,
      costUsd: 4,
      reservedUsd: 0,
    });

    const successor = rotatePatKey(deps, TEST_ACTOR, old.id, NEW);
    const row = findPatKey(deps.db, TEST_ORG, successor.id);
    const month = { start: clock.now() - 1000, end: clock.now() + 1000 };

    expect(row?.lineageId).toBe(old.id);
    expect(patKeyAccount(deps.db, row?.lineageId ?? "", month.start, month.end).spentUsd).toBe(4);
  });

  test("only an ACTIVE key can be rotated, and the change log never holds either key", () => {
    const { deps } = testCoreDeps();
    const old = createPatKey(deps, TEST_ACTOR, { label: "Prod", key: OLD });
    rotatePatKey(deps, TEST_ACTOR, old.id, NEW);

    expect(() => rotatePatKey(deps, TEST_ACTOR, old.id, NEW)).toThrow(/ROTATED, not ACTIVE/);
    const log = JSON.stringify(deps.sqlite.query("SELECT * FROM change_log").all());
    expect(log).toContain("pat_key.rotated");
    expect(log).not.toContain(OLD);
    expect(log).not.toContain(NEW);
  });

  test("an empty model allowlist means every model, stored as null", () => {
    const { deps } = testCoreDeps();
    const key = createPatKey(deps, TEST_ACTOR, {
      label: "p",
      key: OLD,
      model_allowlist: ["claude-haiku-4-5"],
    });

    const input = patKeyUpdateSchema.parse({ model_allowlist: [] });
    const cleared = updatePatKey(deps, TEST_ACTOR, key.id, input);

    expect(cleared.model_allowlist).toBeNull();
  });
});
