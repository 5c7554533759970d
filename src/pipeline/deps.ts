import type { ActiveConnector } from "../credential/connector-credential.ts";
import type { CachedKey } from "../identity/authenticate.ts";
import type { CoreDeps } from "../lib/deps.ts";
import type { HttpClient } from "../lib/http-client.ts";
import { LookupCache } from "../lib/lookup-cache.ts";
import type { SpendLedger } from "../metering/spend-ledger.ts";
import type { PatKeyRow } from "../pat-keys/store.ts";
import type { CompiledRole } from "../policy/permissions.ts";

/** Everything a governed request needs: shared services plus the hot-path caches. */
export interface GatewayDeps extends CoreDeps {
  apiKeyCache: LookupCache<CachedKey>;
  roleCache: LookupCache<CompiledRole | null>;
  patKeyCache: LookupCache<PatKeyRow | null>;
  connectorCache: LookupCache<readonly ActiveConnector[]>;
  http: HttpClient;
  spendLedger: SpendLedger;
  /** Claude calls forwarded but not yet settled; a graceful stop waits for them. */
  inFlightCalls: Set<object>;
  pat: { upstreamUrl: string; upstreamTimeoutMs: number };
  /** Origins (`scheme://host:port`) whose browsers may call the MCP endpoint. */
  mcpAllowedOrigins: ReadonlySet<string>;
}

/** Waits (bounded) until every forwarded call has settled its usage and spend. */
export async function waitForSettlements(calls: Set<object>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (calls.size > 0 && Date.now() < deadline) await Bun.sleep(10);
}

export function createLookupCaches() {
  return {
    apiKeyCache: new LookupCache<CachedKey>(),
    roleCache: new LookupCache<CompiledRole | null>(),
    patKeyCache: new LookupCache<PatKeyRow | null>(),
    connectorCache: new LookupCache<readonly ActiveConnector[]>(),
  };
}

export function clearLookupCaches(caches: ReturnType<typeof createLookupCaches>): void {
  for (const cache of Object.values(caches)) cache.clear();
}

/** The edge's per-request facts a transport passes on (see server/request-context.ts). */
export interface EdgeContext {
  requestId: string;
  ip: string | null;
  logFields: Record<string, unknown>;
  onAdmitted: () => void;
}

export function gatewayRequest(request: Request, context: EdgeContext): GatewayRequest {
  return {
    requestId: context.requestId,
    headers: request.headers,
    ip: context.ip,
    signal: request.signal,
    logFields: context.logFields,
    onAdmitted: context.onAdmitted,
  };
}

/** One governed request as the transports hand it to the pipeline. */
export interface GatewayRequest {
  requestId: string;
  headers: Headers;
  ip: string | null;
  signal: AbortSignal;
  /** Fields the pipeline adds to the request's log line once it knows who is calling. */
  logFields: Record<string, unknown>;
  /**
   * Called once identity has passed: the edge then lifts the idle timeout that guards against
   * slow unauthenticated clients, since a governed call may legitimately wait minutes.
   */
  onAdmitted(): void;
}
