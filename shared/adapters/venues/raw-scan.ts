/**
 * A strict JSON reader over the raw text of a frame that reads only the fields a parser asks for and checks the rest
 * for well-formedness as it steps over it, without building the parsed tree (the venues' hot frames cost JSON.parse
 * more than everything the shard does with them). It handles a subset of JSON: a string with an escape (or a
 * control character, which JSON forbids there), whitespace other than spaces, a number it cannot read exactly, or
 * nesting deeper than `MAX_DEPTH` makes it stop (`BAIL`), and its caller then hands the frame to the full parser,
 * which stays the reference. So it never has to agree with JSON.parse on escapes, and where it answers, its strings
 * are the raw text's own characters.
 */

/** Thrown, never escaping a scanner's entry point: "not sure, ask the full parser". */
export const BAIL = new Error('raw scan: leave this frame to the full parser');

const MAX_DEPTH = 32;

const QUOTE = 34;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const SPACE = 32;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** Where the string whose content starts at `start` closes; bails on an escape, a control character or the end. */
function stringEnd(raw: string, start: number): number {
  const n = raw.length;
  for (let pos = start; pos < n; pos++) {
    const c = raw.charCodeAt(pos);
    if (c === QUOTE) return pos;
    if (c < SPACE || c === BACKSLASH) throw BAIL;
  }
  throw BAIL;
}

/**
 * Whether `raw` has `text` at `pos`. `indexOf` finds it there with one native compare and allocates nothing, where
 * `startsWith` goes character by character and a slice is a new string; only a miss looks further, and a miss sends
 * the frame to a slower reader anyway.
 */
function at(raw: string, text: string, pos: number): boolean {
  return raw.indexOf(text, pos) === pos;
}

/** Characters of a string (its last ones) that, with its length, pick its slot in a `TextCache`. */
const CACHE_KEY_CHARS = 8;
const CACHE_SLOTS = 1024;
const CACHE_MASK = CACHE_SLOTS - 1;

/**
 * The last string seen in each of a fixed number of slots, for `RawScan.cachedText`. Bounded; a slot taken by
 * another string only costs the next reading of the first its character-by-character scan.
 */
export class TextCache {
  readonly slots: string[] = new Array<string>(CACHE_SLOTS).fill('');
}

/** A cursor over one frame. Every method either moves past what it read or throws `BAIL`. */
export class RawScan {
  pos = 0;
  /** Content bounds of the last string read (`string()`, `key()`). */
  start = 0;
  end = 0;

  constructor(readonly raw: string) {}

  /**
   * The next character past spaces, not consumed; -1 at the end. (No read here goes past the end: one that did
   * would return NaN, and the optimizing compiler would make every read of the frame the slower for it.)
   */
  peek(): number {
    const raw = this.raw;
    const n = raw.length;
    let pos = this.pos;
    while (pos < n && raw.charCodeAt(pos) === SPACE) pos++;
    this.pos = pos;
    return pos < n ? raw.charCodeAt(pos) : -1;
  }

  /** Consumes `c` (past spaces) or bails. */
  expect(c: number): void {
    if (this.peek() !== c) throw BAIL;
    this.pos++;
  }

  /** Consumes `c` (past spaces) when it is next. */
  take(c: number): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  /** After a member of an object or array: true past a comma, false past the closing `close`; bails otherwise. */
  more(close: number): boolean {
    const c = this.peek();
    this.pos++;
    if (c === COMMA) return true;
    if (c === close) return false;
    throw BAIL;
  }

  /** The end of the frame: nothing but spaces may follow. */
  finish(): void {
    this.peek();
    if (this.pos !== this.raw.length) throw BAIL;
  }

  /** A string without escapes or control characters; its content is `raw.slice(start, end)`. */
  string(): void {
    this.expect(QUOTE);
    const start = this.pos;
    const end = stringEnd(this.raw, start);
    this.start = start;
    this.end = end;
    this.pos = end + 1;
  }

  text(): string {
    this.string();
    return this.raw.slice(this.start, this.end);
  }

