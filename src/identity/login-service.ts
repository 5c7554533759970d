/**
 * Admin login with email and password, and the check of an admin session token on each admin
 * API call. A wrong email and a wrong password get the same answer and take the same time
 * (a dummy hash is verified when no user matches), so neither can be probed.
 */

import { createHash } from "node:crypto";
import type { CoreDeps } from "../lib/deps.ts";
import { unauthenticated } from "../lib/errors.ts";
import type { AdminTokenIssuer } from "./admin-token.ts";
import { hashesMatch } from "./api-key-secret.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import * as store from "./store.ts";

export interface LoginDeps extends CoreDeps {
  adminTokens: AdminTokenIssuer;
  loginThrottle: LoginThrottle;
}

export interface AdminActor {
  orgId: string;
  userId: string;
}

/** An argon2id hash of a random, forgotten password: verifying it costs what a real check costs. */
const TIMING_DUMMY_HASH =
  "$argon2id$v=19$m=65536,t=2,p=1$dABV3WFWeqM70nDNeUEf9xBw3eJJH/6fuJ0KUCr5pvI$" +
  "7PF0Awhbw8rYa789UFsyFCIJlYIXu/1DVjs7OrKilNU";

/** Short and one-way: it changes with the password hash and reveals nothing about it. */
function credentialVersionOf(passwordHash: string | null): string {
  return createHash("sha256")
    .update(passwordHash ?? "")
    .digest("base64url")
    .slice(0, 16);
}

export async function loginWithPassword(
  deps: LoginDeps,
  credentials: { email: string; password: string; ip: string | null },
) {
  const { email, password } = credentials;
  // Keyed by email and address together (and by address alone), so that someone guessing from
  // elsewhere cannot lock the real admin out of their own email.
  const accountKey = `account:${email}|${credentials.ip ?? ""}`;
  const throttleKeys = [accountKey, ...(credentials.ip ? [`ip:${credentials.ip}`] : [])];
  deps.loginThrottle.check(throttleKeys);

  const candidates = store
    .findUsersByEmail(deps.db, email)
    .filter((user) => user.isAdmin && user.status === "active" && user.passwordHash);
  const user = candidates[0];
  const hash = user?.passwordHash ?? TIMING_DUMMY_HASH;
  const valid = await Bun.password.verify(password, hash);
  if (!user || !valid) {
    deps.loginThrottle.recordFailure(throttleKeys);
    deps.logger.warn("admin login failed", { email, ip: credentials.ip });
    throw unauthenticated("invalid email or password");
  }
  deps.loginThrottle.recordSuccess(accountKey);

  const { token, expiresIn } = await deps.adminTokens.issue({
    userId: user.id,
    orgId: user.orgId,
    credentialVersion: credentialVersionOf(user.passwordHash),
  });
  deps.logger.info("admin logged in", { user_id: user.id, org_id: user.orgId });
  return { access_token: token, token_type: "Bearer" as const, expires_in: expiresIn };
}

export async function authenticateAdmin(deps: LoginDeps, headers: Headers): Promise<AdminActor> {
  const token = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization")?.trim() ?? "")?.[1];
  if (!token) throw unauthenticated("missing admin token (send Authorization: Bearer <jwt>)");
  const claims = await deps.adminTokens.verify(token);
  const user = store.findUser(deps.db, claims.orgId, claims.userId);
  if (user?.status !== "active" || !user.isAdmin) {
    throw unauthenticated("this admin account is disabled or no longer an admin");
  }
  if (
    !hashesMatch(
      Buffer.from(claims.credentialVersion),
      Buffer.from(credentialVersionOf(user.passwordHash)),
    )
  ) {
    throw unauthenticated("the password changed since this admin token was issued; log in again");
  }
  return { orgId: claims.orgId, userId: claims.userId };
}
