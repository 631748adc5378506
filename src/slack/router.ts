// Where features register their listeners: commands, actions, views, shortcuts and events,
// with Bolt's own listener signatures. The router is one Bolt global middleware that finds
// the feature's listener by a map lookup.
//
// Why not `app.action(…)` per listener: Bolt runs every registered listener's matchers for
// every request (a promise chain and a copy of the arguments each). With the forty-odd
// listeners of all features that was a fifth of the ack path's CPU (bench `ack`, profiled).
//
// A request no listener takes is left unacknowledged, exactly as with Bolt's own matching:
// guardAcks (ack-guard.ts) answers it as out of date.
import { AsyncResource } from "node:async_hooks";
import { ignoreSelf } from "@slack/bolt";
import { noteListenerFailure } from "./ack-guard.ts";
import { PrivateRequests } from "./private-requests.ts";
import { inWorkspace, type SlackClients } from "./clients.ts";
import type {
  AnyMiddlewareArgs,
  App,
  Middleware,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackShortcut,
  SlackShortcutMiddlewareArgs,
  SlackViewAction,
  SlackViewMiddlewareArgs,
  webApi,
} from "@slack/bolt";

/** What a listener threw, with the request's arguments (errors.ts answers the person). */
export type ListenerErrorHandler = (args: AnyMiddlewareArgs, error: unknown) => Promise<void>;

// Listeners are stored without their argument types: each is only ever called with the
// arguments of the request its key matched, which is what its registration promised.
type AnyListener = (args: never) => Promise<void>;

class Registry {
  private readonly exact = new Map<string, AnyListener>();
  private readonly patterns: Array<{ pattern: RegExp; listener: AnyListener }> = [];

  constructor(private readonly kind: string) {}

  add(key: string | RegExp, listener: AnyListener): void {
    if (typeof key !== "string") {
      this.patterns.push({ pattern: key, listener });
      return;
    }
    if (this.exact.has(key)) throw new Error(`The ${this.kind} "${key}" has two listeners`);
    this.exact.set(key, listener);
  }

  find(key: string): { listener: AnyListener; matches?: RegExpMatchArray } | undefined {
    const listener = this.exact.get(key);
    if (listener) return { listener };
    for (const { pattern, listener: candidate } of this.patterns) {
      const matches = key.match(pattern);
      if (matches) return { listener: candidate, matches };
    }
    return undefined;
  }
}

export class SlackRouter {
  private readonly commands = new Registry("command");
  private readonly actions = new Registry("action");
  private readonly views = new Registry("view");
  private readonly shortcuts = new Registry("shortcut");
  private readonly events = new Map<string, AnyListener[]>();
  private readonly personObservers: PersonObserver[] = [];
  /**
   * The async context the router was made in, outside any request: observers run there, so
   * what they read goes to the database as background work, never in the ack path's lane
   * (embedded PGlite serves the ack lane first: statement-lanes.ts).
   */
  private readonly outsideRequests = new AsyncResource("DelightPersonObservers");

  /**
   * `client`: the Web API client of single-workspace mode. `privateRequests`: where
   * keepPrivate records its requests. `clients`: each workspace's client (distribution mode).
   */
  constructor(
    readonly client: webApi.WebClient,
    readonly privateRequests = new PrivateRequests(),
    private readonly clients?: SlackClients,
  ) {}

  /** The Web API client for a workspace's calls: its own token (slack/clients.ts). */
  clientFor(teamId: string | null | undefined): webApi.WebClient {
    return this.clients ? this.clients.forTeam(teamId) : this.client;
  }

  /**
   * Requests whose sender must stay unknown: a command, or a prefix of callback and action ids.
   * No log line names who sent them (private-requests.ts).
   */
  keepPrivate(...markers: string[]): void {
    this.privateRequests.add(...markers);
  }

  command(name: string, listener: Middleware<SlackCommandMiddlewareArgs>): void {
    this.commands.add(name, listener);
  }

  /** A button's `action_id`, or a pattern for a family of them (its match goes to `context.actionIdMatches`). */
  action<A extends SlackAction = SlackAction>(
    actionId: string | RegExp,
    listener: Middleware<SlackActionMiddlewareArgs<A>>,
  ): void {
    this.actions.add(actionId, listener);
  }

