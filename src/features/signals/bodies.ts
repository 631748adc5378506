// Each source's body, checked with a schema and turned into a StoredSignal. A body that fails
// gets a short reason for the 400 (the sender's logs show it); nothing of the body is kept.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Headers } from "./signatures.ts";
import { storedSignal, type SignalSource, type StoredSignal } from "./model.ts";

export type BodyResult =
  | { ok: true; signal: StoredSignal; eventId: string | null }
  /** Signed and well-formed, but nothing to do (Intercom's ping, a topic Delight ignores). */
  | { ok: true; signal: null; eventId: string | null }
  | { ok: false; reason: string };

const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v?.trim() ? v.trim() : null));

const dateish = z
  .string()
  .nullish()
  .transform((v, ctx) => {
    if (!v?.trim()) return null;
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: "custom", message: "is not a date (use ISO 8601, such as 2026-12-05)" });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

// The generic format (README, "Connect your helpdesk").
const genericBody = z.object({
  type: z.enum(["feedback", "customer"]),
  occurred_at: z.iso.datetime({ offset: true }),
  customer: z.object({
    name: z.string().trim().min(1).max(150),
    external_id: optionalText,
    tier: optionalText,
    interests: z.array(z.string()).max(30).nullish(),
    notes: optionalText,
    owner_email: optionalText,
    customer_since: dateish,
    renewal_at: dateish,
  }),
  score: z
    .object({
      kind: z.enum(["csat", "nps"]),
      value: z.number().min(0).max(100),
      scale_max: z.number().positive().max(100).nullish(),
    })
    .nullish(),
  comment: optionalText,
  agent_email: optionalText,
  url: optionalText,
});

// What the README's Zendesk trigger sends (placeholders filled in by Zendesk).
const zendeskBody = z.object({
  ticket_id: z.union([z.string(), z.number()]).transform(String),
  ticket_url: optionalText,
  rating: optionalText,
  comment: optionalText,
  customer: optionalText,
  requester: optionalText,
  assignee_email: optionalText,
});

