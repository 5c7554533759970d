import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  FAKE_ZENDESK_DEFAULTS,
  type FakeZendesk,
  startFakeZendesk,
} from "../../../test/fakes/zendesk.ts";
import { createHttpClient } from "../../lib/http-client.ts";
import type { ActionOutcome } from "../types.ts";
import { zendeskConnector } from "./definition.ts";

let fake: FakeZendesk;

beforeEach(() => {
  fake = startFakeZendesk();
});

afterEach(async () => {
  await fake.stop();
});

function run(
  name: string,
  args: Record<string, unknown>,
  http = createHttpClient(),
): Promise<ActionOutcome> {
  const action = zendeskConnector.actions.find((candidate) => candidate.name === name);
  if (!action) throw new Error(`no action ${name}`);
  const credentials = {
    email: FAKE_ZENDESK_DEFAULTS.email,
    api_token: FAKE_ZENDESK_DEFAULTS.apiToken,
  };
  return action.run({
    args,
    config: { baseUrl: fake.url, credentials, settings: {} },
    http,
  });
}

/** The data of a successful outcome; fails the test with the message otherwise. */
function dataOf(outcome: ActionOutcome): Record<string, unknown> {
  if (!outcome.ok) throw new Error(`action failed: ${outcome.message}`);
  return outcome.data as Record<string, unknown>;
}

function ticketIds(outcome: ActionOutcome): number[] {
  const tickets = dataOf(outcome).tickets as Array<{ id: number }>;
  return tickets.map((ticket) => ticket.id);
}

const lastRequest = () => fake.requests.at(-1);

