// Which Web API client (which token) a workspace's call uses. Single-workspace mode: the one
// bot token for everything. Distribution mode: each workspace's own token, resolved at the
// moment of the call through one function (Installations.botTokenFor: its installation or its
// org's, refreshed when it expires within 5 minutes), so a job queued hours ago uses today's
// token, a job or outbox row never holds one, and a call for workspace A can never carry
// workspace B's token. Bolt's global `client` has no token in distribution mode and is not
// used for a workspace's calls.
import { AsyncLocalStorage } from "node:async_hooks";
import { webApi } from "@slack/bolt";
import { NotInstalled } from "./installations/store.ts";

export type TokenResolver = (teamId: string) => Promise<string>;

export interface SlackClientsOptions {
  /** Single-workspace mode: the client with SLACK_BOT_TOKEN, for every workspace. */
  single?: webApi.WebClient;
  /** Distribution mode: the token of a workspace, at the time of each call. */
  tokenFor?: TokenResolver;
  /** Options of the per-workspace clients (distribution mode). */
  clientOptions?: webApi.WebClientOptions;
}

export class SlackClients {
  private readonly perTeam = new Map<string, webApi.WebClient>();

  constructor(private readonly options: SlackClientsOptions) {
    if (!options.single && !options.tokenFor) throw new Error("SlackClients needs a client or a token resolver");
  }

  /** The client for a workspace's calls. Without a workspace (distribution mode) every call is refused. */
  forTeam(teamId: string | null | undefined): webApi.WebClient {
    const { single, tokenFor } = this.options;
    if (single) return single;
    const key = teamId ?? "";
    let client = this.perTeam.get(key);
    if (!client) {
      client = new WorkspaceClient(teamId ?? null, tokenFor as TokenResolver, this.options.clientOptions ?? {});
      this.perTeam.set(key, client);
    }
    return client;
  }
}

/**
 * A WebClient whose token is its workspace's current one: each call asks the resolver (a
 * memory lookup, mostly) and goes through a client made with that token, which sends it in
 * the Authorization header only (a token passed as an argument would be in the request body).
 */
class WorkspaceClient extends webApi.WebClient {
  private withToken?: { token: string; client: webApi.WebClient };

  constructor(
    private readonly workspaceId: string | null,
    private readonly tokenFor: TokenResolver,
    private readonly delegateOptions: webApi.WebClientOptions,
  ) {
    super(undefined, delegateOptions);
  }

  /** The workspace's token now (this client serves one workspace; another's is refused). */
  async currentToken(teamId: string): Promise<string> {
    if (!this.workspaceId || this.workspaceId !== teamId) throw new NotInstalled(undefined);
    return this.tokenFor(this.workspaceId);
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    if (!this.workspaceId) throw new NotInstalled(undefined);
    const token = await this.tokenFor(this.workspaceId);
    if (this.withToken?.token !== token) {
      this.withToken = { token, client: new webApi.WebClient(token, this.delegateOptions) };
    }
    return this.withToken.client.apiCall(method, options);
  }
}

/**
 * The bot token a workspace's client would send, for the few requests that are not Web API
 * calls (downloading a file's url_private_download with an Authorization header).
 */
export async function botTokenOf(client: webApi.WebClient, teamId: string): Promise<string | undefined> {
  if (client instanceof WorkspaceClient) return client.currentToken(teamId);
  return client.token;
}

// The workspace a piece of work is for (a job's or a request's), for the few reads that do
// not name it (SlackUsers' users.info): set by the job workers and the router.
const currentWorkspace = new AsyncLocalStorage<string | null>();

export function inWorkspace<T>(teamId: string | null | undefined, work: () => Promise<T>): Promise<T> {
  return currentWorkspace.run(teamId ?? null, work);
}

export function workspaceInContext(): string | null {
  return currentWorkspace.getStore() ?? null;
}
