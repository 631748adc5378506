// What the sandbox's browser tests share: Debian's Chromium through playwright-core (skipped,
// saying so, where there is none), a quiet sandbox on a free port, a page open on it with its
// script errors collected, and screenshots under test-results/sandbox (look at them).
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { createLogger } from "../../src/app.ts";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/start.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.log(`SKIPPED: no Chromium (looked at ${CHROMIUM}; install it with apt-get install -y chromium)`);

export const SHOTS = path.resolve(import.meta.dirname, "../../test-results/sandbox");

/** The sandbox on a free port, logging errors only. */
export function startQuietSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  mkdirSync(SHOTS, { recursive: true });
  return startSandbox({ port: 0, env: { LOG_LEVEL: "error" }, logger: createLogger("error"), ...options });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}

/** A page on the sandbox, once "Acting as" shows; its uncaught script errors go to `pageErrors`. */
export async function openSandboxPage(
  browser: Browser,
  sandbox: Pick<Sandbox, "url">,
  options: { pageErrors: string[]; height?: number; timeoutMs?: number },
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: options.height ?? 900 } });
  page.setDefaultTimeout(options.timeoutMs ?? 20_000);
  page.on("pageerror", (error) => options.pageErrors.push(error.message));
  await page.goto(sandbox.url);
  await page.getByLabel("Acting as").waitFor();
  return page;
}

/** A screenshot under test-results/sandbox/<name>.png. */
export function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<Buffer> {
  return page.screenshot({ path: path.join(SHOTS, `${name}.png`), ...options });
}