describe("zendesk__list_tickets", () => {
  test("without filters reads /tickets.json by cursor and trims each ticket", async () => {
    const outcome = await run("list_tickets", {});

    expect(lastRequest()?.path).toBe("/api/v2/tickets.json");
    expect(lastRequest()?.search).toBe("?page[size]=25");
    expect(ticketIds(outcome)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(dataOf(outcome).has_more).toBe(false);
    expect((dataOf(outcome).tickets as object[])[1]).toEqual({
      id: 2,
      subject: "Cannot log in",
      status: "open",
      priority: "high",
      assignee_id: 1001,
      requester_id: 2001,
      created_at: "2025-03-01T09:00:00Z",
      updated_at: "2025-03-01T09:00:00Z",
    });
  });

  test("limit sets the page size and has_more tells the model there is more", async () => {
    const outcome = await run("list_tickets", { limit: 3 });

    expect(lastRequest()?.search).toBe("?page[size]=3");
    expect(ticketIds(outcome)).toEqual([1, 2, 3]);
    expect(dataOf(outcome).has_more).toBe(true);
  });

  test("a status filter becomes a URL-encoded search query", async () => {
    const outcome = await run("list_tickets", { status: "open" });

    expect(lastRequest()?.path).toBe("/api/v2/search.json");
    expect(lastRequest()?.search).toBe("?query=type%3Aticket%20status%3Aopen&per_page=25");
    expect(ticketIds(outcome)).toEqual([2, 3]);
    expect(dataOf(outcome).has_more).toBe(false);
  });

  test("assignee filters by email, by id, by 'me' and 'none' for unassigned", async () => {
    expect(ticketIds(await run("list_tickets", { assignee: "jane@example.com" }))).toEqual([3, 5]);
    expect(ticketIds(await run("list_tickets", { assignee: "1001" }))).toEqual([2, 4, 6]);
    expect(ticketIds(await run("list_tickets", { assignee: "none" }))).toEqual([1, 7]);
    expect(ticketIds(await run("list_tickets", { assignee: "me", status: "pending" }))).toEqual([
      4,
    ]);
    expect(lastRequest()?.search).toContain(
      encodeURIComponent("type:ticket status:pending assignee:me"),
    );
  });

  test("a filtered list reports has_more when the search has a next page", async () => {
    const outcome = await run("list_tickets", { assignee: "me", limit: 2 });

    expect(ticketIds(outcome)).toEqual([2, 4]);
    expect(dataOf(outcome).has_more).toBe(true);
  });

  test("invalid arguments are refused before any request reaches Zendesk", async () => {
    const outcome = await run("list_tickets", { status: "archived", limit: 500 });

    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? "" : outcome.message).toStartWith("Invalid arguments: status:");
    expect(outcome.ok ? "" : outcome.message).toContain("limit:");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("zendesk__get_ticket", () => {
  test("returns the whole ticket", async () => {
    const outcome = await run("get_ticket", { id: 4 });

    const ticket = dataOf(outcome).ticket as Record<string, unknown>;
    expect(ticket.subject).toBe("Waiting on logs");
    expect(ticket.description).toBe("Waiting on logs");
    expect(ticket.url).toBe(`${fake.url}/api/v2/tickets/4.json`);
    expect(ticket.tags).toEqual([]);
  });

  test("an unknown id is a 404 naming the ticket", async () => {
    const outcome = await run("get_ticket", { id: 999 });

    expect(outcome).toEqual({ ok: false, status: 404, message: "Ticket 999 not found" });
  });
});

describe("zendesk__create_ticket", () => {
  test("posts subject, the description as first comment and the priority", async () => {
    const outcome = await run("create_ticket", {
      subject: "VPN drops hourly",
      description: "Since Monday the VPN disconnects every hour.",
      priority: "high",
    });

    const ticket = dataOf(outcome).ticket as { id: number; status: string; priority: string };
    expect(lastRequest()?.body).toEqual({
      ticket: {
        subject: "VPN drops hourly",
        comment: { body: "Since Monday the VPN disconnects every hour." },
        priority: "high",
      },
    });
    expect(ticket).toMatchObject({ id: 8, status: "new", priority: "high" });
    expect(fake.tickets.get(8)?.description).toBe("Since Monday the VPN disconnects every hour.");
  });

  test("leaves priority out when not given", async () => {
    await run("create_ticket", { subject: "Hello", description: "World" });

    expect(lastRequest()?.body).toEqual({
      ticket: { subject: "Hello", comment: { body: "World" } },
    });
  });
});

describe("zendesk__update_ticket", () => {
  test("sets the status and adds an internal note", async () => {
    const outcome = await run("update_ticket", {
      id: 2,
      status: "pending",
      comment: "Asked for logs",
      public: false,
    });

    expect(lastRequest()?.method).toBe("PUT");
    expect(lastRequest()?.body).toEqual({
      ticket: { status: "pending", comment: { body: "Asked for logs", public: false } },
    });
    expect((dataOf(outcome).ticket as { status: string }).status).toBe("pending");
    expect(fake.comments.get(2)).toEqual([
      { body: "Asked for logs", public: false, author_id: 1001 },
    ]);
  });

  test("needs a status or a comment, and public only with a comment", async () => {
    const neither = await run("update_ticket", { id: 2 });
    const publicAlone = await run("update_ticket", { id: 2, status: "open", public: true });

    expect(neither.ok ? "" : neither.message).toBe(
      "Invalid arguments: give a status, a comment, or both",
    );
    expect(publicAlone.ok ? "" : publicAlone.message).toBe(
      "Invalid arguments: public: public applies only to a comment",
    );
    expect(fake.requests).toHaveLength(0);
  });

  test("a closed ticket answers 422 with Zendesk's own explanation", async () => {
    const outcome = await run("update_ticket", { id: 7, comment: "Reopening" });

    expect(outcome).toEqual({
      ok: false,
      status: 422,
      message:
        "Zendesk refused the change (422): Record validation errors; " +
        "Status: closed prevents ticket update",
    });
  });

  test("an unknown id is a 404 naming the ticket", async () => {
    const outcome = await run("update_ticket", { id: 404, status: "open" });

    expect(outcome).toEqual({ ok: false, status: 404, message: "Ticket 404 not found" });
  });
});

describe("zendesk__delete_ticket", () => {
  test("deletes the ticket and a second delete is a 404", async () => {
    const first = await run("delete_ticket", { id: 3 });
    const second = await run("delete_ticket", { id: 3 });

    expect(first).toEqual({ ok: true, data: { deleted: true, id: 3 } });
    expect(fake.tickets.has(3)).toBe(false);
    expect(second).toEqual({ ok: false, status: 404, message: "Ticket 3 not found" });
  });
});

test("only reads are readOnly, and delete and update are marked destructive", () => {
  const flags = zendeskConnector.actions.map(({ name, readOnly, destructive }) => ({
    name,
    readOnly,
    destructive,
  }));

  expect(flags).toEqual([
    { name: "list_tickets", readOnly: true, destructive: false },
    { name: "get_ticket", readOnly: true, destructive: false },
    { name: "create_ticket", readOnly: false, destructive: false },
    { name: "update_ticket", readOnly: false, destructive: true },
    { name: "delete_ticket", readOnly: false, destructive: true },
  ]);
});

describe("zendesk__list_tickets without the Search API", () => {
  test("filters one page of tickets by status and assignee id instead", async () => {
    const noSearch = createHttpClient({
      fetch: (url, init) =>
        url.includes("/search.json")
          ? Promise.resolve(Response.json({ error: "InvalidEndpoint" }, { status: 404 }))
          : fetch(url, init),
    });
    const all = dataOf(await run("list_tickets", { limit: 100 })).tickets as { status: string }[];

    const open = dataOf(await run("list_tickets", { status: "open" }, noSearch));
    const byEmail = await run("list_tickets", { assignee: "agent@example.com" }, noSearch);

    const expected = all.filter((ticket) => ticket.status === "open");
    expect(open.tickets).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    expect(byEmail).toMatchObject({ ok: false, status: 404 });
  });
});
