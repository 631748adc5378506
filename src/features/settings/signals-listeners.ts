// Settings → Connections: "Connect a source" (a modal pushed on the form; its result shows the
// webhook URL and a generated secret that once), the source select that shows the secret field
// only where the admin pastes one, and Disconnect (Slack asks to confirm first). Every click and
// submission checks again that the person is an admin; the services audit like the commands.
import type { BlockAction, BlockButtonAction, StaticSelectAction } from "@slack/bolt";
import { isHashConflict } from "../../slack/hash-conflict.ts";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { getSettings, rememberAdminContact, type WorkspaceRef } from "../admin/settings.ts";
import { noticeModal } from "../nominations/blocks.ts";
import { webhookUrl } from "../signals/connections.ts";
import { connectionSecret, connectSource, disconnectSource } from "../signals/manage.ts";
import { isSignalSource } from "../signals/model.ts";
import { asFieldError } from "../admin/validate.ts";
import { checkAdmin, COULD_NOT_CHECK_PLAIN, ONLY_ADMINS_PLAIN, timezoneOf } from "./access.ts";
import { settingsModal } from "./blocks.ts";
import { loadSignalSettings } from "./service.ts";
import {
  CONNECT_CALLBACK,
  CONNECT_FIELD,
  CONNECT_SOURCE_ACTION,
  connectedView,
  connectModal,
  SETTINGS_CONNECT_ACTION,
  SETTINGS_DISCONNECT_ACTION,
  signalsFormBlocks,
} from "./signals-blocks.ts";
import { VALUE } from "./blocks.ts";

const workspaceOf = (body: {
  team?: { id?: string } | null;
  user: { team_id?: string };
  enterprise?: { id?: string } | null;
}): WorkspaceRef => ({
  teamId: body.team?.id ?? body.user.team_id ?? "",
  enterpriseId: body.enterprise?.id ?? null,
});

const refusal = (admin: "not-admin" | "unknown") =>
  noticeModal(
    "Delight settings",
    admin === "not-admin" ? `:lock: ${ONLY_ADMINS_PLAIN}` : `:hourglass: ${COULD_NOT_CHECK_PLAIN}`,
  );

