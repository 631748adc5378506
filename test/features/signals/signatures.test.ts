// Signature checks against vectors computed outside the implementation: the Standard Webhooks
// specification's own example (standard-webhooks/standard-webhooks, "Signature scheme"), and
// Zendesk's and Intercom's documented algorithms computed with `openssl dgst` (commands below).
import { describe, expect, it } from "vitest";
import {
  signStandardWebhook,
  verifyIntercom,
  verifyStandardWebhook,
  verifyZendesk,
} from "../../../src/features/signals/signatures.ts";

const at = (iso: string) => new Date(iso);

describe("Standard Webhooks", () => {
  // The specification's example: secret, id, timestamp, body and the signature it documents.
  // Recomputed with: KEY=$(printf MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw | base64 -d | xxd -p -c 256);
  // printf '%s' 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' |
  //   openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY -binary | base64
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = Buffer.from('{"test": 2432232314}');
  const headers = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
  };
  const now = new Date(1614265330 * 1000 + 30_000);

  it("accepts the specification's example, with the id as the event id", () => {
    expect(verifyStandardWebhook(headers, body, secret, now)).toEqual({
      ok: true,
      eventId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
    });
  });

  it("accepts one matching signature among several (secret rotation)", () => {
    const both = { ...headers, "webhook-signature": `v1,bm90IHRoaXMgb25l ${headers["webhook-signature"]}` };
    expect(verifyStandardWebhook(both, body, secret, now).ok).toBe(true);
  });

  it("refuses a tampered body, a wrong secret, another id", () => {
    expect(verifyStandardWebhook(headers, Buffer.from('{"test": 2432232315}'), secret, now)).toEqual({
      ok: false,
      why: "bad-signature",
    });
    expect(
      verifyStandardWebhook(headers, body, "whsec_" + Buffer.from("another-secret-key!").toString("base64"), now).ok,
    ).toBe(false);
    expect(verifyStandardWebhook({ ...headers, "webhook-id": "msg_other" }, body, secret, now).ok).toBe(false);
    expect(
      verifyStandardWebhook(
        { ...headers, "webhook-signature": "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" },
        body,
        secret,
        now,
      ).ok,
    ).toBe(false);
  });

  it("refuses a timestamp more than 5 minutes away, either way", () => {
    expect(verifyStandardWebhook(headers, body, secret, new Date(1614265330 * 1000 + 5 * 60_000 + 1000))).toEqual({
      ok: false,
      why: "stale-timestamp",
    });
    expect(verifyStandardWebhook(headers, body, secret, new Date(1614265330 * 1000 - 5 * 60_000 - 1000)).ok).toBe(
      false,
    );
    expect(verifyStandardWebhook(headers, body, secret, new Date(1614265330 * 1000 + 4 * 60_000)).ok).toBe(true);
  });

  it("refuses missing headers", () => {
    for (const name of Object.keys(headers)) {
      const without = { ...headers, [name]: undefined };
      expect(verifyStandardWebhook(without, body, secret, now)).toEqual({ ok: false, why: "missing-headers" });
    }
  });

  it("signs what it verifies (the helper scripts and the sandbox use it)", () => {
    const signed = signStandardWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(signed["webhook-signature"]).toBe(headers["webhook-signature"]);
  });
});

describe("Zendesk", () => {
  // printf '%s' '2026-11-23T09:00:00Z{"ticket_id":123,"rating":"Bad"}' |
  //   openssl dgst -sha256 -hmac 'zendesk-signing-secret' -binary | base64
  const secret = "zendesk-signing-secret";
  const body = Buffer.from('{"ticket_id":123,"rating":"Bad"}');
  const headers = {
    "x-zendesk-webhook-signature": "DKzNNAEanI0jA2Uq+QSGkbHc98yQMwGw2NeYNTljelM=",
    "x-zendesk-webhook-signature-timestamp": "2026-11-23T09:00:00Z",
    "x-zendesk-webhook-invocation-id": "8350205582",
  };
  const now = at("2026-11-23T09:01:00Z");

  it("accepts base64(HMAC-SHA256(secret, timestamp + body)), with the invocation id as the event id", () => {
    expect(verifyZendesk(headers, body, secret, now)).toEqual({ ok: true, eventId: "8350205582" });
  });

  it("refuses a tampered body, a wrong secret, a changed timestamp", () => {
    expect(verifyZendesk(headers, Buffer.from('{"ticket_id":123,"rating":"Good"}'), secret, now).ok).toBe(false);
    expect(verifyZendesk(headers, body, "another-secret", now).ok).toBe(false);
    expect(
      verifyZendesk({ ...headers, "x-zendesk-webhook-signature-timestamp": "2026-11-23T09:00:01Z" }, body, secret, now)
        .ok,
    ).toBe(false);
  });

  it("refuses a stale timestamp and missing headers", () => {
    expect(verifyZendesk(headers, body, secret, at("2026-11-23T09:06:00Z"))).toEqual({
      ok: false,
      why: "stale-timestamp",
    });
    expect(verifyZendesk({ ...headers, "x-zendesk-webhook-signature": undefined }, body, secret, now)).toEqual({
      ok: false,
      why: "missing-headers",
    });
    expect(
      verifyZendesk({ ...headers, "x-zendesk-webhook-signature-timestamp": undefined }, body, secret, now).ok,
    ).toBe(false);
  });
});

describe("Intercom", () => {
  // printf '%s' '{"type":"notification_event","id":"notif_1","topic":"ping"}' |
  //   openssl dgst -sha1 -hmac 'intercom-client-secret'
  const secret = "intercom-client-secret";
  const body = Buffer.from('{"type":"notification_event","id":"notif_1","topic":"ping"}');
  const headers = { "x-hub-signature": "sha1=e58fe9117c1e49c088d947fbe9c92f5ffba903d2" };

  it("accepts sha1=hex(HMAC-SHA1(client secret, body))", () => {
    expect(verifyIntercom(headers, body, secret).ok).toBe(true);
  });

  it("refuses a tampered body, a wrong secret, a missing header", () => {
    expect(
      verifyIntercom(headers, Buffer.from('{"type":"notification_event","id":"notif_2","topic":"ping"}'), secret).ok,
    ).toBe(false);
    expect(verifyIntercom(headers, body, "another-secret").ok).toBe(false);
    expect(verifyIntercom({}, body, secret)).toEqual({ ok: false, why: "missing-headers" });
  });
});
