// Who may send a signal: each source's own signature scheme, checked on the raw body before
// anything else is read. A failed check says nothing about why (the endpoint answers a bare
// 401), and every comparison is constant-time.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { SignalSource } from "./model.ts";

/** A timestamp further than this from our clock is refused: a captured request can't be replayed later. */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

export type Headers = Record<string, string | string[] | undefined>;

export type SignatureCheck =
  | {
      ok: true;
      /** The sender's id of this event (a retry carries the same one), or null when the scheme has none. */
      eventId: string | null;
    }
  | { ok: false; why: "missing-headers" | "bad-signature" | "stale-timestamp" | "bad-secret" };

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === "" ? undefined : first;
}

/** Constant-time comparison of two strings of any length (hashed first, so lengths don't leak). */
function sameText(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b)) && a.length === b.length;
}

function withinWindow(sentAtMs: number, now: Date): boolean {
  return Number.isFinite(sentAtMs) && Math.abs(now.getTime() - sentAtMs) <= TIMESTAMP_TOLERANCE_MS;
}

/** Standard Webhooks secrets are `whsec_` + base64 of the key bytes. */
export function standardWebhooksKey(secret: string): Buffer | null {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  const key = Buffer.from(encoded, "base64");
  return key.length >= 16 ? key : null;
}

/**
 * Standard Webhooks (standardwebhooks.com, spec "Verifying webhooks"): `webhook-signature`
 * holds space-separated `v1,<base64>` entries; each is base64(HMAC-SHA256(key,
 * `${webhook-id}.${webhook-timestamp}.${body}`)) with the secret's decoded key; the
 * timestamp is Unix seconds. One matching entry is enough (a sender rotating its secret
 * signs with both).
 */
export function verifyStandardWebhook(headers: Headers, body: Buffer, secret: string, now: Date): SignatureCheck {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) return { ok: false, why: "missing-headers" };
  const key = standardWebhooksKey(secret);
  if (!key) return { ok: false, why: "bad-secret" };
  if (!/^\d{1,12}$/.test(timestamp) || !withinWindow(Number(timestamp) * 1000, now)) {
    return { ok: false, why: "stale-timestamp" };
  }
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64");
  const match = signatures
    .split(" ")
    .map((entry) => entry.split(","))
    .some(([version, signature]) => version === "v1" && signature !== undefined && sameText(signature, expected));
  return match ? { ok: true, eventId: id } : { ok: false, why: "bad-signature" };
}

/** What a sender of the generic format puts in its headers (the README's script and the sandbox use it). */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  const key = standardWebhooksKey(secret);
  if (!key) throw new Error("A Standard Webhooks secret is whsec_ followed by base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": `v1,${signature}`,
  };
}

/**
 * Zendesk (developer.zendesk.com/documentation/webhooks/verifying/, "Verifying webhook
 * authenticity"): `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(signing secret,
 * TIMESTAMP + BODY)) with TIMESTAMP the `X-Zendesk-Webhook-Signature-Timestamp` header as
 * sent (ISO 8601, such as 2021-03-25T05:09:27Z, per "Anatomy of a webhook request"). The
 * event id is `X-Zendesk-Webhook-Invocation-Id` when present.
 */
export function verifyZendesk(headers: Headers, body: Buffer, secret: string, now: Date): SignatureCheck {
  const signature = header(headers, "x-zendesk-webhook-signature");
  const timestamp = header(headers, "x-zendesk-webhook-signature-timestamp");
  if (!signature || !timestamp) return { ok: false, why: "missing-headers" };
  if (!withinWindow(parseZendeskTimestamp(timestamp), now)) return { ok: false, why: "stale-timestamp" };
  const expected = createHmac("sha256", secret).update(timestamp).update(body).digest("base64");
  if (!sameText(signature, expected)) return { ok: false, why: "bad-signature" };
  return { ok: true, eventId: header(headers, "x-zendesk-webhook-invocation-id") ?? null };
}

/** Zendesk sends ISO 8601; Unix seconds are taken too (some proxies and test tools send them). */
function parseZendeskTimestamp(timestamp: string): number {
  if (/^\d{1,12}$/.test(timestamp)) return Number(timestamp) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(timestamp)) return Number.NaN;
  return Date.parse(timestamp);
}

export function signZendesk(secret: string, timestamp: string, body: string): Record<string, string> {
  return {
    "x-zendesk-webhook-signature": createHmac("sha256", secret)
      .update(timestamp + body)
      .digest("base64"),
    "x-zendesk-webhook-signature-timestamp": timestamp,
  };
}

/**
 * Intercom (developers.intercom.com/intercom-api-reference/v1.0/reference/signed-notifications,
 * "Signed Notifications"): `X-Hub-Signature: sha1=<hex>` where hex is HMAC-SHA1 of the raw body with
 * the app's client secret. Intercom signs no timestamp, so no time window applies (its
 * notifications may also be delayed or paused: developers.intercom.com/docs/webhooks/
 * webhook-notifications); the notification's `id` (notif_…) is the event id, kept per
 * connection, so a replay has no second effect.
 */
export function verifyIntercom(headers: Headers, body: Buffer, secret: string): SignatureCheck {
  const signature = header(headers, "x-hub-signature");
  if (!signature) return { ok: false, why: "missing-headers" };
  const expected = `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`;
  return sameText(signature.toLowerCase(), expected)
    ? { ok: true, eventId: null }
    : { ok: false, why: "bad-signature" };
}

export function signIntercom(secret: string, body: string): Record<string, string> {
  return { "x-hub-signature": `sha1=${createHmac("sha1", secret).update(body).digest("hex")}` };
}

/** Checks a request of `source` with the connection's secret. */
export function verifySignature(
  source: SignalSource,
  headers: Headers,
  body: Buffer,
  secret: string,
  now: Date,
): SignatureCheck {
  switch (source) {
    case "generic":
      return verifyStandardWebhook(headers, body, secret, now);
    case "zendesk":
      return verifyZendesk(headers, body, secret, now);
    case "intercom":
      return verifyIntercom(headers, body, secret);
  }
}

export { withinWindow as withinTimestampWindow };
