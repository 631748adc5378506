// Delight as `npm start` runs it (real receiver, real database), on a free port.
import { createDelightApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/database.ts";

const config = loadConfig({ ...process.env, PORT: "0" });
const database = await openDatabase(config.databaseUrl);
const delight = createDelightApp({ config, database, slackClientOptions: { retryConfig: { retries: 0 } } });
const { port } = await delight.start(0);
console.log(JSON.stringify({ port }));
process.on("SIGTERM", () => {
  void delight
    .stop()
    .then(() => database.close())
    .then(() => process.exit(0));
});
