/**
 * Admin session tokens: short-lived HS256 JWTs (jose) signed with a key derived from the
 * master key, so restarts keep sessions valid and a new master key voids them all.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import type { Clock } from "../lib/clock.ts";
import { unauthenticated } from "../lib/errors.ts";

const ISSUER = "kestra-fortress";
const AUDIENCE = "kestra-admin-api";
export const ADMIN_TOKEN_TTL_SECONDS = 3600;

export interface AdminTokenClaims {
  userId: string;
  orgId: string;
  /** A fingerprint of the user's password hash: a password change voids earlier tokens. */
  credentialVersion: string;
}

export interface AdminTokenIssuer {
  issue(claims: AdminTokenClaims): Promise<{ token: string; expiresIn: number }>;
  verify(token: string): Promise<AdminTokenClaims>;
}

export function createAdminTokenIssuer(signingKey: Uint8Array, clock: Clock): AdminTokenIssuer {
  return {
    async issue(claims) {
      const nowSeconds = Math.floor(clock.now() / 1000);
      const token = await new SignJWT({ org: claims.orgId, cv: claims.credentialVersion })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(nowSeconds)
        .setExpirationTime(nowSeconds + ADMIN_TOKEN_TTL_SECONDS)
        .sign(signingKey);
      return { token, expiresIn: ADMIN_TOKEN_TTL_SECONDS };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, signingKey, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ["HS256"],
          requiredClaims: ["exp", "iat", "sub"],
          currentDate: new Date(clock.now()),
        });
        const { sub, org, cv } = payload;
        if (typeof sub !== "string" || typeof org !== "string" || typeof cv !== "string") {
          throw unauthenticated("invalid admin token");
        }
        return { userId: sub, orgId: org, credentialVersion: cv };
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw unauthenticated("admin token has expired");
        throw unauthenticated("invalid admin token");
      }
    },
  };
}
