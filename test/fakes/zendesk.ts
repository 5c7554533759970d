// A local fake of the Zendesk Support API v2 (developer.zendesk.com/api-reference), enough of it
// for the zendesk connector: users/me, tickets (cursor and offset pagination, show, create,
// update, delete), search, the error envelopes, rate-limit headers and 429s on demand.
// Facts and their sources: /work/shared/reference/saas-apis.md §5.1.
import {
  addFieldErrors,
  audit,
  clampPageSize,
  commentInput,
  decodeCursor,
  encodeCursor,
  type FakeComment,
  type Json,
  MAX_PAGE_SIZE,
  parseQuery,
  type QueryTerms,
  rateLimited,
  readBody,
  recordInvalid,
  type TicketPriority,
  type TicketStatus,
  ticketInput,
  zendeskError,
} from "./zendesk-wire.ts";

export type { FakeComment, TicketPriority, TicketStatus };

export interface FakeTicket {
  id: number;
  url: string;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: TicketPriority | null;
  type: "problem" | "incident" | "question" | "task" | null;
  requester_id: number;
  assignee_id: number | null;
  tags: string[];
  created_at: string;
  updated_at: string;
}

export type FakeTicketSeed = Partial<Omit<FakeTicket, "url">> & { subject: string };

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeZendeskOptions {
  email?: string;
  apiToken?: string;
  oauthToken?: string;
  tickets?: FakeTicketSeed[];
}

export interface FakeZendesk {
  url: string;
  requests: RecordedRequest[];
  tickets: Map<number, FakeTicket>;
  comments: Map<number, FakeComment[]>;
  /** The next `count` requests get a 429 with `retry-after: retryAfterSeconds` (default 60). */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  stop(): Promise<void>;
}

interface FakeUser {
  id: number;
  name: string;
  email: string;
  role: "admin" | "agent" | "end-user";
}

export const FAKE_ZENDESK_DEFAULTS = {
  email: "agent@example.com",
  apiToken: "zd-test-token-0001",
  oauthToken: "zd-test-oauth-0001",
} as const;

const RATE_LIMIT = 700;
const SEED_TIME = "2025-03-01T09:00:00Z";

// The authenticated agent is 1001; 1002 is a colleague; 2001 and 2002 are customers.
const AGENT_ID = 1001;
const COLLEAGUE: FakeUser = {
  id: 1002,
  name: "Jane Colleague",
  email: "jane@example.com",
  role: "agent",
};
// What users/me shows a caller without credentials (developer.zendesk.com, "Show Self").
const ANONYMOUS = {
  id: null,
  name: "Anonymous user",
  email: "invalid@example.com",
  role: "end-user",
};

const DEFAULT_SEEDS: FakeTicketSeed[] = [
  { subject: "Printer on fire", status: "new", priority: "urgent", assignee_id: null },
  { subject: "Cannot log in", status: "open", priority: "high", assignee_id: AGENT_ID },
  { subject: "Invoice is wrong", status: "open", priority: "normal", assignee_id: 1002 },
  { subject: "Waiting on logs", status: "pending", priority: "low", assignee_id: AGENT_ID },
  { subject: "Parts on order", status: "hold", priority: null, assignee_id: 1002 },
  { subject: "Password reset", status: "solved", priority: "normal", assignee_id: AGENT_ID },
  { subject: "Old question", status: "closed", priority: null, assignee_id: null },
];

