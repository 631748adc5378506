// Slack's file service as the imitation plays it: files.getUploadURLExternal (with its alt text),
// the upload URL, files.completeUploadExternal, files.info, and whether a `slack_file`
// reference in blocks may be shown yet.
//
// Slack shares a completed upload asynchronously: an image block referencing the file right
// after files.completeUploadExternal can be refused with invalid_blocks ("invalid slack file")
// until the file is processed (python-slack-sdk #1521; bolt-js #2115, where maintainers advise
// polling files.info). An unprocessed file's files.info shows an empty `mimetype` and empty
// `shares` (java-slack-sdk #1349). Slack documents no processing time: the imitation takes
// `processingMs` (about 2 s) and refuses references until then; files.info answers "ready"
// (mimetype and shares filled in) from that moment.

export interface StoredFile {
  id: string;
  title?: string;
  filename?: string;
  bytes?: Buffer;
  contentType?: string;
  /** The alt text Slack keeps for the image (files.getUploadURLExternal's `alt_txt`). */
  altTxt?: string;
  /** Where files.completeUploadExternal shared it. */
  sharedIn?: string;
  /** When processing ends (ms since the epoch); undefined until the upload is completed. */
  readyAt?: number;
  /** Who uploaded it through a form's file_input (files an app uploads have none). */
  uploadedBy?: string;
}

/** file_input's limit per file (docs.slack.dev/reference/block-kit/block-elements/file-input-element). */
export const FILE_INPUT_MAX_BYTES = 10 * 1024 * 1024;

/** Slack's documented limit for `alt_txt` (files.getUploadURLExternal: alt_txt_too_large). */
export const ALT_TXT_LIMIT = 1000;

type Answer = Record<string, unknown>;

export class SlackFiles {
  readonly files = new Map<string, StoredFile>();
  /** How long Slack takes to process a completed upload, in ms (real time). */
  processingMs = 2_000;

  constructor(private readonly nextId: () => string) {}

  /** files.getUploadURLExternal: the refusal's error and details, or the new file. */
  newUpload(args: Answer): { file: StoredFile } | { error: string; details: string[] } {
    // Slack documents `alt_txt`. @slack/web-api 8's filesUploadV2 sends `alt_text` instead,
    // which Slack does not document: the imitation ignores it, as it ignores any unknown argument.
    const altTxt = typeof args.alt_txt === "string" ? args.alt_txt : undefined;
    if (altTxt !== undefined && altTxt.length > ALT_TXT_LIMIT) {
      return {
        error: "alt_txt_too_large",
        details: [`alt_txt has ${altTxt.length} characters; Slack allows at most ${ALT_TXT_LIMIT}`],
      };
    }
    const id = `F${this.nextId()}`;
    const file: StoredFile = {
      id,
      filename: typeof args.filename === "string" ? args.filename : undefined,
      ...(altTxt ? { altTxt } : {}),
    };
    this.files.set(id, file);
    return { file };
  }

  /** The bytes of an upload URL's POST. */
  receive(id: string, bytes: Buffer, contentType: string): void {
    const file = this.files.get(id) ?? { id };
    file.bytes = bytes;
    file.contentType = contentType;
    this.files.set(id, file);
  }

  /** files.completeUploadExternal: the files, processed from now on. */
  complete(list: Array<{ id?: string; title?: string }>, channel: string | undefined): StoredFile[] {
    return list.map((f) => {
      const file = this.files.get(String(f.id)) ?? { id: String(f.id) };
      file.title = f.title;
      file.sharedIn = channel;
      file.readyAt = Date.now() + this.processingMs;
      this.files.set(file.id, file);
      return file;
    });
  }

  isReady(file: StoredFile): boolean {
    return file.readyAt !== undefined && Date.now() >= file.readyAt;
  }

  /** files.info: an unprocessed file has no mimetype and no shares yet. */
  info(id: string): Answer {
    const file = this.files.get(id);
    if (!file) return { ok: false, error: "file_not_found" };
    const ready = this.isReady(file);
    const kind = file.sharedIn && /^[DG]/.test(file.sharedIn) ? "private" : "public";
    return {
      ok: true,
      file: {
        id: file.id,
        name: file.filename,
        title: file.title,
        alt_txt: file.altTxt,
        mimetype: ready ? (file.contentType ?? "application/octet-stream") : "",
        filetype: ready ? (file.filename?.split(".").pop() ?? "") : "",
        size: file.bytes?.length ?? 0,
        shares: ready && file.sharedIn ? { [kind]: { [file.sharedIn]: [{ ts: "0" }] } } : {},
      },
    };
  }

  /**
   * A file a person chose in a form's file_input: stored as Slack keeps it, and described as
   * the view_submission's state carries it (a file object with url_private_download).
   */
  userUpload(input: { user: string; name: string; bytes: Buffer }): { file: StoredFile } | { error: string } {
    if (input.bytes.length > FILE_INPUT_MAX_BYTES) return { error: "file_too_large" };
    if (input.bytes.length === 0) return { error: "file_empty" };
    const id = `F${this.nextId()}`;
    const filename = input.name.replace(/[/\\]/g, "_").slice(0, 200) || "file";
    const file: StoredFile = { id, filename, title: filename, bytes: input.bytes, uploadedBy: input.user };
    file.contentType = /\.csv$/i.test(filename) ? "text/csv" : "application/octet-stream";
    file.readyAt = Date.now();
    this.files.set(id, file);
    return { file };
  }

  /** A file object as Slack gives it in a file_input's state: its private URLs on `baseUrl`. */
  fileObject(file: StoredFile, baseUrl: string, teamId: string): Answer {
    const name = file.filename ?? file.id;
    const url = `${baseUrl}files-pri/${teamId}-${file.id}/${encodeURIComponent(name)}`;
    return {
      id: file.id,
      name,
      title: file.title ?? name,
      mimetype: file.contentType ?? "application/octet-stream",
      filetype: name.includes(".") ? (name.split(".").pop() ?? "").toLowerCase() : "",
      size: file.bytes?.length ?? 0,
      user: file.uploadedBy,
      url_private: url,
      url_private_download: `${baseUrl}files-pri/${teamId}-${file.id}/download/${encodeURIComponent(name)}`,
    };
  }

  /** The file a /files-pri/<team>-<id>/… path names, or undefined. */
  byPrivatePath(path: string): StoredFile | undefined {
    const id = /^\/files-pri\/[A-Z0-9]+-(F[A-Za-z0-9]+)\//.exec(path)?.[1];
    return id ? this.files.get(id) : undefined;
  }

  /** Every `slack_file` reference (by id) in blocks or a view that Slack would refuse now. */
  referenceProblems(value: unknown, path: string): string[] {
    const problems: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) {
        node.forEach((item, i) => walk(item, `${at}/${i}`));
        return;
      }
      if (!node || typeof node !== "object") return;
      for (const [key, child] of Object.entries(node as Answer)) {
        if (key === "slack_file" && child && typeof child === "object") {
          const id = (child as { id?: unknown }).id;
          if (typeof id !== "string") continue;
          const file = this.files.get(id);
          if (!file || !this.isReady(file)) problems.push(`invalid slack file [json-pointer:${at}/slack_file]`);
          continue;
        }
        walk(child, `${at}/${key}`);
      }
    };
    walk(value, path);
    return problems;
  }
}