// An Intercom webhook notification (developers.intercom.com/docs/references/webhooks/webhook-models:
// type notification_event, id notif_…, topic, created_at, data.item), for the topic
// conversation.rating.added; data.item is the conversation with its conversation_rating
// (rating 1–5, remark) and, in the notification's conversation model, the assignee.
const intercomBody = z.object({
  type: z.literal("notification_event"),
  id: z.string().min(1).max(200),
  topic: z.string(),
  created_at: z.number().nullish(),
  data: z
    .object({
      item: z
        .object({
          id: z.union([z.string(), z.number()]).transform(String).nullish(),
          conversation_rating: z.object({ rating: z.number().min(1).max(5).nullish(), remark: optionalText }).nullish(),
          assignee: z.object({ email: optionalText }).nullish(),
          source: z.object({ author: z.object({ name: optionalText, email: optionalText }).nullish() }).nullish(),
          links: z.object({ conversation_web: optionalText }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "the body does not match the format";
  const where = issue.path.length > 0 ? issue.path.join(".") : "body";
  return `${where}: ${issue.message}`.slice(0, 200);
}

const emailOrNull = (value: string | null): string | null =>
  value && z.email().safeParse(value.toLowerCase()).success ? value.toLowerCase() : null;
const urlOrNull = (value: string | null): string | null =>
  value && /^https?:\/\/[^\s<>|]+$/i.test(value) && z.url().safeParse(value).success ? value : null;

const emptyCustomer = (name: string): StoredSignal["customer"] => ({
  name,
  externalId: null,
  tier: null,
  interests: [],
  notes: null,
  ownerEmail: null,
  customerSince: null,
  renewalAt: null,
});

function finish(candidate: StoredSignal, eventId: string | null): BodyResult {
  const checked = storedSignal.safeParse(candidate);
  return checked.success
    ? { ok: true, signal: checked.data, eventId }
    : { ok: false, reason: problemOf(checked.error) };
}

function parseGeneric(json: unknown): BodyResult {
  const parsed = genericBody.safeParse(json);
  if (!parsed.success) return { ok: false, reason: problemOf(parsed.error) };
  const b = parsed.data;
  const ownerEmail = b.customer.owner_email ? emailOrNull(b.customer.owner_email) : null;
  if (b.customer.owner_email && !ownerEmail) return { ok: false, reason: "customer.owner_email: not an email address" };
  const agentEmail = b.agent_email ? emailOrNull(b.agent_email) : null;
  if (b.agent_email && !agentEmail) return { ok: false, reason: "agent_email: not an email address" };
  if (b.score?.kind === "nps" && b.score.value > 10) return { ok: false, reason: "score.value: NPS is 0 to 10" };
  if (b.score && b.score.kind === "csat" && b.score.value > (b.score.scale_max ?? 5)) {
    return { ok: false, reason: "score.value: above scale_max (default 5)" };
  }
  return finish(
    {
      type: b.type,
      source: "generic",
      occurredAt: new Date(b.occurred_at).toISOString(),
      customer: {
        name: b.customer.name,
        externalId: b.customer.external_id,
        tier: b.customer.tier,
        interests: (b.customer.interests ?? []).map((i) => i.trim()).filter(Boolean),
        notes: b.customer.notes,
        ownerEmail,
        customerSince: b.customer.customer_since,
        renewalAt: b.customer.renewal_at,
      },
      score: b.score
        ? { kind: b.score.kind, value: b.score.value, scaleMax: b.score.scale_max ?? null, label: null }
        : null,
      comment: b.comment,
      agentEmail,
      url: urlOrNull(b.url),
      reference: null,
      subjectKey: null,
    },
    null,
  );
}

function parseZendesk(json: unknown, headers: Headers, body: Buffer): BodyResult {
  const parsed = zendeskBody.safeParse(json);
  if (!parsed.success) return { ok: false, reason: problemOf(parsed.error) };
  const b = parsed.data;
  // {{satisfaction.current_rating}} renders as "Good" or "Bad" (or "Offered"/"Unoffered" before
  // the customer rated); a 1–5 number is taken as CSAT too.
  const rating = (b.rating ?? "").toLowerCase();
  const label = rating.startsWith("good") ? "good" : rating.startsWith("bad") ? "bad" : null;
  const numeric = /^[1-5]$/.test(rating) ? Number(rating) : null;
  const timestamp = String(headers["x-zendesk-webhook-signature-timestamp"] ?? "");
  const occurredAt = Number.isNaN(Date.parse(timestamp)) ? new Date(Number(timestamp) * 1000) : new Date(timestamp);
  // Zendesk's invocation id is the event id; without it, the body itself (a resend is identical).
  const eventId = createHash("sha256").update(body).digest("hex");
  return finish(
    {
      type: "feedback",
      source: "zendesk",
      occurredAt: (Number.isNaN(occurredAt.getTime()) ? new Date() : occurredAt).toISOString(),
      customer: emptyCustomer(b.customer ?? b.requester ?? `Zendesk ticket #${b.ticket_id}`),
      score: label
        ? { kind: "csat", value: null, scaleMax: null, label }
        : numeric !== null
          ? { kind: "csat", value: numeric, scaleMax: 5, label: null }
          : null,
      comment: b.comment,
      agentEmail: emailOrNull(b.assignee_email),
      url: urlOrNull(b.ticket_url),
      reference: `ticket #${b.ticket_id}`.slice(0, 100),
      subjectKey: `ticket:${b.ticket_id}`.slice(0, 200),
    },
    eventId,
  );
}

function parseIntercom(json: unknown): BodyResult {
  const parsed = intercomBody.safeParse(json);
  if (!parsed.success) return { ok: false, reason: problemOf(parsed.error) };
  const b = parsed.data;
  if (b.topic !== "conversation.rating.added") return { ok: true, signal: null, eventId: b.id };
  const conversation = b.data?.item;
  const rating = conversation?.conversation_rating;
  if (!conversation || !rating) return { ok: false, reason: "data.item.conversation_rating: missing" };
  const author = conversation.source?.author;
  return finish(
    {
      type: "feedback",
      source: "intercom",
      occurredAt: new Date((b.created_at ?? Date.now() / 1000) * 1000).toISOString(),
      customer: emptyCustomer(author?.name ?? `Intercom conversation ${conversation.id ?? ""}`.trim()),
      score: rating.rating ? { kind: "csat", value: rating.rating, scaleMax: 5, label: null } : null,
      comment: rating.remark,
      agentEmail: emailOrNull(conversation.assignee?.email ?? null),
      url: urlOrNull(conversation.links?.conversation_web ?? null),
      reference: conversation.id ? `conversation ${conversation.id}`.slice(0, 100) : null,
      subjectKey: conversation.id ? `conversation:${conversation.id}`.slice(0, 200) : null,
    },
    b.id,
  );
}

/** Parses a signed body of `source`. */
export function parseSignalBody(source: SignalSource, body: Buffer, headers: Headers): BodyResult {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, reason: "the body is not JSON" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, reason: "the body must be a JSON object" };
  }
  switch (source) {
    case "generic":
      return parseGeneric(json);
    case "zendesk":
      return parseZendesk(json, headers, body);
    case "intercom":
      return parseIntercom(json);
  }
}
