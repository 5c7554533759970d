import { describe, expect, test } from "bun:test";
import { fixedClock } from "../lib/clock.ts";
import { ADMIN_TOKEN_TTL_SECONDS, createAdminTokenIssuer } from "./admin-token.ts";

const KEY = new Uint8Array(32).fill(7);

describe("admin tokens", () => {
  test("verify until they expire, then are refused as expired", async () => {
    const clock = fixedClock(Date.UTC(2026, 11, 3));
    const issuer = createAdminTokenIssuer(KEY, clock);
    const { token, expiresIn } = await issuer.issue({
      userId: "usr_1",
      orgId: "org_1",
      credentialVersion: "v1",
    });

    expect(expiresIn).toBe(ADMIN_TOKEN_TTL_SECONDS);
    expect(await issuer.verify(token)).toEqual({
      userId: "usr_1",
      orgId: "org_1",
      credentialVersion: "v1",
    });
    clock.advance((ADMIN_TOKEN_TTL_SECONDS + 1) * 1000);
    await expect(issuer.verify(token)).rejects.toThrow("admin token has expired");
  });

  test("a token signed with another key, or altered, is refused", async () => {
    const clock = fixedClock(Date.UTC(2026, 11, 3));
    const issuer = createAdminTokenIssuer(KEY, clock);
    const other = createAdminTokenIssuer(new Uint8Array(32).fill(8), clock);
    const { token } = await other.issue({
      userId: "usr_1",
      orgId: "org_1",
      credentialVersion: "v1",
    });
    const [header, , signature] = token.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ sub: "usr_2", org: "org_1" })).toString(
      "base64url",
    );

    await expect(issuer.verify(token)).rejects.toThrow("invalid admin token");
    await expect(issuer.verify(`${header}.${forgedPayload}.${signature}`)).rejects.toThrow(
      "invalid admin token",
    );
  });
});
