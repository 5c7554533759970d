/**
 * The Zendesk ticket actions, each one call to Support API v2. Lists return a few fields per
 * ticket so a long list does not flood the model's context; get_ticket returns the whole ticket.
 */
import { z } from "zod";
import { callZendesk, type ZendeskContext } from "./client.ts";
import { defineAction, outcome } from "./define-action.ts";
import {
  searchPageSchema,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type Ticket,
  ticketAnswerSchema,
  ticketPageSchema,
  ticketSchema,
} from "./schema.ts";

const DEFAULT_LIST_LIMIT = 25;
// An agent's numeric id, an email, `me` (the connector's user) or `none` (unassigned): the
// forms Zendesk search accepts for `assignee:`.
const ASSIGNEE = /^(?:\d+|me|none|[^\s@"]+@[^\s@"]+)$/;

const ticketId = z.int().positive().describe("The numeric Zendesk ticket id");
const status = z.enum(TICKET_STATUSES);

function trimTicket(ticket: Ticket) {
  const { id, subject, status, priority, assignee_id, requester_id, created_at, updated_at } =
    ticket;
  const orNull = <T>(value: T | null | undefined) => value ?? null;
  return {
    id,
    subject: orNull(subject),
    status: orNull(status),
    priority: orNull(priority),
    assignee_id: orNull(assignee_id),
    requester_id: orNull(requester_id),
    created_at: orNull(created_at),
    updated_at: orNull(updated_at),
  };
}

const listTicketsInput = z.object({
  status: status.optional().describe("Only tickets in this status"),
  assignee: z
    .string()
    .trim()
    .regex(ASSIGNEE, "assignee must be a user id, an email, 'me' or 'none'")
    .optional()
    .describe(
      "Only tickets assigned to this agent: user id, email, 'me', or 'none' for unassigned",
    ),
  limit: z
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe(`How many tickets (1-100, default ${DEFAULT_LIST_LIMIT})`),
});

type ListTicketsArgs = z.output<typeof listTicketsInput>;

function listTickets(args: ListTicketsArgs, context: ZendeskContext) {
  const limit = String(args.limit ?? DEFAULT_LIST_LIMIT);
  const filtered = args.status !== undefined || args.assignee !== undefined;
  return filtered ? searchTickets(args, limit, context) : listAllTickets(limit, context);
}

async function listAllTickets(limit: string, context: ZendeskContext) {
  // Cursor pagination: offset pages are refused past 10,000 records (Zendesk, 2023-08-15).
  const result = await callZendesk(context, {
    method: "GET",
    path: "/tickets.json",
    query: { "page[size]": limit },
    answer: ticketPageSchema,
  });
  return outcome(result, (body) => ({
    tickets: body.tickets.map(trimTicket),
    has_more: body.meta?.has_more ?? Boolean(body.next_page),
  }));
}

/**
 * Without the Search API (a 404: some Zendesk-compatible servers lack it), a status or id
 * filter is applied to one page of up to 100 tickets instead; has_more then says whether
 * Zendesk holds more tickets than that page.
 */
async function filterOnePage(args: ListTicketsArgs, limit: number, context: ZendeskContext) {
  const assignee = args.assignee;
  const byId = assignee === undefined || assignee === "none" || /^\d+$/.test(assignee);
  if (!byId) return undefined;
  const result = await callZendesk(context, {
    method: "GET",
    path: "/tickets.json",
    query: { "page[size]": "100" },
    answer: ticketPageSchema,
  });
  return outcome(result, (body) => {
    const wanted = (ticket: Ticket) =>
      (args.status === undefined || ticket.status === args.status) &&
      (assignee === undefined ||
        (assignee === "none"
          ? ticket.assignee_id == null
          : ticket.assignee_id === Number(assignee)));
    const matching = body.tickets.filter(wanted);
    return {
      tickets: matching.slice(0, limit).map(trimTicket),
      has_more: matching.length > limit || (body.meta?.has_more ?? Boolean(body.next_page)),
    };
  });
}

async function searchTickets(args: ListTicketsArgs, limit: string, context: ZendeskContext) {
  const terms = ["type:ticket"];
  if (args.status !== undefined) terms.push(`status:${args.status}`);
  if (args.assignee !== undefined) terms.push(`assignee:${args.assignee}`);
  const result = await callZendesk(context, {
    method: "GET",
    path: "/search.json",
    query: { query: terms.join(" "), per_page: limit },
    answer: searchPageSchema,
  });
  if (!result.ok && result.status === 404) {
    return (await filterOnePage(args, Number(limit), context)) ?? result;
  }
  return outcome(result, (body) => ({
    tickets: body.results.flatMap((item) => {
      const ticket = item.result_type === "ticket" ? ticketSchema.safeParse(item) : undefined;
      return ticket?.success ? [trimTicket(ticket.data)] : [];
    }),
    has_more: body.next_page !== null,
  }));
}

