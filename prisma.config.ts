// Prisma CLI configuration. `engine: "js"` runs migrations in WebAssembly through the same
// driver adapter the app uses, so no native engine binary is ever downloaded.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { openDriverAdapter } from "./src/db/adapters.ts";

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  async adapter() {
    const { adapterFactory } = await openDriverAdapter(process.env.DATABASE_URL);
    return adapterFactory;
  },
});
