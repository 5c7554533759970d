/**
 * Per-request facts that the HTTP edge establishes before routing: the request id every
 * response carries, the client address and the start time for the request log line.
 */
import { newId } from "../lib/ids.ts";

export interface RequestContext {
  requestId: string;
  ip: string | null;
  startedAt: number;
  /** Who the request turned out to be (org, actor), added to its log line. */
  logFields: Record<string, unknown>;
  /** Lifts the edge's idle timeout once the caller is authenticated. */
  onAdmitted: () => void;
}

export class RequestContexts {
  readonly #byRequest = new WeakMap<Request, RequestContext>();

  open(
    request: Request,
    ip: string | null,
    now: number,
    onAdmitted: () => void = () => undefined,
  ): RequestContext {
    const context = { requestId: newId("req", now), ip, startedAt: now, logFields: {}, onAdmitted };
    this.#byRequest.set(request, context);
    return context;
  }

  /** Requests handled without the edge (in-process tests) get a context on first use. */
  of(request: Request): RequestContext {
    return this.#byRequest.get(request) ?? this.open(request, null, Date.now());
  }
}

/**
 * With `trust_proxy`, the client is the right-most X-Forwarded-For entry: the one our own
 * proxy appended. Entries left of it come from the client and can say anything.
 */
export function clientIp(request: Request, socketIp: string | null, trustProxy: boolean) {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return socketIp;
}
