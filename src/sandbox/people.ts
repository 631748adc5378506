// The sandbox's demo workspace: a few people (staff, a manager, an admin) and the channels
// Delight's features post to.
import { TEAM_ID, type ChannelInfo, type StandInUser } from "./workspace.ts";

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

/** The sandbox's first workspace: installed through "Add to Slack" when the sandbox starts. */
export const FIRST_WORKSPACE = { teamId: TEAM_ID, name: "Northwind", installer: PEOPLE.admin };

/**
 * A second workspace, with people and channels of its own, where Delight is not installed
 * until someone clicks "Add to Slack" in the developer panel: its data, channels and Home stay
 * apart from the first workspace's.
 */
export const SECOND_WORKSPACE = {
  teamId: "T0GLOBEX",
  name: "Globex",
  people: {
    admin: { id: "U0HANA", name: "hana", real_name: "Hana Kim (Globex admin)", tz: "Europe/Berlin", is_admin: true },
    staff: { id: "U0OMAR", name: "omar", real_name: "Omar Haddad (Globex staff)", tz: "Europe/Berlin" },
    manager: { id: "U0PRIYA", name: "priya", real_name: "Priya Nair (Globex manager)", tz: "Europe/Berlin" },
  },
  channels: {
    general: { id: "C0GXGENERAL", name: "general" },
    approvals: { id: "C0GXAPPROVALS", name: "globex-approvals" },
    wins: { id: "C0GXWINS", name: "globex-wins" },
  },
} satisfies {
  teamId: string;
  name: string;
  people: Record<string, StandInUser>;
  channels: Record<string, ChannelInfo>;
};
