// PGlite runs with the lowered shared_buffers (a PGlite upgrade that moves the string fails here).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDriverAdapter } from "../../src/db/adapters.ts";
import { rewriteCString, SHARED_BUFFERS } from "../../src/db/pglite-wasm.ts";

describe("PGlite wasm", () => {
  it("rewrites a C string only when it occurs exactly once", () => {
    const bytes = Buffer.from("\0a=128MB\0b\0");
    expect(rewriteCString(bytes, "a=128MB", "a=16MB")).toBe(true);
    expect(bytes.toString("latin1")).toBe("\0a=16MB\0\0b\0");
    expect(rewriteCString(Buffer.from("\0x\0x\0"), "x", "y")).toBe(false);
    expect(rewriteCString(Buffer.from("\0x\0"), "x", "yy")).toBe(false);
  });

  it("starts PostgreSQL with shared_buffers lowered, in memory and on a file created in a child process", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "delight-wasm-"));
    try {
      for (const [url, options] of [
        ["memory://", {}],
        [`file:${path.join(dir, "data")}`, { createInChildProcess: true }],
      ] as const) {
        const driver = await openDriverAdapter(url, options);
        const [row] = await driver.query<{ shared_buffers: string }>("SHOW shared_buffers");
        expect(row?.shared_buffers).toBe(SHARED_BUFFERS);
        if (url !== "memory://") expect(driver.appliedAtCreation?.length).toBeGreaterThan(0);
        await driver.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
