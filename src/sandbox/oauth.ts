// Slack's side of "Add to Slack", for the tests and the sandbox: the authorize page
// (GET /oauth/v2/authorize: the person picks a workspace and Allow or Cancel — oauth-page.ts —
// and the browser goes to the app's redirect URL with a one-time code and the state it was
// given; a test that sets `next` skips the page, as if Allow had been clicked) and oauth.v2.access (the
// code exchanged for a bot token; with token rotation a 12-hour token and a refresh token,
// refreshed with grant_type=refresh_token). Every token it issues belongs to one workspace
// or org, so the imitation can tell which token each Web API call used, and refuses a
// revoked or expired one as Slack does (`token_revoked`, `token_expired`, `invalid_auth`).
// https://docs.slack.dev/authentication/installing-with-oauth
// https://docs.slack.dev/authentication/using-token-rotation
// https://docs.slack.dev/reference/methods/oauth.v2.access
import { randomBytes } from "node:crypto";
import { authorizePage } from "./oauth-page.ts";
import { BOT_USER_ID } from "./workspace.ts";

/** Who installs next, and where (set by a test or the sandbox's "Add to Slack"). */
export interface PendingInstall {
  teamId: string;
  teamName?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  /** An Enterprise Grid org-wide install (no team in the answer). */
  isEnterpriseInstall?: boolean;
  userId: string;
  /** How the authorize page names the person who installs. */
  userName?: string;
  /** The person clicks "Cancel" instead of "Allow". */
  deny?: boolean;
}

export interface IssuedToken {
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  /** ms since the epoch; undefined: does not expire. */
  expiresAt?: number;
  revoked: boolean;
}

interface IssuedCode {
  install: PendingInstall;
  scopes: string;
  redirectUri?: string;
  expiresAt: number;
  used: boolean;
}

export interface AuthorizeAnswer {
  status: number;
  /** Where the browser goes next (302). */
  location?: string;
  /** The authorize page (200). */
  page?: string;
  error?: string;
}

/** What the page says Delight may do (its scopes, as Slack words them in short). */
const BOT_SCOPES_SHOWN = [
  "View messages and content in channels Delight is added to",
  "Send messages as Delight, and start direct messages with people",
  "View people in your workspace, and their email addresses",
  "Add shortcuts and slash commands people can use",
  "Upload, view and share files",
];

const CODE_LIFETIME_MS = 10 * 60_000;
export const APP_ID = "A0DELIGHT";

export class OAuthImitation {
  /** The app's credentials (Basic Information → App Credentials). */
  clientId = "1111.2222";
  clientSecret = "imitation-client-secret";
  /** The app's redirect URL (OAuth & Permissions → Redirect URLs); the sandbox and tests set it. */
  redirectUrl = "";
  /** Token rotation on (`token_rotation_enabled`): how long a token lasts, in seconds (Slack: 12 hours). */
  tokenLifetimeSeconds: number | undefined;
  next: PendingInstall | undefined;
  /**
   * Without `next`, the authorize page offers these workspaces (each with the person who
   * installs there) and the person clicks Allow or Cancel: the sandbox's "Add to Slack".
   */
  choices: PendingInstall[] = [];
  /** Who installed each workspace last (Slack's app_redirect opens the app for them). */
  readonly installers = new Map<string, string>();
  readonly tokens = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly codes = new Map<string, IssuedCode>();
  private serial = 0;
  /** oauth.v2.access refreshes answered (token rotation). */
  refreshes = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /**
   * The authorize page: where the browser goes next. Refuses a wrong client_id or a request
   * without scopes like Slack (an error page, here a 400 with the error).
   */
  authorize(query: URLSearchParams): AuthorizeAnswer {
    const refused = this.refusal(query);
    if (refused) return refused;
    if (this.next) return this.complete(query, this.next);
    if (this.choices.length === 0) return { status: 400, error: "no_install_pending" };
    return { status: 200, page: authorizePage(query, this.choices, BOT_SCOPES_SHOWN) };
  }

