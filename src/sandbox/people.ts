// The sandbox's demo workspace: a few people (staff, a manager, an admin) and the channels
// Delight's features post to.
import type { ChannelInfo, StandInUser } from "./workspace.ts";

export const PEOPLE = {
  staff: { id: "U0SAM", name: "sam", real_name: "Sam Rivera (staff)", tz: "Europe/Paris" },
  colleague: { id: "U0ALEX", name: "alex", real_name: "Alex Chen (staff)", tz: "Europe/Paris" },
  manager: { id: "U0MARIA", name: "maria", real_name: "Maria Lopez (manager)", tz: "Europe/Paris" },
  admin: { id: "U0JORDAN", name: "jordan", real_name: "Jordan Lee (admin)", tz: "Europe/Paris", is_admin: true },
} satisfies Record<string, StandInUser>;

export const CHANNELS = {
  general: { id: "C0GENERAL", name: "general" },
  approvals: { id: "C0APPROVALS", name: "delight-approvals" },
  wins: { id: "C0WINS", name: "customer-wins" },
  digest: { id: "C0DIGEST", name: "digest" },
  recoveries: { id: "C0RECOVERIES", name: "recoveries" },
} satisfies Record<string, ChannelInfo>;
