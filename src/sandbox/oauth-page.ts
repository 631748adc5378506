// The imitation's authorize page (GET /oauth/v2/authorize), as Slack shows it: which app asks
// for what in which workspace, a workspace picker, and Cancel or Allow. The form posts back to
// the same address (OAuthImitation.decide), carrying the query it was opened with.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { OAuthImitation, PendingInstall } from "./oauth.ts";

/**
 * The browser's side of Slack's OAuth: the authorize page (GET), its form (POST), and Slack's
 * app_redirect ("Open Delight in Slack"), which in the sandbox opens the app's Home as the
 * person who installed it in that workspace. Answers whether the path was one of them.
 */
export function servePages(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  oauth: OAuthImitation,
  baseUrl: string,
): boolean {
  const url = new URL(req.url ?? "", "http://imitation");
  if (url.pathname === "/app_redirect") {
    const installer = oauth.installers.get(url.searchParams.get("team") ?? "");
    res.writeHead(302, { location: installer ? `${baseUrl}?as=${encodeURIComponent(installer)}#/home` : baseUrl });
    res.end();
    return true;
  }
  if (url.pathname !== "/oauth/v2/authorize") return false;
  const answer =
    req.method === "POST"
      ? oauth.decide(new URLSearchParams(body.toString("utf8")))
      : oauth.authorize(url.searchParams);
  if (answer.location) res.writeHead(302, { location: answer.location }).end();
  else if (answer.page) res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(answer.page);
  else res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.error ?? "");
  return true;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The query fields the form carries on to the decision (the app's state among them). */
const CARRIED = ["client_id", "scope", "user_scope", "redirect_uri", "state"] as const;

export function authorizePage(query: URLSearchParams, choices: PendingInstall[], scopes: string[]): string {
  const asked = query.get("team");
  const hidden = CARRIED.filter((key) => query.get(key) !== null)
    .map((key) => `<input type="hidden" name="${key}" value="${escapeHtml(query.get(key) ?? "")}">`)
    .join("\n    ");
  const options = choices
    .map(
      (c) =>
        `<option value="${escapeHtml(c.teamId)}"${c.teamId === asked ? " selected" : ""}>${escapeHtml(c.teamName ?? c.teamId)} — you are ${escapeHtml(c.userName ?? c.userId)}</option>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Delight is requesting permission · Slack (sandbox)</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f8f8f8; color: #1d1c1d; margin: 0; }
  main { max-width: 32rem; margin: 3rem auto; background: #fff; border: 1px solid #ddd; border-radius: .5rem; padding: 2rem; }
  .sandbox { font-size: .8rem; color: #616061; text-align: center; margin-top: 1rem; }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
  select { width: 100%; padding: .5rem; font-size: 1rem; }
  ul { padding-left: 1.2rem; }
  .buttons { display: flex; gap: .8rem; justify-content: flex-end; margin-top: 1.5rem; }
  button { font-size: 1rem; padding: .6rem 1.4rem; border-radius: .3rem; border: 1px solid #bbb; background: #fff; cursor: pointer; }
  button[value="allow"] { background: #007a5a; border-color: #007a5a; color: #fff; font-weight: 600; }
</style>
</head>
<body>
<main>
  <h1>Delight is requesting permission to access a Slack workspace</h1>
  <form method="post" action="/oauth/v2/authorize">
    ${hidden}
    <label for="team">Workspace</label>
    <select id="team" name="team">${options}</select>
    <p><strong>What will Delight be able to view and do?</strong></p>
    <ul>${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>
    <div class="buttons">
      <button type="submit" name="decision" value="cancel">Cancel</button>
      <button type="submit" name="decision" value="allow">Allow</button>
    </div>
  </form>
</main>
<p class="sandbox">Slack's authorize page, played by the Delight sandbox: no data leaves this machine.</p>
</body>
</html>
`;
}