  /**
   * The authorize page's form (POST): the query it was opened with, the workspace picked and
   * the button clicked ("allow" or "cancel").
   */
  decide(form: URLSearchParams): AuthorizeAnswer {
    const refused = this.refusal(form);
    if (refused) return refused;
    const choice = this.choices.find((c) => c.teamId === form.get("team"));
    if (!choice) return { status: 400, error: "invalid_team" };
    return this.complete(form, { ...choice, deny: form.get("decision") !== "allow" });
  }

  /** Whether a workspace has a token that works (installed, not revoked). */
  isInstalled(teamId: string): boolean {
    return [...this.tokens.values()].some((t) => t.teamId === teamId && !t.revoked);
  }

  private refusal(query: URLSearchParams): AuthorizeAnswer | undefined {
    if (query.get("client_id") !== this.clientId) return { status: 400, error: "invalid_client_id" };
    if (!query.get("scope")) return { status: 400, error: "invalid_scope" };
    const redirect = query.get("redirect_uri") ?? this.redirectUrl;
    if (!redirect) return { status: 400, error: "bad_redirect_uri" };
    if (this.redirectUrl && !redirect.startsWith(this.redirectUrl)) return { status: 400, error: "bad_redirect_uri" };
    return undefined;
  }

  /** Back to the app's redirect URL with a code (Allow) or error=access_denied (Cancel), and the state. */
  private complete(query: URLSearchParams, install: PendingInstall): AuthorizeAnswer {
    const scopes = query.get("scope") ?? "";
    const target = new URL(query.get("redirect_uri") ?? this.redirectUrl);
    const state = query.get("state");
    if (install.deny) {
      target.searchParams.set("error", "access_denied");
    } else {
      const code = `${Date.now()}.${++this.serial}.${randomBytes(16).toString("hex")}`;
      this.codes.set(code, {
        install,
        scopes,
        redirectUri: query.get("redirect_uri") ?? undefined,
        expiresAt: this.now() + CODE_LIFETIME_MS,
        used: false,
      });
      target.searchParams.set("code", code);
    }
    if (state) target.searchParams.set("state", state);
    return { status: 302, location: target.toString() };
  }

  /** oauth.v2.access: a code (or, with rotation, a refresh token) for a bot token. */
  access(args: Record<string, unknown>, basicAuth?: { id: string; secret: string }): Record<string, unknown> {
    const clientId = basicAuth?.id ?? args.client_id;
    const clientSecret = basicAuth?.secret ?? args.client_secret;
    if (clientId !== this.clientId) return { ok: false, error: "invalid_client_id" };
    if (clientSecret !== this.clientSecret) return { ok: false, error: "bad_client_secret" };
    const grant = args.grant_type ?? "authorization_code";
    if (grant === "refresh_token")
      return this.refresh(typeof args.refresh_token === "string" ? args.refresh_token : "");
    if (grant !== "authorization_code") return { ok: false, error: "invalid_grant_type" };
    const code = this.codes.get(typeof args.code === "string" ? args.code : "");
    if (!code || code.used || code.expiresAt < this.now()) return { ok: false, error: "invalid_code" };
    if (code.redirectUri !== undefined && args.redirect_uri !== code.redirectUri) {
      return { ok: false, error: "bad_redirect_uri" };
    }
    code.used = true;
    const { install } = code;
    this.installers.set(install.isEnterpriseInstall ? (install.enterpriseId ?? "") : install.teamId, install.userId);
    const org = Boolean(install.isEnterpriseInstall);
    // A reinstall revokes the workspace's earlier tokens (Slack issues a new one).
    for (const issued of this.tokens.values()) {
      if (
        org
          ? issued.enterpriseId === (install.enterpriseId ?? null) && issued.isEnterpriseInstall
          : issued.teamId === install.teamId
      ) {
        issued.revoked = true;
      }
    }
    const token = this.issue({
      teamId: org ? null : install.teamId,
      enterpriseId: install.enterpriseId ?? null,
      isEnterpriseInstall: org,
    });
    return {
      ok: true,
      access_token: token.token,
      token_type: "bot",
      scope: code.scopes,
      // One bot user for every workspace: the imitation's workspaces share their state (workspace.ts).
      bot_user_id: BOT_USER_ID,
      app_id: APP_ID,
      team: org ? null : { id: install.teamId, name: install.teamName ?? install.teamId },
      enterprise: install.enterpriseId
        ? { id: install.enterpriseId, name: install.enterpriseName ?? install.enterpriseId }
        : null,
      is_enterprise_install: org,
      authed_user: { id: install.userId },
      ...(token.refreshToken ? { refresh_token: token.refreshToken, expires_in: this.tokenLifetimeSeconds } : {}),
    };
  }

