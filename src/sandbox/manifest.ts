// The slash commands and message shortcuts of manifest.yml, for the composer's "/" list:
// the sandbox offers exactly what the Slack app declares (new commands appear by themselves).
import { readFileSync } from "node:fs";

export interface ManifestCommand {
  command: string;
  description: string;
  usageHint: string;
}

export interface ManifestShortcut {
  name: string;
  callbackId: string;
  type: string;
}

// A small reader for the manifest's two lists (the `yaml` package is a dev dependency only).
function unquote(value: string): string {
  const trimmed = value.trim();
  if (/^".*"$/.test(trimmed)) return JSON.parse(trimmed) as string;
  if (/^'.*'$/.test(trimmed)) return trimmed.slice(1, -1).replace(/''/g, "'");
  return trimmed;
}

function listItems(text: string, key: string): Array<Record<string, string>> {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => new RegExp(`^\\s*${key}:\\s*$`).test(line));
  if (start < 0) return [];
  const indent = /^(\s*)/.exec(lines[start] ?? "")?.[1]?.length ?? 0;
  const items: Array<Record<string, string>> = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const lineIndent = /^(\s*)/.exec(line)?.[1]?.length ?? 0;
    if (lineIndent <= indent && !line.trim().startsWith("-")) break;
    if (lineIndent < indent) break;
    const field = /^\s*(-\s+)?([a-z_]+):\s*(.*)$/.exec(line);
    if (!field) continue;
    if (field[1]) items.push({});
    const current = items[items.length - 1];
    if (current) current[field[2] ?? ""] = unquote(field[3] ?? "");
  }
  return items;
}

export function readManifest(path: string): { commands: ManifestCommand[]; shortcuts: ManifestShortcut[] } {
  const text = readFileSync(path, "utf8");
  return {
    commands: listItems(text, "slash_commands").map((c) => ({
      command: c.command ?? "",
      description: c.description ?? "",
      usageHint: c.usage_hint ?? "",
    })),
    shortcuts: listItems(text, "shortcuts").map((s) => ({
      name: s.name ?? "",
      callbackId: s.callback_id ?? "",
      type: s.type ?? "",
    })),
  };
}
