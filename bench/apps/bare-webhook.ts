// The ceiling for customer signals: a bare Node HTTP server that reads a webhook's body, checks
// its Standard Webhooks signature with the same function Delight uses, and answers 200 (or 401).
// No database, no parsing, no job: what any receiver must do at least.
import { createServer } from "node:http";
import { verifyStandardWebhook } from "../../src/features/signals/signatures.ts";

const secret = process.env.BENCH_WEBHOOK_SECRET ?? "";
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const check = verifyStandardWebhook(req.headers, Buffer.concat(chunks), secret, new Date());
    res.writeHead(check.ok ? 200 : 401, { "content-type": "application/json" }).end(check.ok ? '{"ok":true}' : "");
  });
});
// The same accept queue as Delight's (src/app.ts).
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 }));
});
