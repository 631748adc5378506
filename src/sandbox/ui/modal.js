// A modal as Slack draws it: input blocks become labelled form fields whose values are kept
// in view state (Slack's `view.state.values` shape), with per-field errors under each field.
import { useEffect, useRef, useState } from "/vendor/preact-hooks.js";
import { Block, html, textObject } from "./blocks.js";

const opt = (o) => (o ? { text: o.text, value: o.value } : null);

/** The state Slack would send for an element before anyone touches it. */
function initialState(element) {
  const base = { type: element.type };
  switch (element.type) {
    case "plain_text_input":
    case "url_text_input":
    case "email_text_input":
    case "number_input":
      return { ...base, value: element.initial_value ?? null };
    case "users_select":
      return { ...base, selected_user: element.initial_user ?? null };
    case "multi_users_select":
      return { ...base, selected_users: element.initial_users ?? [] };
    case "conversations_select":
      return { ...base, selected_conversation: element.initial_conversation ?? null };
    case "multi_conversations_select":
      return { ...base, selected_conversations: element.initial_conversations ?? [] };
    case "timepicker":
      return { ...base, selected_time: element.initial_time ?? null };
    case "static_select":
    case "radio_buttons":
      return { ...base, selected_option: opt(element.initial_option) };
    case "multi_static_select":
    case "checkboxes":
      return { ...base, selected_options: (element.initial_options ?? []).map(opt) };
    case "datepicker":
      return { ...base, selected_date: element.initial_date ?? null };
    case "datetimepicker":
      return { ...base, selected_date_time: element.initial_date_time ?? null };
    case "file_input":
      return { ...base, files: [] };
    default:
      return base;
  }
}

export function initialValues(view) {
  const values = {};
  (view.blocks ?? []).forEach((block, i) => {
    if (block.type !== "input" || !block.element) return;
    const blockId = block.block_id ?? `b${i}`;
    values[blockId] = { [block.element.action_id ?? "input"]: initialState(block.element) };
  });
  return values;
}

/** The channels a conversations select offers, as its filter says (Slack's default: every kind). */
function conversationsFor(element, ctx) {
  const include = element.filter?.include ?? ["public", "private", "im", "mpim"];
  return (ctx.channels ?? []).filter((c) =>
    c.user ? include.includes("im") : include.includes(c.is_private ? "private" : "public"),
  );
}

const channelLabel = (c, ctx) =>
  c.user ? (ctx.users?.find((u) => u.id === c.user)?.real_name ?? c.name) : `${c.is_private ? "🔒 " : "#"}${c.name}`;

/** A static select's options, in their groups when it has option_groups. */
function staticOptions(element, ctx) {
  const one = (o) => html`<option value=${o.value}>${textObject(o.text, ctx)}</option>`;
  if (element.option_groups)
    return element.option_groups.map(
      (g) => html`<optgroup label=${g.label?.text ?? ""}>${(g.options ?? []).map(one)}</optgroup>`,
    );
  return (element.options ?? []).map(one);
}

/** Keeps a chosen file as Slack does (the sandbox stores it); answers its file object or an error. */
async function uploadFile(user, file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const response = await fetch("/sandbox/upload", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user, name: file.name, base64: btoa(binary) }),
  });
  return response.json();
}

/**
 * Slack's file picker: the extensions it allows and at most max_files; a file over 10 MB is
 * refused when it is uploaded. The state holds Slack's file objects, nothing else.
 */
function FileInput({ element, id, state, set, user }) {
  const [refused, setRefused] = useState([]);
  const accept = (element.filetypes ?? []).map((t) => `.${t}`).join(",");
  const max = element.max_files ?? 10;
  return html`<div class="file-input">
    <input
      id=${id}
      type="file"
      accept=${accept || undefined}
      multiple=${max > 1}
      onChange=${async (e) => {
        const chosen = [...e.currentTarget.files].slice(0, max);
        const files = [];
        const problems = [];
        for (const file of chosen) {
          const answer = await uploadFile(user, file);
          if (answer.ok) files.push(answer.file);
          else problems.push(`${file.name}: ${answer.error}`);
        }
        setRefused(problems);
        set({ files });
      }}
    />
    ${(state.files ?? []).map((f) => html`<div class="file-chosen">📄 ${f.name} · ${Math.ceil(f.size / 1024)} KB</div>`)}
    ${refused.map((r) => html`<div class="field-error" role="alert">${r}</div>`)}
  </div>`;
}

