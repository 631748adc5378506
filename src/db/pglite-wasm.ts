// PGlite 0.3 starts PostgreSQL with `-c shared_buffers=128MB` compiled into pglite.wasm (its
// WASM_PGOPTS); it reads no postgresql.conf and has no option for it (startParams came in 0.4).
// Emscripten's anonymous mmap zero-fills the shared memory segment, so all 128 MB of buffers
// became resident at start although this app touches a few MB of them. We compile the module
// ourselves from the bytes with that one argument rewritten in place (same length, NUL padded)
// and hand it to PGlite through its public `wasmModule` option. Nothing about shared_buffers is
// stored in the data directory, so either build opens the other's directories.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { PGliteOptions } from "@electric-sql/pglite";

// Our tsconfig has no DOM lib, so WebAssembly is not declared; this is the one call we use.
type WasmModule = NonNullable<PGliteOptions["wasmModule"]>;
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> };
};

/** Measured (`npm run bench -- memory`): idle RSS about 120 MB lower than with 128MB; random reads on a 65 MB table no slower. */
export const SHARED_BUFFERS = "16MB";
export const PGLITE_DEFAULT_ARG = "shared_buffers=128MB";

/** Rewrites a NUL-terminated C string in `bytes` in place; false unless it occurs exactly once. */
export function rewriteCString(bytes: Uint8Array, from: string, to: string): boolean {
  if (Buffer.byteLength(to) > Buffer.byteLength(from)) return false;
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const needle = Buffer.from(`\0${from}\0`);
  const at = haystack.indexOf(needle);
  if (at < 0 || haystack.indexOf(needle, at + 1) >= 0) return false;
  const replacement = Buffer.alloc(Buffer.byteLength(from)); // NUL padded
  replacement.write(to);
  replacement.copy(haystack, at + 1);
  return true;
}

let compiled: Promise<WasmModule> | undefined;

/** PGlite's wasm module with shared_buffers=16MB, compiled once per process. */
export function pgliteWasmModule(): Promise<WasmModule> {
  compiled ??= (async () => {
    const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
    const bytes = await readFile(path.join(path.dirname(entry), "pglite.wasm"));
    if (!rewriteCString(bytes, PGLITE_DEFAULT_ARG, `shared_buffers=${SHARED_BUFFERS}`)) {
      // Another PGlite build: run it as it comes (test/db checks this one is patched).
      console.warn(`pglite.wasm has no "${PGLITE_DEFAULT_ARG}" to lower; PGlite keeps its default`);
    }
    return wasm.compile(bytes);
  })();
  return compiled;
}
