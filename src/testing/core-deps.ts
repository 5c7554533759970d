/** Core dependencies over a fresh in-memory database, an unsealed vault and one org. */
import { randomBytes } from "@noble/ciphers/utils.js";
import { orgs } from "../db/schema.ts";
import { createWriteQueue } from "../db/write-queue.ts";
import { fixedClock } from "../lib/clock.ts";
import type { CoreDeps } from "../lib/deps.ts";
import { createMemoryLogger } from "../lib/logger.ts";
import { unsealVault } from "../vault/service.ts";
import { freshDatabase } from "./database.ts";

export const TEST_ORG = "org_test";

export function testCoreDeps(startMs = Date.UTC(2026, 11, 3, 12)) {
  const handle = freshDatabase();
  const clock = fixedClock(startMs);
  const logger = createMemoryLogger();
  const vault = unsealVault({ db: handle.db, clock, masterKey: randomBytes(32) });
  handle.db.insert(orgs).values({ id: TEST_ORG, name: "test", createdAt: startMs }).run();
  vault.ensureOrgKey(TEST_ORG);
  let invalidations = 0;
  const deps: CoreDeps = {
    db: handle.db,
    sqlite: handle.sqlite,
    writes: createWriteQueue(handle),
    clock,
    logger,
    vault,
    invalidateLookups: () => {
      invalidations += 1;
    },
  };
  return { deps, clock, logger, invalidations: () => invalidations };
}

export const TEST_ACTOR = { orgId: TEST_ORG, actorId: "usr_admin", requestId: "req_test" };
