// Tokens at rest: AES-256-GCM with DELIGHT_ENCRYPTION_KEY. Each value names the key it was
// written with (the first 8 hex digits of the key's SHA-256), so a key in
// DELIGHT_ENCRYPTION_OLD_KEYS still reads what it wrote, while everything new is written with
// the current key. A value that fails its authentication tag is refused, never guessed at.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12; // GCM's standard nonce size (NIST SP 800-38D)

export class TokenCipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenCipherError";
  }
}

function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export class TokenCipher {
  private readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  /** `current` encrypts; `old` keys only decrypt (key rotation). */
  constructor(
    private readonly current: Buffer,
    old: Buffer[] = [],
  ) {
    for (const key of [current, ...old]) {
      if (key.length !== 32) throw new TokenCipherError("An encryption key must be 32 bytes (AES-256).");
    }
    this.currentId = keyId(current);
    for (const key of old) this.keys.set(keyId(key), key);
    this.keys.set(this.currentId, current);
  }

  /** `v1.<key id>.<iv>.<tag>.<ciphertext>`, base64url parts; `context` is bound as associated data. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.currentId,
      iv.toString("base64url"),
      tag.toString("base64url"),
      data.toString("base64url"),
    ].join(".");
  }

  decrypt(value: string, context: string): string {
    const [version, id, iv, tag, data] = value.split(".");
    if (version !== VERSION || !id || !iv || !tag || data === undefined) {
      throw new TokenCipherError("A stored secret is not in a format Delight knows.");
    }
    const key = this.keys.get(id);
    if (!key) {
      throw new TokenCipherError(
        `A stored secret was encrypted with a key Delight no longer has (key id ${id}). Add that key to DELIGHT_ENCRYPTION_OLD_KEYS.`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new TokenCipherError(`A stored secret failed its integrity check (key id ${id}).`);
    }
  }

  /** Whether a value was written with an old key (worth writing again with the current one). */
  isStale(value: string): boolean {
    return value.split(".")[1] !== this.currentId;
  }
}
