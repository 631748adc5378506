// Creates a migration from what changed in prisma/schema.prisma since the last commit:
//   npm run db:new-migration -- add-customer-notes [--from path/to/old/schema.prisma]
// A schema-to-schema diff needs no database, shadow database or native engine, so it works
// offline on every machine (`prisma migrate dev` needs a shadow database that PGlite's adapter
// cannot provide to the Prisma 6 CLI).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith("--"));
const fromIndex = args.indexOf("--from");
if (!name || !/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
  console.error("Usage: npm run db:new-migration -- <name-in-kebab-case> [--from old-schema.prisma]");
  process.exit(1);
}

let fromSchema = fromIndex >= 0 ? args[fromIndex + 1] : undefined;
if (!fromSchema) {
  fromSchema = path.join(mkdtempSync(path.join(tmpdir(), "delight-schema-")), "schema.prisma");
  writeFileSync(fromSchema, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"]));
}

const sql = execFileSync(
  "npx",
  [
    "prisma",
    "migrate",
    "diff",
    "--from-schema-datamodel",
    fromSchema,
    "--to-schema-datamodel",
    "prisma/schema.prisma",
    "--script",
  ],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
if (sql.includes("This is an empty migration")) {
  console.log("prisma/schema.prisma has not changed since the last commit: no migration written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name.replace(/-/g, "_")}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${dir}/migration.sql — review it, then run the tests (the app applies it at start-up).`);