const toLocalInput = (seconds) =>
  seconds ? new Date(seconds * 1000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : "";

function Field({ block, blockId, state, set, ctx, id }) {
  const element = block.element;
  const label = block.label?.text ?? "";
  const people = (ctx.users ?? []).filter((u) => !u.is_bot);
  const options = element.options ?? (element.option_groups ?? []).flatMap((g) => g.options ?? []);
  switch (element.type) {
    case "plain_text_input":
    case "url_text_input":
    case "email_text_input":
    case "number_input":
      return element.multiline
        ? html`<textarea
            id=${id}
            rows="4"
            value=${state.value ?? ""}
            onInput=${(e) => set({ value: e.currentTarget.value })}
          ></textarea>`
        : html`<input
            id=${id}
            type=${element.type === "url_text_input" ? "url" : "text"}
            value=${state.value ?? ""}
            onInput=${(e) => set({ value: e.currentTarget.value })}
          />`;
    case "users_select":
      return html`<select
        id=${id}
        value=${state.selected_user ?? ""}
        onChange=${(e) => set({ selected_user: e.currentTarget.value || null })}
      >
        <option value="">Choose a person</option>
        ${people.map((u) => html`<option value=${u.id}>${u.real_name ?? u.name}</option>`)}
      </select>`;
    case "multi_users_select":
      return html`<select
        id=${id}
        multiple
        size="4"
        onChange=${(e) => set({ selected_users: [...e.currentTarget.selectedOptions].map((o) => o.value) })}
      >
        ${people.map((u) => html`<option value=${u.id} selected=${(state.selected_users ?? []).includes(u.id)}>${u.real_name ?? u.name}</option>`)}
      </select>`;
    case "static_select":
      return html`<select
        id=${id}
        value=${state.selected_option?.value ?? ""}
        onChange=${(e) => set({ selected_option: opt(options.find((o) => o.value === e.currentTarget.value)) })}
      >
        <option value="">${element.placeholder?.text ?? "Choose"}</option>
        ${staticOptions(element, ctx)}
      </select>`;
    case "conversations_select":
      return html`<select
        id=${id}
        value=${state.selected_conversation ?? ""}
        onChange=${(e) => set({ selected_conversation: e.currentTarget.value || null })}
      >
        <option value="">${element.placeholder?.text ?? "Choose a channel"}</option>
        ${conversationsFor(element, ctx).map((c) => html`<option value=${c.id}>${channelLabel(c, ctx)}</option>`)}
      </select>`;
    case "multi_conversations_select":
      return html`<select
        id=${id}
        multiple
        size="4"
        onChange=${(e) => set({ selected_conversations: [...e.currentTarget.selectedOptions].map((o) => o.value) })}
      >
        ${conversationsFor(element, ctx).map((c) => html`<option value=${c.id} selected=${(state.selected_conversations ?? []).includes(c.id)}>${channelLabel(c, ctx)}</option>`)}
      </select>`;
    case "timepicker":
      return html`<input
        id=${id}
        type="time"
        value=${state.selected_time ?? ""}
        onInput=${(e) => set({ selected_time: e.currentTarget.value || null })}
      />`;
    case "checkboxes":
    case "radio_buttons":
    case "multi_static_select": {
      const chosen = state.selected_options ?? (state.selected_option ? [state.selected_option] : []);
      const toggle = (o, on) => {
        if (element.type === "radio_buttons") return set({ selected_option: opt(o) });
        const next = on ? [...chosen, opt(o)] : chosen.filter((c) => c.value !== o.value);
        set({ selected_options: next });
      };
      return html`<fieldset id=${id} class="choices" aria-label=${label}>
        ${options.map(
          (o) =>
            html`<label class="choice">
              <input
                type=${element.type === "radio_buttons" ? "radio" : "checkbox"}
                name=${blockId}
                checked=${chosen.some((c) => c.value === o.value)}
                onChange=${(e) => toggle(o, e.currentTarget.checked)}
              />
              ${textObject(o.text, ctx)}
            </label>`,
        )}
      </fieldset>`;
    }
    case "datepicker":
      return html`<input
        id=${id}
        type="date"
        value=${state.selected_date ?? ""}
        onInput=${(e) => set({ selected_date: e.currentTarget.value || null })}
      />`;
    case "datetimepicker":
      return html`<input
        id=${id}
        type="datetime-local"
        value=${toLocalInput(state.selected_date_time)}
        onInput=${(e) => set({ selected_date_time: e.currentTarget.value ? Math.floor(new Date(e.currentTarget.value).getTime() / 1000) : null })}
      />`;
    case "file_input":
      return html`<${FileInput} element=${element} id=${id} state=${state} set=${set} user=${ctx.user} />`;
    default:
      return html`<span class="unsupported">[${element.type}]</span>`;
  }
}

export function Modal({ open, ctx, onSubmit, onClose }) {
  const view = open.view;
  const [values, setValuesState] = useState(() => initialValues(view));
  // The latest values, also between a change and the next render: a view update (the effect
  // below) or a second change before Preact re-renders must start from them, not from the
  // values of an older render (which dropped what was just typed or chosen).
  const latest = useRef(values);
  const setValues = (next) => {
    latest.current = next;
    setValuesState(next);
  };
  const viewKey = `${open.id}:${view.hash ?? ""}:${JSON.stringify(view.blocks ?? []).length}:${view.title?.text}`;
  const seen = useRef({ key: viewKey, id: open.id, initial: initialValues(view) });
  useEffect(() => {
    const before = seen.current;
    if (before.key === viewKey) return;
    const initial = initialValues(view);
    seen.current = { key: viewKey, id: open.id, initial };
    if (before.id !== open.id) {
      setValues(initial);
      return;
    }
    // views.update of the same view: like Slack, what the person typed or chose stays (same
    // block_id); fields they have not touched take the new view's initial values.
    const kept = {};
    for (const [blockId, state] of Object.entries(initial)) {
      const typed = latest.current[blockId];
      const touched = typed && JSON.stringify(typed) !== JSON.stringify(before.initial[blockId]);
      kept[blockId] = touched ? typed : state;
    }
    setValues(kept);
  }, [viewKey]);
  const errors = open.errors ?? {};
  const modalCtx = { ...ctx, onAction: (action) => ctx.onAction(action, latest.current) };
  return html`<div class="overlay">
    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title">
      <header>
        <h2 id="modal-title">${textObject(view.title, ctx)}</h2>
        <button type="button" class="icon" aria-label="Close" onClick=${onClose}>×</button>
      </header>
      <form
        class="modal-body"
        onSubmit=${(e) => {
          e.preventDefault();
          onSubmit(latest.current);
        }}
      >
        ${errors[""] ? html`<div class="field-error" role="alert">${errors[""]}</div>` : ""}
        ${(view.blocks ?? []).map((block, i) => {
          const blockId = block.block_id ?? `b${i}`;
          if (block.type !== "input")
            return html`<${Block} block=${{ ...block, block_id: blockId }} ctx=${modalCtx} />`;
          const actionId = block.element?.action_id ?? "input";
          const state = values[blockId]?.[actionId] ?? {};
          const set = (patch) => {
            const now = latest.current[blockId]?.[actionId] ?? state;
            const next = { ...latest.current, [blockId]: { [actionId]: { ...now, ...patch } } };
            setValues(next);
            // Like Slack: an input block with dispatch_action sends a select's choice at once
            // (block_actions, with the view's state); text inputs would need dispatch_action_config.
            if (block.dispatch_action && !/text_input|number_input/.test(block.element?.type ?? ""))
              ctx.onAction?.({ type: block.element.type, action_id: actionId, block_id: blockId, ...patch }, next);
          };
          const id = `field-${blockId}`;
          return html`<div class=${`field ${errors[blockId] ? "has-error" : ""}`}>
            <label for=${id}
              >${block.label?.text}${block.optional ? html` <span class="optional">(optional)</span>` : ""}</label
            >
            <${Field} block=${block} blockId=${blockId} state=${state} set=${set} ctx=${ctx} id=${id} />
            ${block.hint ? html`<div class="hint">${textObject(block.hint, ctx)}</div>` : ""}
            ${errors[blockId] ? html`<div class="field-error" role="alert">${errors[blockId]}</div>` : ""}
          </div>`;
        })}
        <footer>
          <button type="button" class="btn" onClick=${onClose}>${view.close?.text ?? "Cancel"}</button>
          ${view.submit ? html`<button type="submit" class="btn primary">${view.submit.text}</button>` : ""}
        </footer>
      </form>
    </div>
  </div>`;
}
