// Signs a customer signal the way Delight's generic connection expects (Standard Webhooks)
// and prints the curl command that sends it, or sends it with --send:
//   npx tsx scripts/send-signal.ts <webhook URL> <whsec_… secret> [body.json] [--send]
// Without a body file it signs an example NPS detractor. The id is new each time (a resend
// of the same id has no second effect); the timestamp is now (Delight refuses one more than
// 5 minutes off).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { signStandardWebhook } from "../src/features/signals/signatures.ts";

const args = process.argv.slice(2).filter((a) => a !== "--send");
const send = process.argv.includes("--send");
const [url, secret, bodyFile] = args;
if (!url || !secret?.startsWith("whsec_")) {
  console.error("Usage: npx tsx scripts/send-signal.ts <webhook URL> <whsec_… secret> [body.json] [--send]");
  process.exit(1);
}

const example = {
  type: "feedback",
  occurred_at: new Date().toISOString(),
  customer: { name: "Acme Corp", external_id: "crm-42", tier: "gold" },
  score: { kind: "nps", value: 3 },
  comment: "Our order arrived two weeks late and nobody told us.",
  agent_email: "alex@example.com",
  url: "https://helpdesk.example.com/tickets/123",
};
const body = bodyFile ? readFileSync(bodyFile, "utf8").trim() : JSON.stringify(example);
const headers = signStandardWebhook(secret, `msg_${randomUUID()}`, Math.floor(Date.now() / 1000), body);

if (send) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  console.log(response.status, await response.text());
} else {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const lines = [
    `curl -X POST ${quote(url)}`,
    `  -H 'content-type: application/json'`,
    ...Object.entries(headers).map(([name, value]) => `  -H ${quote(`${name}: ${value}`)}`),
    `  --data-raw ${quote(body)}`,
  ];
  console.log(lines.join(" \\\n"));
}