export function registerSignalSettings(router: SlackRouter, deps: AppDeps): void {
  /** The Settings form again, with the connections as they are now (inputs keep what was typed). */
  async function refreshForm(workspace: WorkspaceRef, userId: string, viewId: string, hash?: string): Promise<void> {
    const [settings, adminTimezone, signals] = await Promise.all([
      getSettings(deps.prisma, workspace),
      timezoneOf(deps, userId),
      loadSignalSettings(deps, workspace.teamId),
    ]);
    const view = settingsModal(settings, { adminTimezone, more: signalsFormBlocks(signals, deps.config.publicUrl) });
    // Slack keeps what was typed in inputs whose block and action ids stay the same; the hash
    // refuses the update (hash_conflict) if the view changed meanwhile: the next click refreshes.
    await router
      .clientFor(workspace.teamId)
      .views.update({ view_id: viewId, ...(hash ? { hash } : {}), view })
      .catch((error: unknown) => {
        if (isHashConflict(error)) return deps.logger.debug("Settings form not refreshed: it changed meanwhile");
        deps.logger.warn("Could not refresh the Settings form", error instanceof Error ? error.message : String(error));
      });
  }

  router.action<BlockButtonAction>(SETTINGS_CONNECT_ACTION, async ({ ack, body, client }) => {
    await ack();
    const workspace = workspaceOf(body);
    const admin = await checkAdmin(deps, workspace.teamId, body.user.id);
    const view = admin === "admin" ? connectModal(undefined, body.view?.id) : refusal(admin);
    await client.views.push({ trigger_id: body.trigger_id, view });
  });

  // The source select (an input block with dispatch_action): the modal again, with the secret
  // field for a source whose secret the admin pastes.
  router.action<BlockAction<StaticSelectAction>>(CONNECT_SOURCE_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    if (!body.view) return;
    const admin = await checkAdmin(deps, workspaceOf(body).teamId, body.user.id);
    if (admin !== "admin") return;
    const chosen = action.selected_option?.value ?? "";
    const source = isSignalSource(chosen) ? chosen : undefined;
    await client.views
      .update({
        view_id: body.view.id,
        hash: body.view.hash,
        view: connectModal(source, body.view.private_metadata || undefined),
      })
      .catch((error: unknown) =>
        deps.logger.warn("Could not update the Connect form", error instanceof Error ? error.message : String(error)),
      );
  });

  router.view(CONNECT_CALLBACK, async ({ ack, body, view, context }) => {
    const adminId = body.user.id;
    const workspace: WorkspaceRef = {
      teamId: context.teamId ?? body.team?.id ?? body.user.team_id ?? "",
      enterpriseId: body.enterprise?.id ?? null,
    };
    const admin = await checkAdmin(deps, workspace.teamId, adminId);
    if (admin !== "admin") {
      const message = admin === "not-admin" ? ONLY_ADMINS_PLAIN : COULD_NOT_CHECK_PLAIN;
      await ack({ response_action: "errors", errors: { [CONNECT_FIELD.source]: message } });
      return;
    }
    const values = view.state.values;
    const chosen = values[CONNECT_FIELD.source]?.[CONNECT_SOURCE_ACTION]?.selected_option?.value ?? "";
    if (!isSignalSource(chosen)) {
      await ack({
        response_action: "errors",
        errors: { [CONNECT_FIELD.source]: "Pick the tool that sends the signals." },
      });
      return;
    }
    const secretBlock = values[CONNECT_FIELD.secret];
    const typed = (secretBlock?.[VALUE]?.value ?? "").trim();
    // Generic's secret is always made here (the form has no field for it).
    const secret = connectionSecret(chosen, chosen === "generic" ? undefined : typed || undefined);
    if (!secret.ok) {
      if (!secretBlock) {
        // The secret field comes when a source is picked; if that update never arrived, the
        // form shows it now (the choice kept) and Connect is pressed again.
        await ack({ response_action: "update", view: connectModal(chosen, view.private_metadata || undefined) });
        return;
      }
      await ack({ response_action: "errors", errors: { [CONNECT_FIELD.secret]: asFieldError(secret.problem) } });
      return;
    }
    await rememberAdminContact(deps.prisma, workspace, adminId);
    const { connection, shownSecret } = await connectSource(deps, workspace, adminId, {
      source: chosen,
      secret: secret.secret,
      generated: secret.generated,
      sourceViewId: view.id,
    });
    await ack({
      response_action: "update",
      view: connectedView({
        source: chosen,
        connectionId: connection.id,
        url: webhookUrl(deps.config.publicUrl ?? "", connection),
        publicUrlMissing: !deps.config.publicUrl,
        ...(shownSecret ? { shownSecret } : {}),
      }),
    });
    // The form under it lists the new connection when the admin comes back to it (its view id
    // was kept in private_metadata; Slack also names it root_view_id).
    const formViewId = view.private_metadata || view.root_view_id;
    if (formViewId && formViewId !== view.id && /^[A-Z0-9]{1,64}$/i.test(formViewId)) {
      await refreshForm(workspace, adminId, formViewId);
    }
  });

  router.action<BlockButtonAction>(SETTINGS_DISCONNECT_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const workspace = workspaceOf(body);
    const admin = await checkAdmin(deps, workspace.teamId, body.user.id);
    if (admin !== "admin") {
      await client.views.push({ trigger_id: body.trigger_id, view: refusal(admin) });
      return;
    }
    const id = action.value ?? "";
    if (/^[A-Za-z0-9_-]{8,64}$/.test(id)) await disconnectSource(deps, workspace, body.user.id, id);
    if (body.view) await refreshForm(workspace, body.user.id, body.view.id, body.view.hash);
  });
}
