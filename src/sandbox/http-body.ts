// Reading what an app sends the Slack imitation: request bodies, Web API arguments (form
// fields or JSON), an upload's file, and client credentials sent with HTTP Basic.
import type { IncomingMessage } from "node:http";

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// The Web API client sends form fields, with objects (blocks, view) JSON-encoded;
// response_url posts are JSON.
export function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The file in an upload: the multipart form's file field, or the raw body. */
export async function fileBytes(body: Buffer, contentType: string): Promise<{ bytes: Buffer; contentType: string }> {
  if (!contentType.includes("multipart/form-data")) return { bytes: body, contentType };
  const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  for (const value of form.values()) {
    if (typeof value !== "string") return { bytes: Buffer.from(await value.arrayBuffer()), contentType: value.type };
  }
  return { bytes: body, contentType };
}

/** client_id and client_secret sent with HTTP Basic authentication (oauth.v2.access allows both). */
export function basicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  const encoded = /^Basic (.+)$/.exec(header ?? "")?.[1];
  if (!encoded) return undefined;
  const [id, ...secret] = Buffer.from(encoded, "base64").toString("utf8").split(":");
  return id ? { id, secret: secret.join(":") } : undefined;
}