export const listTicketsAction = defineAction({
  name: "list_tickets",
  title: "List tickets",
  description:
    "List Zendesk tickets with their id, subject, status, priority, assignee_id, requester_id " +
    "and timestamps. Filter by status and/or assignee; with no filter, lists all tickets. " +
    "has_more=true means more tickets matched than were returned: narrow the filters. " +
    "Use get_ticket for a ticket's full description.",
  input: listTicketsInput,
  readOnly: true,
  destructive: false,
  run: listTickets,
});

export const getTicketAction = defineAction({
  name: "get_ticket",
  title: "Get a ticket",
  description: "Fetch one Zendesk ticket by id with all its fields, including the description.",
  input: z.object({ id: ticketId }),
  readOnly: true,
  destructive: false,
  async run({ id }, context) {
    const result = await callZendesk(context, {
      method: "GET",
      path: `/tickets/${id}.json`,
      answer: ticketAnswerSchema,
      notFound: `Ticket ${id} not found`,
    });
    return outcome(result, (body) => ({ ticket: body.ticket }));
  },
});

export const createTicketAction = defineAction({
  name: "create_ticket",
  title: "Create a ticket",
  description:
    "Open a new Zendesk ticket. The description becomes the ticket's first, public comment; " +
    "the connector's user is the requester.",
  input: z.object({
    subject: z.string().trim().min(1).describe("One-line summary of the problem"),
    description: z.string().trim().min(1).describe("The full problem statement (first comment)"),
    priority: z
      .enum(TICKET_PRIORITIES)
      .optional()
      .describe("Urgency; Zendesk leaves it unset if omitted"),
  }),
  readOnly: false,
  destructive: false,
  async run({ subject, description, priority }, context) {
    const result = await callZendesk(context, {
      method: "POST",
      path: "/tickets.json",
      json: { ticket: { subject, comment: { body: description }, priority } },
      answer: ticketAnswerSchema,
    });
    return outcome(result, (body) => ({ ticket: body.ticket }));
  },
});

export const updateTicketAction = defineAction({
  name: "update_ticket",
  title: "Update a ticket",
  description:
    "Change a Zendesk ticket's status and/or add a comment to it. Give at least one of status " +
    "and comment. A comment is public (emailed to the requester) unless public is false, which " +
    "makes it an internal note. A closed ticket can no longer be updated.",
  input: z
    .object({
      id: ticketId,
      status: status.optional().describe("The new status"),
      comment: z.string().trim().min(1).optional().describe("Comment text to add"),
      public: z.boolean().optional().describe("false for an internal note; default true"),
    })
    .refine((args) => args.status !== undefined || args.comment !== undefined, {
      message: "give a status, a comment, or both",
    })
    .refine((args) => args.public === undefined || args.comment !== undefined, {
      message: "public applies only to a comment",
      path: ["public"],
    }),
  readOnly: false,
  // It overwrites the status, and Zendesk later closes a solved ticket, which is final.
  destructive: true,
  async run({ id, status, comment, public: isPublic }, context) {
    const result = await callZendesk(context, {
      method: "PUT",
      path: `/tickets/${id}.json`,
      json: {
        ticket: {
          status,
          comment: comment === undefined ? undefined : { body: comment, public: isPublic },
        },
      },
      answer: ticketAnswerSchema,
      notFound: `Ticket ${id} not found`,
    });
    return outcome(result, (body) => ({ ticket: body.ticket }));
  },
});

export const deleteTicketAction = defineAction({
  name: "delete_ticket",
  title: "Delete a ticket",
  description:
    "Delete a Zendesk ticket by id. It disappears from every view at once; a Zendesk admin " +
    "can restore it from the deleted tickets view for a limited time.",
  input: z.object({ id: ticketId }),
  readOnly: false,
  destructive: true,
  async run({ id }, context) {
    const result = await callZendesk(context, {
      method: "DELETE",
      path: `/tickets/${id}.json`,
      answer: z.unknown(),
      notFound: `Ticket ${id} not found`,
    });
    return outcome(result, () => ({ deleted: true, id }));
  },
});

export const zendeskActions = [
  listTicketsAction,
  getTicketAction,
  createTicketAction,
  updateTicketAction,
  deleteTicketAction,
] as const;
