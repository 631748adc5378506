// `npm start` without Slack variables, or `npm run sandbox [-- --demo]`: runs the sandbox
// until Ctrl-C.
import { SandboxDatabaseError } from "./database.ts";
import { startSandbox } from "./start.ts";

export async function runSandbox(args: string[]): Promise<void> {
  const port = Number(process.env.PORT || 3000);
  let sandbox;
  try {
    sandbox = await startSandbox({ demo: args.includes("--demo") });
  } catch (error) {
    const code = (error as { code?: string }).code;
    console.error(
      error instanceof SandboxDatabaseError
        ? error.message
        : code === "EADDRINUSE"
          ? `The Delight sandbox can't listen on 127.0.0.1:${port}: another program uses it. Stop that program or set PORT to a free port.`
          : `The Delight sandbox could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
  const url = sandbox.url.replace(/\/$/, "");
  console.log(
    `Delight sandbox: ${url} — set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to connect a real workspace. Database: ${sandbox.databaseDescription}`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      if (signal === "SIGINT") process.exit(1);
      return;
    }
    stopping = true;
    const deadline = setTimeout(() => process.exit(1), 13_000);
    await sandbox.stop(5_000).catch((error: unknown) => console.error("Error while stopping the sandbox", error));
    clearTimeout(deadline);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
