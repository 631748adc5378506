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
const server = (await app.start(0)) as Server;
const address = server.address();
console.log(JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 }));
