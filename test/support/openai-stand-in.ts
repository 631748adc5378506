// A local OpenAI-compatible server for tests: the real `openai` SDK talks to it through
// OPENAI_BASE_URL. It records every request body and answers chat completions with whatever
// the test sets: a JSON content, a refusal, an HTTP error, malformed JSON, or a hang.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ModelBehaviour =
  | { kind: "content"; content: string }
  | { kind: "refusal"; refusal: string }
  | { kind: "status"; status: number }
  | { kind: "hang" };

export interface RecordedModelRequest {
  path: string;
  body: Record<string, unknown>;
  raw: string;
}

export class OpenAIStandIn {
  readonly requests: RecordedModelRequest[] = [];
  behaviour: ModelBehaviour = { kind: "content", content: "{}" };
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();
  baseUrl = "";

  /** Answers every chat completion with this JSON (as the message content). */
  answerJson(value: unknown): void {
    this.behaviour = { kind: "content", content: JSON.stringify(value) };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          // recorded as raw only
        }
        this.requests.push({ path: req.url ?? "", body, raw });
        const b = this.behaviour;
        if (b.kind === "hang") {
          this.hanging.add(res);
          res.on("close", () => this.hanging.delete(res));
          return;
        }
        if (b.kind === "status") {
          res.writeHead(b.status, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: "stand-in error", type: "server_error" } }));
          return;
        }
        const message =
          b.kind === "content"
            ? { role: "assistant", content: b.content, refusal: null }
            : { role: "assistant", content: null, refusal: b.refusal };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: "chatcmpl-standin",
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: typeof body.model === "string" ? body.model : "stand-in",
            choices: [{ index: 0, message, finish_reason: "stop", logprobs: null }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}/v1`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}
