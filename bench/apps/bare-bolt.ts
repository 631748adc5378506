// The ceiling: a bare Bolt 5 HTTP app that only acks a signed slash command.
import { App, LogLevel } from "@slack/bolt";
import type { Server } from "node:http";

const app = new App({
  token: "xoxb-bench",
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? "",
  // No auth.test round trip: the bare app never calls Slack.
  botId: "BBENCH",
  botUserId: "UBENCHBOT",
  logLevel: LogLevel.ERROR,
});
app.command(/.*/, async ({ ack }) => {
  await ack();
});
// The same accept queue as Delight's (src/app.ts): a burst then measures the app, not how many
// connections the kernel dropped (each costs a one-second SYN retransmit).
const server = (await app.start({ port: 0, backlog: 4096 })) as Server;
const address = server.address();
console.log(JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 }));
