// The sandbox's set-up and demo data, made the way people would make them: commands and
// clicks sent to the app over the real protocol (so the data is exactly what the app stores).
import type { SandboxRelay } from "./relay.ts";
import type { SlackStandIn } from "./slack-imitation.ts";
import { CHANNELS, PEOPLE } from "./people.ts";

type Settle = () => Promise<void>;

/** Managers and channels, so /delight works at once; done by the admin, as in a real workspace. */
export async function setUpWorkspace(relay: SandboxRelay, settle: Settle, slack?: SlackStandIn): Promise<void> {
  const admin = PEOPLE.admin.id;
  const channel = CHANNELS.general.id;
  const before = slack?.workspace.ephemerals.length ?? 0;
  await relay.command(admin, channel, `/delight-admin managers add @${PEOPLE.manager.name}`);
  await relay.command(admin, channel, `/delight-admin channel approvals #${CHANNELS.approvals.name}`);
  await relay.command(admin, channel, `/delight-admin channel stories #${CHANNELS.wins.name}`);
  await settle();
  // The admin's confirmations would clutter #general: the set-up is not something they typed.
  if (slack) slack.workspace.ephemerals.splice(before);
}

interface Button {
  ts: string;
  action: Record<string, unknown>;
}

/** The newest button with this text in a channel (thread replies included). */
export function findButton(slack: SlackStandIn, channel: string, text: string): Button | undefined {
  const messages = [...(slack.workspace.messages.get(channel) ?? [])].reverse();
  for (const message of messages) {
    for (const block of (Array.isArray(message.blocks) ? message.blocks : []) as Array<Record<string, unknown>>) {
      const listed: unknown[] = Array.isArray(block.elements) ? (block.elements as unknown[]) : [];
      const elements = [...listed, ...(block.accessory ? [block.accessory] : [])] as Array<Record<string, unknown>>;
      const button = elements.find(
        (e) => e.type === "button" && (e.text as { text?: string } | undefined)?.text === text,
      );
      if (button) {
        return {
          ts: message.ts,
          action: {
            type: "button",
            action_id: button.action_id,
            block_id: block.block_id ?? "b",
            value: button.value,
            text: button.text,
          },
        };
      }
    }
  }
  return undefined;
}

const STORIES = [
  "Stayed late to re-ship Mrs Chen's order with a handwritten note #attention #delight",
  "Noticed the customer's daughter was ill and sent flowers with the replacement part #empathize #delight",
  "Listened for 40 minutes, then fixed the real problem nobody had asked about #listen",
];

/** People, settings, three approved stories, a weekly digest and one open recovery near its deadline. */
export async function seedDemo(relay: SandboxRelay, slack: SlackStandIn, settle: Settle): Promise<void> {
  await setUpWorkspace(relay, settle, slack);
  const { staff, colleague, manager, admin } = PEOPLE;
  const general = CHANNELS.general.id;
  for (const [i, story] of STORIES.entries()) {
    const [from, to] = i % 2 === 0 ? [staff, colleague] : [colleague, staff];
    await relay.command(from.id, general, `/delight @${to.name} ${story}`);
    await settle();
    const approve = findButton(slack, CHANNELS.approvals.id, "Approve");
    if (approve) {
      await relay.action({
        user: manager.id,
        channel: CHANNELS.approvals.id,
        messageTs: approve.ts,
        action: approve.action,
      });
      await settle();
    }
  }
  const before = slack.workspace.ephemerals.length;
  await relay.command(
    admin.id,
    general,
    `/delight-admin digest add #${CHANNELS.digest.name} friday 16:00 Europe/Paris`,
  );
  // A short deadline for the demo case, so its reminders and escalation come within hours.
  await relay.command(admin.id, general, "/delight-admin sla 3h");
  await relay.command(
    staff.id,
    general,
    `/oops @${colleague.name} Acme Corp: the invoice was sent to the wrong address twice`,
  );
  await settle();
  await relay.command(admin.id, general, "/delight-admin sla 24h");
  await settle();
  slack.workspace.ephemerals.splice(before);
}