  /**
   * `text()` through `cache`: a string seen before (a market's or a token's id, frame after frame) is matched by one
   * native compare instead of a look at each character, and comes back as the same flat string.
   */
  cachedText(cache: TextCache): string {
    this.expect(QUOTE);
    const raw = this.raw;
    const pos = this.pos;
    let end = raw.indexOf('"', pos);
    if (end < 0) throw BAIL;
    // The slot by length and last characters: ids of one venue share their first ones ("KXNBAGAME-26NOV14...").
    let h = end - pos;
    for (let i = end - 1; i >= pos && i >= end - CACHE_KEY_CHARS; i--) h = (h * 31 + raw.charCodeAt(i)) | 0;
    const slot = h & CACHE_MASK;
    const slots = cache.slots;
    // The cached text holds no quote, escape or control character: equal to it, the span is a checked string.
    const hit = slots[slot] as string;
    if (!(hit.length === end - pos && at(raw, hit, pos))) {
      end = stringEnd(raw, pos);
      // A copy of its own (JSON.parse of the checked span), not a slice that would keep the whole frame alive.
      slots[slot] = JSON.parse(raw.slice(pos - 1, end + 1)) as string;
    }
    this.start = pos;
    this.end = end;
    this.pos = end + 1;
    return slots[slot] as string;
  }

  /** Consumes `text`, a run of the frame's structure written as the venue writes it, or bails. */
  lit(text: string): void {
    if (!at(this.raw, text, this.pos)) throw BAIL;
    this.pos += text.length;
  }

  /**
   * A member's key and its colon: the index of the key in `names`, or -1 for another key. `names[hint]` is compared
   * first: a venue writes its keys in one order, so a caller that hints the key after the last one mostly hits.
   */
  key(names: readonly string[], hint = 0): number {
    this.expect(QUOTE);
    const raw = this.raw;
    const pos = this.pos;
    const guess = names[hint];
    if (guess !== undefined) {
      // Compared as it is read: a key that is the guess needs no other look at its characters.
      const n = guess.length;
      if (pos + n < raw.length) {
        let i = 0;
        while (i < n && raw.charCodeAt(pos + i) === guess.charCodeAt(i)) i++;
        if (i === n && raw.charCodeAt(pos + n) === QUOTE) {
          this.start = pos;
          this.end = pos + n;
          this.pos = pos + n + 1;
          this.expect(COLON);
          return hint;
        }
      }
    }
    this.pos = pos - 1;
    this.string();
    this.expect(COLON);
    for (let i = 0; i < names.length; i++) if (i !== hint && this.is(names[i] as string)) return i;
    return -1;
  }

  /** Whether the last string read is `s` (compared here: a native call costs more than a short key). */
  is(s: string): boolean {
    const start = this.start;
    const n = s.length;
    if (this.end - start !== n) return false;
    const raw = this.raw;
    for (let i = 0; i < n; i++) if (raw.charCodeAt(start + i) !== s.charCodeAt(i)) return false;
    return true;
  }

  /** A non-negative integer written as plain digits (what JSON.parse reads as a safe integer); bails otherwise. */
  uint(): number {
    this.peek();
    const raw = this.raw;
    const n = raw.length;
    const first = this.pos;
    let pos = first;
    let value = 0;
    for (; pos < n; pos++) {
      const c = raw.charCodeAt(pos);
      if (!isDigit(c)) break;
      value = value * 10 + (c - ZERO);
    }
    const digits = pos - first;
    const next = pos < n ? raw.charCodeAt(pos) : -1;
    // Leading zeros are not JSON; fractions and exponents, and more digits than a double holds exactly, are left
    // to the full parser.
    if (digits === 0 || digits > 15 || (digits > 1 && raw.charCodeAt(first) === ZERO)) throw BAIL;
    if (next === DOT || next === 101 /* e */ || next === 69 /* E */) throw BAIL;
    this.pos = pos;
    return value;
  }

  /** Any JSON number, checked against the grammar; its value as JSON.parse gives it. */
  number(): number {
    this.peek();
    const first = this.pos;
    this.stepNumber();
    return Number(this.raw.slice(first, this.pos));
  }

  /** `true` or `false`. */
  boolean(): boolean {
    const raw = this.raw;
    this.peek();
    if (raw.startsWith('true', this.pos)) {
      this.pos += 4;
      return true;
    }
    if (raw.startsWith('false', this.pos)) {
      this.pos += 5;
      return false;
    }
    throw BAIL;
  }