export function startFakeZendesk(options: FakeZendeskOptions = {}): FakeZendesk {
  const email = options.email ?? FAKE_ZENDESK_DEFAULTS.email;
  const me: FakeUser = { id: AGENT_ID, name: "Ada Agent", email, role: "admin" };
  const users: FakeUser[] = [me, COLLEAGUE];
  const auth = {
    basic: `${email}/token:${options.apiToken ?? FAKE_ZENDESK_DEFAULTS.apiToken}`,
    bearer: options.oauthToken ?? FAKE_ZENDESK_DEFAULTS.oauthToken,
  };
  const tickets = new Map<number, FakeTicket>();
  const comments = new Map<number, FakeComment[]>();
  const requests: RecordedRequest[] = [];
  const limiter = { pending: 0, retryAfterSeconds: 60, served: 0 };
  let origin = "";

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const body = await readBody(request);
      requests.push({
        method: request.method,
        path: url.pathname,
        search: url.search,
        headers: Object.fromEntries(request.headers),
        body,
      });
      const response = respond(request, url, body);
      limiter.served++;
      response.headers.set("x-rate-limit", String(RATE_LIMIT));
      response.headers.set(
        "x-rate-limit-remaining",
        String(Math.max(0, RATE_LIMIT - limiter.served)),
      );
      return response;
    },
  });
  origin = server.url.origin;

  for (const seed of options.tickets ?? DEFAULT_SEEDS) insertTicket(seed);

  function insertTicket(seed: FakeTicketSeed): FakeTicket {
    const id = seed.id ?? Math.max(0, ...tickets.keys()) + 1;
    const ticket: FakeTicket = {
      id,
      url: `${origin}/api/v2/tickets/${id}.json`,
      description: seed.subject,
      status: "open",
      priority: null,
      type: null,
      requester_id: 2001 + (id % 2),
      assignee_id: null,
      tags: [],
      created_at: SEED_TIME,
      updated_at: SEED_TIME,
      ...seed,
    };
    tickets.set(id, ticket);
    return ticket;
  }

  function respond(request: Request, url: URL, body: unknown): Response {
    if (limiter.pending > 0) {
      limiter.pending--;
      return rateLimited(limiter.retryAfterSeconds);
    }
    const header = request.headers.get("authorization");
    const route = `${request.method} ${url.pathname}`;
    // users/me is open to anonymous callers: without credentials it answers 200, not 401.
    if (route === "GET /api/v2/users/me.json" && header === null) {
      return Response.json({ user: ANONYMOUS });
    }
    const user = header === null ? undefined : authenticate(header);
    if (!user) return Response.json({ error: "Couldn't authenticate you" }, { status: 401 });
    if (route === "GET /api/v2/users/me.json") return Response.json({ user });

    if (route === "GET /api/v2/tickets.json") return listTickets(url);
    if (route === "POST /api/v2/tickets.json") return createTicket(body, user);
    if (route === "GET /api/v2/search.json") return search(url, user);
    const match = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(url.pathname);
    const ticket = match ? tickets.get(Number(match[1])) : undefined;
    if (match && !ticket) return zendeskError(404, "RecordNotFound", "Not found");
    if (ticket && request.method === "GET") return Response.json({ ticket });
    if (ticket && request.method === "PUT") return updateTicket(ticket, body, user);
    if (ticket && request.method === "DELETE") {
      tickets.delete(ticket.id);
      return new Response(null, { status: 204 });
    }
    return zendeskError(404, "InvalidEndpoint", "Not found");
  }

  function authenticate(header: string): FakeUser | undefined {
    const [scheme, value = ""] = header.split(" ", 2);
    if (scheme === "Bearer" && value === auth.bearer) return me;
    if (scheme === "Basic" && Buffer.from(value, "base64").toString("utf8") === auth.basic) {
      return me;
    }
    return undefined;
  }

  function listTickets(url: URL): Response {
    const all = [...tickets.values()].sort((a, b) => a.id - b.id);
    const size = url.searchParams.get("page[size]");
    if (size === null) return offsetPage(url, all, "tickets");

    const pageSize = clampPageSize(size);
    const after = decodeCursor(url.searchParams.get("page[after]"));
    const before = decodeCursor(url.searchParams.get("page[before]"));
    const candidates = all.filter((t) => t.id > (after ?? 0) && t.id < (before ?? Infinity));
    const page = before === undefined ? candidates.slice(0, pageSize) : candidates.slice(-pageSize);
    const first = page[0];
    const last = page.at(-1);
    const base = `${origin}/api/v2/tickets.json?page[size]=${pageSize}`;
    return Response.json({
      tickets: page,
      meta: {
        has_more: candidates.length > page.length,
        after_cursor: last ? encodeCursor(last.id) : null,
        before_cursor: first ? encodeCursor(first.id) : null,
      },
      links: {
        next: last ? `${base}&page[after]=${encodeCursor(last.id)}` : null,
        prev: first ? `${base}&page[before]=${encodeCursor(first.id)}` : null,
      },
    });
  }

  function offsetPage(url: URL, items: readonly object[], key: string, extra: Json = {}) {
    const perPage = clampPageSize(url.searchParams.get("per_page") ?? String(MAX_PAGE_SIZE));
    const page = Math.max(1, Number(url.searchParams.get("page") ?? "1") || 1);
    const start = (page - 1) * perPage;
    const linkTo = (n: number) => {
      const next = new URL(url.pathname + url.search, origin);
      next.searchParams.set("page", String(n));
      next.searchParams.set("per_page", String(perPage));
      return next.href;
    };
    return Response.json({
      [key]: items.slice(start, start + perPage).map((item) => ({ ...item, ...extra })),
      next_page: start + perPage < items.length ? linkTo(page + 1) : null,
      previous_page: page > 1 ? linkTo(page - 1) : null,
      count: items.length,
    });
  }

  function search(url: URL, user: FakeUser): Response {
    const query = url.searchParams.get("query");
    if (!query) return zendeskError(400, "InvalidValue", "Query cannot be blank");
    const matches = [...tickets.values()]
      .filter((ticket) => matchesQuery(ticket, parseQuery(query), user))
      .sort((a, b) => a.id - b.id);
    return offsetPage(url, matches, "results", { result_type: "ticket" });
  }

  function matchesQuery(ticket: FakeTicket, terms: QueryTerms, user: FakeUser): boolean {
    if (terms.type !== undefined && terms.type !== "ticket") return false;
    if (terms.status !== undefined && ticket.status !== terms.status) return false;
    if (terms.assignee !== undefined && ticket.assignee_id !== assigneeId(terms.assignee, user)) {
      return false;
    }
    const text = `${ticket.subject} ${ticket.description}`.toLowerCase();
    return terms.words.every((word) => text.includes(word.toLowerCase()));
  }

  /** `none` is unassigned, `me` the caller; otherwise an id or an email (-1 matches nothing). */
  function assigneeId(value: string, user: FakeUser): number | null {
    if (value === "none") return null;
    if (value === "me") return user.id;
    if (/^\d+$/.test(value)) return Number(value);
    return users.find((u) => u.email.toLowerCase() === value.toLowerCase())?.id ?? -1;
  }

  function createTicket(body: unknown, user: FakeUser): Response {
    const input = ticketInput(body);
    const details: Record<string, { description: string; error: string }[]> = {};
    if (typeof input.subject !== "string" || input.subject.trim() === "") {
      details.subject = [{ description: "Subject: cannot be blank", error: "BlankValue" }];
    }
    const comment = commentInput(input.comment);
    if (!comment) {
      details.description = [{ description: "Description: cannot be blank", error: "BlankValue" }];
    }
    addFieldErrors(input, details);
    if (!comment || Object.keys(details).length > 0) return recordInvalid(details);

    const ticket = insertTicket({
      subject: String(input.subject),
      description: comment.body,
      status: "new",
      priority: (input.priority as TicketPriority | undefined) ?? null,
      requester_id: user.id,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    });
    comments.set(ticket.id, [{ ...comment, author_id: user.id }]);
    return Response.json({ ticket, audit: audit(ticket.id, user.id, comment) }, { status: 201 });
  }

  function updateTicket(ticket: FakeTicket, body: unknown, user: FakeUser): Response {
    const input = ticketInput(body);
    const details: Record<string, { description: string; error: string }[]> = {};
    if (ticket.status === "closed") {
      details.status = [{ description: "Status: closed prevents ticket update", error: "Invalid" }];
    }
    addFieldErrors(input, details);
    if (Object.keys(details).length > 0) return recordInvalid(details);

    const comment = commentInput(input.comment);
    if (typeof input.status === "string") ticket.status = input.status as TicketStatus;
    if (typeof input.priority === "string") ticket.priority = input.priority as TicketPriority;
    if (typeof input.subject === "string") ticket.subject = input.subject;
    ticket.updated_at = new Date().toISOString();
    if (comment) {
      const thread = comments.get(ticket.id) ?? [];
      thread.push({ ...comment, author_id: user.id });
      comments.set(ticket.id, thread);
    }
    return Response.json({ ticket, audit: audit(ticket.id, user.id, comment) });
  }

  const fake: FakeZendesk = {
    url: origin,
    requests,
    tickets,
    comments,
    rateLimitNext(count, retryAfterSeconds = 60) {
      limiter.pending = count;
      limiter.retryAfterSeconds = retryAfterSeconds;
    },
    stop: () => server.stop(true),
  };
  return fake;
}
