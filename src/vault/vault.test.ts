import { describe, expect, test } from "bun:test";
import { randomBytes } from "@noble/ciphers/utils.js";
import { orgs } from "../db/schema.ts";
import { systemClock } from "../lib/clock.ts";
import { freshDatabase } from "../testing/database.ts";
import { openValue, type SealContext, sealValue } from "./envelope.ts";
import { MasterKeyError } from "./master-key.ts";
import { unsealVault } from "./service.ts";

const CONTEXT: SealContext = {
  orgId: "org_a",
  table: "pat_keys",
  rowId: "pat_1",
  column: "secret",
};

function vaultWithOrg() {
  const handle = freshDatabase();
  handle.db.insert(orgs).values({ id: "org_a", name: "a", createdAt: 0 }).run();
  handle.db.insert(orgs).values({ id: "org_b", name: "b", createdAt: 0 }).run();
  const masterKey = randomBytes(32);
  const vault = unsealVault({ db: handle.db, clock: systemClock, masterKey });
  vault.ensureOrgKey("org_a");
  vault.ensureOrgKey("org_b");
  return { handle, vault, masterKey };
}

describe("vault envelope", () => {
  test("round-trips and carries format, algorithm and key version in its header", () => {
    const key = randomBytes(32);

    const sealed = sealValue(key, 7, CONTEXT, new TextEncoder().encode("sk-ant-secret"));

    expect(Array.from(sealed.subarray(0, 6))).toEqual([1, 1, 0, 0, 0, 7]);
    expect(new TextDecoder().decode(openValue(key, CONTEXT, sealed))).toBe("sk-ant-secret");
  });

  test("any flipped bit in header, nonce, ciphertext or tag fails to open", () => {
    const key = randomBytes(32);
    const sealed = sealValue(key, 1, CONTEXT, new TextEncoder().encode("secret"));

    for (const index of [1, 5, 6, 29, 30, sealed.length - 1]) {
      const tampered = Uint8Array.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(() => openValue(key, CONTEXT, tampered)).toThrow();
    }
  });

  test("a value copied to another org, table, row or column fails to open", () => {
    const key = randomBytes(32);
    const sealed = sealValue(key, 1, CONTEXT, new TextEncoder().encode("secret"));

    for (const moved of [
      { ...CONTEXT, orgId: "org_b" },
      { ...CONTEXT, table: "connectors" },
      { ...CONTEXT, rowId: "pat_2" },
      { ...CONTEXT, column: "label" },
    ]) {
      expect(() => openValue(key, moved, sealed)).toThrow(/authentication/);
    }
  });

  test("never repeats a nonce over many seals", () => {
    const key = randomBytes(32);
    const nonces = new Set<string>();

    for (let i = 0; i < 20_000; i++) {
      const sealed = sealValue(key, 1, CONTEXT, new Uint8Array([i & 0xff]));
      nonces.add(Buffer.from(sealed.subarray(6, 30)).toString("hex"));
    }

    expect(nonces.size).toBe(20_000);
  });
});

describe("vault service", () => {
  test("seals per org: one org's ciphertext does not open under another org", () => {
    const { vault } = vaultWithOrg();

    const sealed = vault.seal(CONTEXT, "sk-ant-api03-real");

    expect(vault.open(CONTEXT, sealed)).toBe("sk-ant-api03-real");
    expect(sealed.includes(Buffer.from("sk-ant-api03-real"))).toBe(false);
    expect(() => vault.open({ ...CONTEXT, orgId: "org_b" }, sealed)).toThrow();
  });

  test("reopens with the same master key and refuses a different one", () => {
    const { handle, vault, masterKey } = vaultWithOrg();
    const sealed = vault.seal(CONTEXT, "secret");

    const reopened = unsealVault({ db: handle.db, clock: systemClock, masterKey });

    expect(reopened.open(CONTEXT, sealed)).toBe("secret");
    expect(() =>
      unsealVault({ db: handle.db, clock: systemClock, masterKey: randomBytes(32) }),
    ).toThrow(new MasterKeyError("master key does not match this data directory"));
  });
});
