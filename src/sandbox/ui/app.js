// The sandbox's Slack-like workspace. Everything it does goes to /sandbox/act, which sends
// the app the signed request Slack would send; the screen is redrawn from /sandbox/state.
import { render } from "/vendor/preact.js";
import { useEffect, useState } from "/vendor/preact-hooks.js";
import { Blocks, emoji, html, mrkdwn } from "./blocks.js";
import { Modal } from "./modal.js";

const DEFAULT_USER = "U0SAM";
const BOT = "UDELIGHTBOT";

async function post(body) {
  const response = await fetch("/sandbox/act", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

function route() {
  const match = /^#\/(c|home|dm)\/?(.*)$/.exec(location.hash);
  if (match?.[1] === "home") return { kind: "home" };
  // The app's DM with whoever is acting: it follows the "Acting as" switch.
  if (match?.[1] === "dm") return { kind: "channel", dm: true };
  return { kind: "channel", id: match?.[2] || "C0GENERAL" };
}

const time = (ts) => new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function nameOf(state, id) {
  const user = state.users.find((u) => u.id === id);
  return id === BOT ? "Delight" : (user?.real_name ?? user?.name ?? id);
}

function Composer({ label, onSend, commands, users, channels, placeholder }) {
  const [text, setText] = useState("");
  const word = /(^|\s)([@#/][\w.-]*)$/.exec(text)?.[2] ?? "";
  const suggestions =
    word.startsWith("/") && text.trim() === word
      ? commands
          .filter((c) => c.command.startsWith(word))
          .map((c) => ({ insert: `${c.command} `, title: c.command, hint: c.description, usage: c.usageHint }))
      : word.startsWith("@")
        ? users
            .filter((u) => !u.is_bot && u.name.startsWith(word.slice(1)))
            .map((u) => ({ insert: `@${u.name} `, title: `@${u.name}`, hint: u.real_name }))
        : word.startsWith("#") && text.trim().startsWith("/") === false
          ? channels
              .filter((c) => !c.user && c.name.startsWith(word.slice(1)))
              .map((c) => ({ insert: `#${c.name} `, title: `#${c.name}` }))
          : [];
  const choose = (s) => setText(text.slice(0, text.length - word.length) + s.insert);
  const submit = async (e) => {
    e.preventDefault();
    if (!text.trim()) return;
    const sent = text;
    setText("");
    await onSend(sent);
  };
  return html`<form class="composer" onSubmit=${submit}>
    ${
      suggestions.length > 0 && word.length > 0
        ? html`<ul class="suggestions" role="listbox" aria-label="Suggestions">
            ${suggestions.map(
              (s) =>
                html`<li role="option" aria-selected="false">
                  <button type="button" class="suggestion" onClick=${() => choose(s)}>
                    <strong>${s.title}</strong> ${s.hint ? html`<span>${s.hint}</span>` : ""}
                    ${s.usage ? html`<div class="usage">${s.usage}</div>` : ""}
                  </button>
                </li>`,
            )}
          </ul>`
        : ""
    }
    <input
      type="text"
      aria-label=${label}
      placeholder=${placeholder ?? label}
      value=${text}
      onInput=${(e) => setText(e.currentTarget.value)}
      autocomplete="off"
    />
    <button type="submit" class="btn primary">Send</button>
  </form>`;
}

function Message({ message, state, ctx, onThread, channel, user, replies }) {
  const [menu, setMenu] = useState(false);
  const act = ctx.act;
  const msgCtx = {
    ...ctx,
    onAction: (action) =>
      act({ type: "action", user, action, channel, messageTs: message.ts, ephemeral: message.ephemeral }),
  };
  return html`<article
    class=${`message ${message.ephemeral ? "ephemeral" : ""}`}
    aria-label=${`Message from ${nameOf(state, message.user ?? BOT)}`}
  >
    <div class="avatar" aria-hidden="true">
      ${message.user === BOT || message.ephemeral ? "D" : nameOf(state, message.user).slice(0, 1)}
    </div>
    <div class="message-main">
      <div class="meta">
        <strong>${message.ephemeral ? "Delight" : nameOf(state, message.user)}</strong>
        ${message.user === BOT || message.ephemeral ? html`<span class="app-badge">APP</span>` : ""}
        <span class="time">${time(message.ts)}</span>
        ${message.edited ? html`<span class="time">(edited)</span>` : ""}
      </div>
      ${message.ephemeral ? html`<div class="only-you">Only visible to you</div>` : ""}
      ${Array.isArray(message.blocks) && message.blocks.length > 0 ? html`<${Blocks} blocks=${message.blocks} ctx=${msgCtx} />` : html`<div class="text">${mrkdwn(message.text ?? "", ctx)}</div>`}
      ${(message.files ?? []).map((f) => html`<div class="file">📎 ${f.title ?? f.filename ?? f.id} <a href=${`/files/${encodeURIComponent(f.id)}`} download>Download</a></div>`)}
      ${
        (message.reactions ?? []).length > 0
          ? html`<div class="reactions">
              ${message.reactions.map((r) => html`<span class="reaction" title=${r.users.map((u) => nameOf(state, u)).join(", ")}>${emoji(r.name)} ${r.users.length}</span>`)}
            </div>`
          : ""
      }
      ${replies > 0 && onThread ? html`<button type="button" class="link replies" onClick=${onThread}>${replies} ${replies === 1 ? "reply" : "replies"}</button>` : ""}
    </div>
    ${
      message.ephemeral
        ? ""
        : html`<div class="message-actions">
            <button
              type="button"
              class="icon"
              aria-label="React with ✅"
              title="Add ✅"
              onClick=${() => act({ type: "react", user, channel, ts: message.ts, name: "white_check_mark" })}
            >
              ✅
            </button>
            ${onThread ? html`<button type="button" class="icon" aria-label="Reply in thread" title="Reply in thread" onClick=${onThread}>💬</button>` : ""}
            <button
              type="button"
              class="icon"
              aria-label="More message actions"
              aria-expanded=${menu}
              onClick=${() => setMenu(!menu)}
            >
              ⋮
            </button>
            ${
              menu
                ? html`<div class="menu" role="menu">
                    ${state.shortcuts.map(
                      (s) =>
                        html`<button
                          type="button"
                          role="menuitem"
                          onClick=${() => {
                            setMenu(false);
                            act({ type: "shortcut", user, channel, ts: message.ts, callbackId: s.callbackId });
                          }}
                        >
                          ${s.name}
                        </button>`,
                    )}
                  </div>`
                : ""
            }
          </div>`
    }
  </article>`;
}

// "Add to Slack" goes through the app's real OAuth endpoints (/slack/install →
// Slack's authorize page, played by the sandbox → /slack/oauth_redirect) in this tab.
function Workspaces({ state }) {
  return html`<section class="workspaces-panel" aria-label="Workspaces">
    <h3>Workspaces</h3>
    <ul>
      ${state.workspaces.map(
        (w) =>
          html`<li>
            <strong>${w.name}</strong>
            <span class=${w.installed ? "installed" : "muted"}
              >${w.installed ? "Delight installed" : "Delight not installed"}</span
            >
          </li>`,
      )}
    </ul>
    <a class="btn primary add-to-slack" href="/slack/install">Add to Slack</a>
    <p class="muted">
      Installs Delight into another workspace the way Slack apps are installed; then pick one of its people in “Acting
      as”.
    </p>
  </section>`;
}

function DevPanel({ state }) {
  return html`<section class="dev-panel" aria-label="Developer panel">
    <h2>Developer panel</h2>
    <${Workspaces} state=${state} />
    <h3>Refused calls</h3>
    ${
      state.problems.length === 0
        ? html`<p class="muted">Web API calls Slack would refuse show up here (unknown methods, Block Kit errors).</p>`
        : html`<ul>
            ${[...state.problems].reverse().map(
              (p) =>
                html`<li class="problem">
                  <strong>${p.method}</strong> → <code>${p.error}</code>
                  <ul>
                    ${p.details.map((d) => html`<li>${d}</li>`)}
                  </ul>
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

// Slack's app_redirect ("Open Delight in Slack" after installing) comes back with ?as=<person>.
function initialUser() {
  const asked = new URLSearchParams(location.search).get("as");
  if (asked) {
    history.replaceState(null, "", `/${location.hash}`);
    return asked;
  }
  return localStorage.getItem("sandbox-user") ?? DEFAULT_USER;
}

function App() {
  const [user, setUser] = useState(initialUser);
  const [state, setState] = useState(null);
  const [where, setWhere] = useState(route());
  const [thread, setThread] = useState(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  const refresh = async () => {
    const response = await fetch(`/sandbox/state?user=${encodeURIComponent(user)}`);
    setState(await response.json());
  };
  const act = async (body) => {
    setBusy(true);
    try {
      const answer = await post(body);
      if (answer.note) setNote(answer.note);
      if (!answer.ok) setNote(`Error: ${answer.error}`);
    } finally {
      setBusy(false);
      await refresh();
    }
  };
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 1000);
    return () => clearInterval(timer);
  }, [user]);
  useEffect(() => {
    const onHash = () => setWhere(route());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    localStorage.setItem("sandbox-user", user);
    if (where.kind === "home") void act({ type: "home", user });
  }, [user, where.kind]);
  // Someone of a workspace where Delight is no longer installed (a new sandbox run): back to the default.
  useEffect(() => {
    if (state && !state.people.some((p) => p.id === user)) setUser(DEFAULT_USER);
  }, [state]);
  if (!state) return html`<p class="loading">Loading…</p>`;

  const channels = state.channels;
  const dmId = `D${user}`;
  const channelId = where.dm ? dmId : where.id;
  // Another workspace's channel (after switching person) falls back to this workspace's first.
  const channel = channels.find((c) => c.id === channelId) ?? channels.find((c) => !c.user);
  const workspace = state.workspaces.find((w) => w.id === state.team);
  const ctx = { users: state.users, channels, act, user };
  const all = state.messages[channel?.id] ?? [];
  const ephemerals = state.ephemerals.filter((e) => e.channel === channel?.id).map((e) => ({ ...e, ephemeral: true }));
  const top = [
    ...all.filter((m) => !m.thread_ts || m.thread_ts === m.ts),
    ...ephemerals.filter((e) => !e.thread_ts),
  ].sort((a, b) => Number(a.ts) - Number(b.ts));
  const repliesOf = (ts) => all.filter((m) => m.thread_ts === ts && m.ts !== ts);
  const threadParent = thread && (state.messages[thread.channel] ?? []).find((m) => m.ts === thread.ts);
  const label = channel?.user ? `Message Delight` : `Message #${channel?.name}`;

  return html`<div class=${`workspace ${busy ? "busy" : ""}`}>
    <nav class="sidebar" aria-label="Workspace">
      <h1>Delight sandbox</h1>
      <p class="workspace-name" aria-label="Workspace name">${workspace?.name ?? state.team}</p>
      <label class="acting"
        >Acting as
        <select
          aria-label="Acting as"
          value=${user}
          onChange=${(e) => {
            setUser(e.currentTarget.value);
            setThread(null);
          }}
        >
          ${state.workspaces
            .filter((w) => w.installed)
            .map(
              (w) =>
                html`<optgroup label=${w.name}>
                  ${state.people.filter((p) => p.team === w.id).map((p) => html`<option value=${p.id}>${p.real_name ?? p.name}</option>`)}
                </optgroup>`,
            )}
        </select></label
      >
      <h2>Channels</h2>
      <ul>
        ${channels.filter((c) => !c.user).map((c) => html`<li><a href=${`#/c/${c.id}`} aria-current=${where.kind === "channel" && channel?.id === c.id ? "page" : undefined} onClick=${() => setThread(null)}>#${c.name}</a></li>`)}
      </ul>
      <h2>Apps</h2>
      <ul>
        <li><a href="#/home" aria-current=${where.kind === "home" ? "page" : undefined}>Delight — Home</a></li>
        <li>
          <a href="#/dm" aria-current=${where.dm ? "page" : undefined}>Delight — Messages</a>
        </li>
      </ul>
      <section class="time-travel" aria-label="Time travel">
        <h2>Time</h2>
        <p class="clock">
          App clock:${" "}
          <time
            >${new Date(state.now).toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })}</time
          >
        </p>
        <button type="button" class="btn" onClick=${() => act({ type: "travel", to: "hour" })}>+1 hour</button>
        <button type="button" class="btn" onClick=${() => act({ type: "travel", to: "day" })}>+1 day</button>
        <button type="button" class="btn" onClick=${() => act({ type: "travel", to: "digest" })}>Next digest</button>
      </section>
      <button type="button" class="btn" onClick=${() => act({ type: "demo" })}>Load demo data</button>
      <section class="signals-panel" aria-label="Customer signals">
        <h2>Customer signals</h2>
        <p class="muted">Webhooks signed as the vendor signs them, sent to Delight's real /hooks/ endpoint.</p>
        <button type="button" class="btn" onClick=${() => act({ type: "signal", kind: "zendesk-bad" })}>
          Zendesk: bad rating
        </button>
        <button type="button" class="btn" onClick=${() => act({ type: "signal", kind: "zendesk-good" })}>
          Zendesk: glowing rating
        </button>
        <button type="button" class="btn" onClick=${() => act({ type: "signal", kind: "nps-detractor" })}>
          NPS detractor (generic)
        </button>
        <button type="button" class="btn" onClick=${() => act({ type: "signal", kind: "customer-update" })}>
          Customer update
        </button>
      </section>
      ${note ? html`<p class="note" role="status">${note}</p>` : ""}
    </nav>
    <main class="main">
      ${
        where.kind === "home"
          ? html`<header class="channel-header"><h2>Delight — Home</h2></header>
              <div class="home">
                ${
                  state.home
                    ? html`<${Blocks}
                        blocks=${state.home.view.blocks}
                        ctx=${{ ...ctx, onAction: (action) => act({ type: "action", user, action, viewId: state.home.id }) }}
                      />`
                    : html`<p class="muted">Opening Delight's Home tab…</p>`
                }
              </div>`
          : html`<header class="channel-header"><h2>${channel?.user ? "Delight" : `#${channel?.name}`}</h2></header>
              <div
                class="messages"
                aria-label=${`Messages in ${channel?.user ? "Delight" : `#${channel?.name}`}`}
                role="log"
              >
                ${top.length === 0 ? html`<p class="muted">No messages yet. Type <code>/</code> to see Delight's commands.</p>` : ""}
                ${top.map((m) => html`<${Message} key=${m.ts} message=${m} state=${state} ctx=${ctx} user=${user} channel=${channel.id} replies=${repliesOf(m.ts).length} onThread=${m.ephemeral ? undefined : () => setThread({ channel: channel.id, ts: m.ts })} />`)}
              </div>
              <${Composer}
                label=${label}
                commands=${state.commands}
                users=${state.users}
                channels=${channels}
                onSend=${(text) => act({ type: "send", user, channel: channel.id, text })}
              />`
      }
    </main>
    ${
      thread && threadParent
        ? html`<aside class="thread" aria-label="Thread">
            <header class="channel-header">
              <h2>Thread</h2>
              <button type="button" class="icon" aria-label="Close thread" onClick=${() => setThread(null)}>×</button>
            </header>
            <div class="messages">
              <${Message}
                message=${threadParent}
                state=${state}
                ctx=${ctx}
                user=${user}
                channel=${thread.channel}
                replies=${0}
              />
              ${[
                ...(state.messages[thread.channel] ?? []).filter(
                  (m) => m.thread_ts === thread.ts && m.ts !== thread.ts,
                ),
                ...state.ephemerals.filter((e) => e.thread_ts === thread.ts).map((e) => ({ ...e, ephemeral: true })),
              ]
                .sort((a, b) => Number(a.ts) - Number(b.ts))
                .map(
                  (m) =>
                    html`<${Message}
                      key=${m.ts}
                      message=${m}
                      state=${state}
                      ctx=${ctx}
                      user=${user}
                      channel=${thread.channel}
                      replies=${0}
                    />`,
                )}
            </div>
            <${Composer}
              label="Reply in thread"
              commands=${[]}
              users=${state.users}
              channels=${channels}
              onSend=${(text) => act({ type: "send", user, channel: thread.channel, text, threadTs: thread.ts })}
            />
          </aside>`
        : ""
    }
    <${DevPanel} state=${state} />
    ${
      state.modal
        ? html`<${Modal}
            key=${state.modal.id}
            open=${state.modal}
            ctx=${{ ...ctx, onAction: (action, values) => act({ type: "action", user, action, viewId: state.modal.id, state: values }) }}
            onSubmit=${(values) => act({ type: "submit", user, viewId: state.modal.id, state: values })}
            onClose=${() => act({ type: "close", user, viewId: state.modal.id })}
          />`
        : ""
    }
  </div>`;
}

render(html`<${App} />`, document.getElementById("root"));
