import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS } from "./migration-files.ts";
import { applyMigrations, openDatabase } from "./open.ts";

const MIGRATIONS_DIR = join(import.meta.dir, "../../migrations");

describe("embedded migrations", () => {
  test("list every SQL file in migrations/, in order", () => {
    const onDisk = readdirSync(MIGRATIONS_DIR)
      .filter((name) => name.endsWith(".sql"))
      .sort()
      .map((name) => name.replace(/\.sql$/, ""));

    expect(MIGRATIONS.map((migration) => migration.tag)).toEqual(onDisk);
  });

  test("apply once, and a second run applies nothing", () => {
    const handle = openDatabase(":memory:");

    const first = applyMigrations(handle.sqlite, MIGRATIONS);
    const second = applyMigrations(handle.sqlite, MIGRATIONS);

    expect(first).toEqual(MIGRATIONS.map((migration) => migration.tag));
    expect(second).toEqual([]);
    handle.close();
  });

  test("make the audit trail refuse updates and deletes", () => {
    const handle = openDatabase(":memory:");
    applyMigrations(handle.sqlite, MIGRATIONS);
    handle.sqlite.run(
      `INSERT INTO audit_entries (id, org_id, ts, request_id, product, type, decision)
       VALUES ('aud_1', 'org_1', 1, 'req_1', 'pat', 'messages', 'allowed')`,
    );

    expect(() => handle.sqlite.run("UPDATE audit_entries SET decision = 'denied'")).toThrow(
      /append-only/,
    );
    expect(() => handle.sqlite.run("DELETE FROM audit_entries")).toThrow(/append-only/);
    handle.close();
  });
});