  /**
   * Steps over one value of any kind, checking it is well-formed: one loop over the characters with the open
   * containers kept as bits (1 = object), since this is where most of a frame's characters go by.
   */
  skip(depth = 0): void {
    const raw = this.raw;
    const n = raw.length;
    let pos = this.pos;
    /** Bit i: whether the container opened i levels down is an object. */
    let objects = 0;
    let open = 0;
    const limit = MAX_DEPTH - depth;
    for (;;) {
      // A value.
      while (pos < n && raw.charCodeAt(pos) === SPACE) pos++;
      if (pos >= n) throw BAIL;
      const c = raw.charCodeAt(pos);
      let opened = false;
      if (c === QUOTE) {
        pos = stringEnd(raw, pos + 1) + 1;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (open >= limit) throw BAIL;
        pos++;
        while (pos < n && raw.charCodeAt(pos) === SPACE) pos++;
        if (pos < n && raw.charCodeAt(pos) === (c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          pos++;
        } else {
          objects = c === OPEN_OBJECT ? objects | (1 << open) : objects & ~(1 << open);
          open++;
          opened = true;
          if (c === OPEN_OBJECT) pos = this.memberKey(pos);
        }
      } else if (c === MINUS || isDigit(c)) {
        this.pos = pos;
        this.stepNumber();
        pos = this.pos;
      } else if (raw.startsWith('true', pos) || raw.startsWith('null', pos)) {
        pos += 4;
      } else if (raw.startsWith('false', pos)) {
        pos += 5;
      } else {
        throw BAIL;
      }
      if (opened) continue;
      // After a value: close containers until one goes on with a comma.
      for (;;) {
        if (open === 0) {
          this.pos = pos;
          return;
        }
        while (pos < n && raw.charCodeAt(pos) === SPACE) pos++;
        if (pos >= n) throw BAIL;
        const d = raw.charCodeAt(pos);
        const inObject = (objects & (1 << (open - 1))) !== 0;
        if (d === COMMA) {
          pos = inObject ? this.memberKey(pos + 1) : pos + 1;
          break;
        }
        if (d !== (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) throw BAIL;
        pos++;
        open--;
      }
    }
  }

  /** A member's key and colon from `pos`; where its value starts. */
  private memberKey(pos: number): number {
    const raw = this.raw;
    const n = raw.length;
    while (pos < n && raw.charCodeAt(pos) === SPACE) pos++;
    if (pos >= n || raw.charCodeAt(pos) !== QUOTE) throw BAIL;
    pos = stringEnd(raw, pos + 1) + 1;
    while (pos < n && raw.charCodeAt(pos) === SPACE) pos++;
    if (pos >= n || raw.charCodeAt(pos) !== COLON) throw BAIL;
    return pos + 1;
  }

  /** `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?` */
  private stepNumber(): void {
    let pos = this.pos;
    if (this.at(pos) === MINUS) pos++;
    if (this.at(pos) === ZERO) pos++;
    else if (isDigit(this.at(pos))) while (isDigit(this.at(pos))) pos++;
    else throw BAIL;
    if (this.at(pos) === DOT) {
      pos++;
      if (!isDigit(this.at(pos))) throw BAIL;
      while (isDigit(this.at(pos))) pos++;
    }
    const e = this.at(pos);
    if (e === 101 || e === 69) {
      pos++;
      const sign = this.at(pos);
      if (sign === 43 /* + */ || sign === MINUS) pos++;
      if (!isDigit(this.at(pos))) throw BAIL;
      while (isDigit(this.at(pos))) pos++;
    }
    this.pos = pos;
  }

  /** The character at `pos`, -1 past the end. */
  private at(pos: number): number {
    return pos < this.raw.length ? this.raw.charCodeAt(pos) : -1;
  }
}

/** Runs a scanner: its answer, or undefined when it bailed. */
export function scanWith<T>(raw: string, read: (s: RawScan) => T): T | undefined {
  const s = new RawScan(raw);
  try {
    const value = read(s);
    s.finish();
    return value;
  } catch (error) {
    if (error === BAIL) return undefined;
    throw error;
  }
}