  /** A modal's submission, by its `callback_id`. */
  view<V extends SlackViewAction = SlackViewAction>(
    callbackId: string,
    listener: Middleware<SlackViewMiddlewareArgs<V>>,
  ): void {
    this.views.add(callbackId, listener);
  }

  /** A global (`shortcut`) or message (`message_action`) shortcut, by its `callback_id`. */
  shortcut<T extends SlackShortcut["type"]>(
    constraints: { callback_id: string; type: T },
    listener: Middleware<SlackShortcutMiddlewareArgs<Extract<SlackShortcut, { type: T }>>>,
  ): void {
    this.shortcuts.add(`${constraints.type}:${constraints.callback_id}`, listener);
  }

  /** Events may have several listeners; each runs, like Bolt's. */
  event<E extends string>(type: E, listener: Middleware<SlackEventMiddlewareArgs<E>>): void {
    const listeners = this.events.get(type) ?? [];
    listeners.push(listener);
    this.events.set(type, listeners);
  }

  /**
   * `observer` hears who sent each command, button, form or shortcut, and who opened their App
   * Home: a person using the app themselves (not events about them). Called before the
   * listener, never awaited: it must not slow the ack, nor throw.
   */
  observePeople(observer: PersonObserver): void {
    this.personObservers.push(observer);
  }

  /**
   * Installs the router as Bolt's one global middleware (the app is built with
   * `ignoreSelf: false`; the router applies Bolt's `ignoreSelf` to events itself). What a
   * listener throws goes to `onError`. A request it has no listener for goes on to Bolt's own
   * listeners, of which there are none: it stays unacknowledged for ack-guard.
   *
   * One middleware, not three: Bolt copies the arguments for each one it calls (its
   * `invokeMiddleware` was 5.5 % of the ack path's CPU, bench `ack` profiled, before GC).
   */
  mount(app: App, onError: ListenerErrorHandler): void {
    app.use(async (args) => {
      const found = this.find(args as RoutedArgs);
      if (!found) return args.next();
      if (found.matches) args.context.actionIdMatches = found.matches;
      if (this.personObservers.length > 0) this.notePerson(args as RoutedArgs, args.context.teamId);
      const run = async () => {
        try {
          await inWorkspace(args.context.teamId, () => found.listener(args as never));
        } catch (error) {
          // An event whose listener failed is then not acknowledged (ack-guard.ts): Slack retries it.
          noteListenerFailure(args.body);
          await onError(args, error);
        }
      };
      // Events the app caused itself (its own messages and reactions) are not for it.
      if ((args as RoutedArgs).event) await ignoreSelf({ ...args, next: run });
      else await run();
    });
  }

  private notePerson(args: RoutedArgs, teamId: string | undefined): void {
    const userId =
      args.command?.user_id ??
      (args.event ? (args.event.type === "app_home_opened" ? args.event.user : undefined) : args.body.user?.id);
    if (!userId) return;
    this.outsideRequests.runInAsyncScope(() => {
      for (const observer of this.personObservers) observer(teamId, userId);
    });
  }

  private find(args: RoutedArgs): { listener: AnyListener; matches?: RegExpMatchArray } | undefined {
    if (args.command) return this.commands.find(args.command.command);
    if (args.action) {
      // Block actions only (buttons and menus); legacy attachment actions have no action_id.
      return args.body.type === "block_actions" && args.action.action_id
        ? this.actions.find(args.action.action_id)
        : undefined;
    }
    if (args.view) return args.body.type === "view_submission" ? this.views.find(args.view.callback_id) : undefined;
    if (args.shortcut) return this.shortcuts.find(`${args.shortcut.type}:${args.shortcut.callback_id}`);
    if (args.event) {
      const listeners = this.events.get(args.event.type);
      if (!listeners) return undefined;
      return {
        listener: async (eventArgs: never) => {
          await Promise.all(listeners.map((listener) => listener(eventArgs)));
        },
      };
    }
    return undefined;
  }
}

/** The parts of Bolt's middleware arguments the router routes by (Bolt sets one per kind). */
interface RoutedArgs {
  body: { type?: string; user?: { id?: string } };
  command?: { command: string; user_id?: string };
  action?: { action_id?: string };
  view?: { callback_id: string };
  shortcut?: { type: string; callback_id: string };
  event?: { type: string; user?: string };
}

/** Who used the app, in which workspace (see `observePeople`). */
export type PersonObserver = (teamId: string | undefined, userId: string) => void;
