// `npm start`'s prestart: compiles src/ to dist/ only when a source is newer than the last
// build (after a `git pull` without `npm install`, say). A fresh install has already built
// (postinstall), so a normal start costs a directory walk, not a 10-second tsc run.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const builtAt = mtime(path.join(root, "dist", "main.js"));

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, mtime(full));
  }
  return newest;
}

const sources = Math.max(
  newestSource(path.join(root, "src")),
  mtime(path.join(root, "tsconfig.json")),
  mtime(path.join(root, "tsconfig.build.json")),
);
if (sources > builtAt) {
  console.error("Sources changed since the last build: compiling (npm run build)…");
  const result = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  process.exit(result.status ?? 1);
}
