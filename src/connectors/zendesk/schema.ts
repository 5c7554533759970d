/**
 * Zod schemas of the Zendesk connector: what an admin stores (credentials, settings) and the
 * parts of Zendesk Support API v2 answers that the actions read. Answer schemas are loose so a
 * field Zendesk adds later passes through to the model instead of failing the call.
 */
import { z } from "zod";

export const TICKET_STATUSES = ["new", "open", "pending", "hold", "solved", "closed"] as const;
export const TICKET_PRIORITIES = ["urgent", "high", "normal", "low"] as const;

const secret = (name: string) =>
  z
    .string({ error: `${name} must be a string` })
    .trim()
    .min(1, `${name} must not be empty`);

/**
 * Either an API token with its agent's email (sent as Basic `{email}/token:{api_token}`) or an
 * OAuth access token (sent as Bearer); never both, so it is plain which one the vault holds.
 */
export const zendeskCredentialsSchema = z
  .strictObject({
    email: z.email("email must be the email address of the Zendesk agent").optional(),
    api_token: secret("api_token").optional(),
    oauth_token: secret("oauth_token").optional(),
  })
  .superRefine((value, context) => {
    const message = credentialsProblem(value);
    if (message) context.addIssue({ code: "custom", message });
  });

export type ZendeskCredentials = z.infer<typeof zendeskCredentialsSchema>;

function credentialsProblem(value: ZendeskCredentials): string | undefined {
  const usesToken = value.email !== undefined || value.api_token !== undefined;
  const usesOauth = value.oauth_token !== undefined;
  if (usesToken && usesOauth) {
    return "give either email and api_token, or oauth_token, not both";
  }
  if (!usesToken && !usesOauth) return "give either email and api_token, or oauth_token";
  if (usesToken && value.email === undefined) return "api_token needs the agent's email";
  if (usesToken && value.api_token === undefined) return "email needs an api_token";
  return undefined;
}

// A Zendesk subdomain is one DNS label: letters, digits and inner hyphens, at most 63 chars.
const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const zendeskSettingsSchema = z.strictObject({
  subdomain: z
    .string({ error: "subdomain must be a string" })
    .trim()
    .toLowerCase()
    .regex(SUBDOMAIN, "subdomain must be the 'acme' of acme.zendesk.com: letters, digits, '-'")
    .optional(),
});

/** The ticket fields every answer has; the rest passes through untouched. */
/** Only `id` is required: a field Zendesk leaves out (or a compatible server lacks) is null. */
export const ticketSchema = z.looseObject({
  id: z.number(),
  subject: z.string().nullish(),
  status: z.string().nullish(),
  priority: z.string().nullish(),
  assignee_id: z.number().nullish(),
  requester_id: z.number().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

export type Ticket = z.infer<typeof ticketSchema>;

export const ticketAnswerSchema = z.object({ ticket: ticketSchema });

/** Cursor pagination (developer.zendesk.com/api-reference/introduction/pagination). */
/** A ticket page, cursor style (`meta.has_more`) or offset style (`next_page`). */
export const ticketPageSchema = z.object({
  tickets: z.array(ticketSchema),
  meta: z.object({ has_more: z.boolean() }).optional(),
  next_page: z.string().nullish(),
});

/** Any ticket list, cursor or offset style: enough to prove tickets can be read. */
export const ticketListProbeSchema = z.object({ tickets: z.array(z.unknown()) });

/** `GET /search.json`: offset pagination, `next_page` is null on the last page. */
export const searchPageSchema = z.object({
  results: z.array(z.looseObject({ result_type: z.string() })),
  next_page: z.string().nullable(),
});

/** `GET /users/me.json`, which answers 200 with `id: null` to an anonymous caller. */
export const selfAnswerSchema = z.object({
  user: z.looseObject({
    id: z.number().nullable(),
    name: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    role: z.string().optional(),
  }),
});

/**
 * Zendesk's error envelopes: `{error, description, details: {field: [{description}]}}`, the
 * bare `{error: "Couldn't authenticate you"}`, and `{error: {title, message}}` from search.
 */
export const errorAnswerSchema = z.looseObject({
  error: z
    .union([
      z.string(),
      z.looseObject({ title: z.string().optional(), message: z.string().optional() }),
    ])
    .optional(),
  description: z.string().optional(),
  details: z
    .record(z.string(), z.array(z.looseObject({ description: z.string().optional() })))
    .optional(),
});
