// `npm run screenshots`: starts the sandbox with its demo data, opens it in Chromium and saves
// docs/sandbox.png (the README's picture). Needs Debian's chromium (or CHROMIUM_PATH).
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { createLogger } from "../src/app.ts";
import { startSandbox } from "../src/sandbox/start.ts";

const root = path.resolve(import.meta.dirname, "..");
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  console.error(`No Chromium at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  process.exit(1);
}

const sandbox = await startSandbox({ port: 0, demo: true, env: { LOG_LEVEL: "error" }, logger: createLogger("error") });
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
  await page.goto(sandbox.url);
  await page.getByLabel("Acting as").selectOption({ label: "Maria Lopez (manager)" });
  await page.getByRole("link", { name: "#delight-approvals", exact: true }).click();
  await page
    .getByRole("button", { name: /replies/ })
    .first()
    .click();
  await page.getByRole("complementary", { name: "Thread" }).waitFor();
  mkdirSync(path.join(root, "docs"), { recursive: true });
  const file = path.join(root, "docs", "sandbox.png");
  await page.screenshot({ path: file });
  console.log(`Saved ${path.relative(root, file)}`);
} finally {
  await browser.close();
  await sandbox.stop();
}
