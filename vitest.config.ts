import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file starts its own app and in-memory database; files run in parallel workers.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