  /** Which installation a token belongs to, and whether Slack would take it now. */
  check(token: string | undefined): { issued?: IssuedToken; error?: string } {
    if (!token) return { error: "not_authed" };
    const issued = this.tokens.get(token);
    if (!issued) return {};
    if (issued.revoked) return { issued, error: "token_revoked" };
    if (issued.expiresAt !== undefined && issued.expiresAt <= this.now()) return { issued, error: "token_expired" };
    return { issued };
  }

  /** Uninstall (or tokens revoked): every token of that workspace (or org) stops working. */
  revoke(where: { teamId?: string; enterpriseId?: string }): void {
    for (const issued of this.tokens.values()) {
      if (
        (where.teamId !== undefined && issued.teamId === where.teamId) ||
        (where.enterpriseId !== undefined && issued.isEnterpriseInstall && issued.enterpriseId === where.enterpriseId)
      ) {
        issued.revoked = true;
      }
    }
  }

  private issue(owner: Omit<IssuedToken, "revoked" | "expiresAt">): { token: string; refreshToken?: string } {
    const rotating = this.tokenLifetimeSeconds !== undefined;
    // Rotating bot tokens start xoxe.xoxb-1- (https://docs.slack.dev/authentication/using-token-rotation).
    const token = `${rotating ? "xoxe.xoxb-1-" : "xoxb-"}${owner.enterpriseId ?? "0"}-${owner.teamId ?? "org"}-${randomBytes(12).toString("hex")}`;
    this.tokens.set(token, {
      ...owner,
      revoked: false,
      expiresAt: rotating ? this.now() + (this.tokenLifetimeSeconds ?? 0) * 1000 : undefined,
    });
    if (!rotating) return { token };
    const refreshToken = `xoxe-1-${randomBytes(16).toString("hex")}`;
    this.refreshTokens.set(refreshToken, token);
    return { token, refreshToken };
  }

  private refresh(refreshToken: string): Record<string, unknown> {
    const previous = this.refreshTokens.get(refreshToken);
    const issued = previous ? this.tokens.get(previous) : undefined;
    if (!previous || !issued || issued.revoked) return { ok: false, error: "invalid_refresh_token" };
    // A refresh token is used once; the earlier access token stays valid until it expires.
    this.refreshTokens.delete(refreshToken);
    this.refreshes += 1;
    const next = this.issue({
      teamId: issued.teamId,
      enterpriseId: issued.enterpriseId,
      isEnterpriseInstall: issued.isEnterpriseInstall,
    });
    return {
      ok: true,
      access_token: next.token,
      refresh_token: next.refreshToken,
      expires_in: this.tokenLifetimeSeconds,
      token_type: "bot",
      app_id: APP_ID,
      team: issued.teamId ? { id: issued.teamId } : null,
      enterprise: issued.enterpriseId ? { id: issued.enterpriseId } : null,
      is_enterprise_install: issued.isEnterpriseInstall,
    };
  }
}
