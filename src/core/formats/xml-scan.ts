/**
 * One pass over an XML document: well-formedness checked as it goes (XML 1.0 §2–4, Namespaces
 * in XML §5 for prefixes), elements and text handed to a handler, no tree built. What it
 * refuses: unbalanced or crossed tags, bad names, unquoted or repeated attributes, `<` in an
 * attribute value, undefined entities (only the five predefined ones and character references
 * exist without a DTD; DTD entity declarations are refused, so no entity expansion at all),
 * characters XML forbids, text or a second element outside the root, nesting deeper than
 * `maxDepth`. Errors are `XmlError`s with the line and one short sentence: names and values
 * in them are cut short, so a hostile file cannot make a long message.
 */

export class XmlError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'XmlError';
  }
}

/** Attributes as [qualified name, decoded value] pairs. */
export type XmlAttrs = readonly (readonly [string, string])[];

export interface XmlHandler {
  /** An element starts; `local` is its name without prefix; `at` its offset (see `lineAt`). */
  open(local: string, attrs: XmlAttrs, at: number): void;
  /** Character data (entities decoded, CDATA included), in pieces. */
  text(s: string): void;
  close(local: string): void;
  /**
   * False while the handler ignores text (read before each piece): the scanner then checks
   * the text without copying it out, which is most of a big document's time.
   */
  readonly wantsText?: boolean;
  /**
   * Markup (e.g. `<Trackpoint>`) starting elements the handler may read whole itself, from the
   * text, with `readWhole`: for a document made of many copies of one small element, one
   * regular expression per copy instead of a call per tag.
   */
  readonly wholeStart?: string;
  /**
   * Reads the element at `lt` (at nesting `depth`) and returns the offset after it, or -1 to
   * leave it to the scanner. It may take only what the scanner would take: a well-formed
   * element within maxDepth, no character XML forbids, its prefixes bound (`isBound`).
   */
  readWhole?(src: string, lt: number, depth: number): number;
}

export interface XmlScanOptions {
  /** Deepest element nesting accepted (default 64; TCX needs 9). */
  maxDepth?: number;
}

const NO_ATTRS: XmlAttrs = [];
// Names (XML 1.0 §2.3, with the non-ASCII ranges folded together) and QNames (at most one colon).
const NCNAME = '[A-Za-z_\\u00C0-\\uFFFF][\\w.\\-\\u00B7\\u00C0-\\uFFFF]*';
const QNAME = new RegExp(`^${NCNAME}(?::${NCNAME})?$`);
// XML 1.0 §2.2: control characters other than tab, LF and CR are not allowed anywhere.
const BAD_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** A name or value as it may appear in a one-line message. */
export function clip(s: string, max = 32): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

const indexOrEnd = (s: string, c: string, from: number) => {
  const i = s.indexOf(c, from);
  return i < 0 ? s.length : i;
};

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** A checked element or attribute name: its local part and prefix ('' when none). */
interface Name {
  local: string;
  prefix: string;
}

/** Names seen are checked once: a document repeats a few dozen names a million times. */
const MAX_NAMES = 4096;

export class XmlScanner {
  readonly #src: string;
  readonly #h: XmlHandler;
  readonly #maxDepth: number;
  #lineFrom = 0;
  #line = 1;
  /** Open elements: qualified name, local name, offset, prefixes declared (or undefined). */
  readonly #stack: string[] = [];
  readonly #stackLocal: string[] = [];
  readonly #stackAt: number[] = [];
  readonly #stackNs: (Set<string> | undefined)[] = [];
  #anyNs = false;
  readonly #names = new Map<string, Name>();
  #rootSeen = false;
  #badAt: number;
  /** The next "&" and "]" at or after the text last checked in place (searched forward only). */
  #nextAmp = -1;
  #nextBracket = -1;

  constructor(src: string, handler: XmlHandler, opts: XmlScanOptions = {}) {
    this.#src = src;
    this.#h = handler;
    this.#maxDepth = opts.maxDepth ?? 64;
    BAD_CHAR.lastIndex = 0;
    const bad = BAD_CHAR.exec(src);
    this.#badAt = bad ? bad.index : Infinity;
  }

  /** Line (1-based) of an offset; fast when offsets only grow. */
  lineAt(pos: number): number {
    if (pos < this.#lineFrom) {
      this.#lineFrom = 0;
      this.#line = 1;
    }
    const s = this.#src;
    for (let i = s.indexOf('\n', this.#lineFrom); i >= 0 && i < pos; i = s.indexOf('\n', i + 1)) this.#line++;
    this.#lineFrom = pos;
    return this.#line;
  }

  #fail(pos: number, what: string): never {
    throw new XmlError(this.lineAt(Math.min(pos, this.#src.length)), `not well-formed XML: ${what}`);
  }

  /** Fails on a forbidden character before `end`. */
  #checkChars(end: number): void {
    if (this.#badAt < end) this.#fail(this.#badAt, `character U+${this.#src.charCodeAt(this.#badAt).toString(16).padStart(4, '0')} is not allowed`);
  }

  run(): void {
    const s = this.#src;
    const n = s.length;
    let pos = s.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (pos < n) {
      const lt = s.indexOf('<', pos);
      const textEnd = lt < 0 ? n : lt;
      if (textEnd > pos) this.#text(pos, textEnd);
      if (lt < 0) break;
      pos = this.#markup(lt);
    }
    this.#checkChars(n);
    const depth = this.#stack.length;
    if (depth) this.#fail(n, `<${clip(this.#stack[depth - 1])}> of line ${this.lineAt(this.#stackAt[depth - 1])} is never closed`);
    if (!this.#rootSeen) this.#fail(n, 'no element');
  }

  #text(from: number, to: number): void {
    const s = this.#src;
    this.#checkChars(to);
    if (this.#stack.length === 0) {
      for (let i = from; i < to; i++) if (!isSpace(s.charCodeAt(i))) this.#fail(i, `text ${this.#rootSeen ? 'after' : 'before'} the root element`);
      return;
    }
    if (this.#h.wantsText === false) {
      // Checked in place: "]]>" and "&" are rare, a copy is made only around them.
      if (this.#nextAmp < from) this.#nextAmp = indexOrEnd(s, '&', from);
      if (this.#nextBracket < from) this.#nextBracket = indexOrEnd(s, ']', from);
      if (this.#nextAmp >= to && this.#nextBracket >= to) return;
    }
    let t = s.slice(from, to);
    if (t.includes('&')) t = this.#entities(t, from);
    const cdEnd = t.indexOf(']]>');
    if (cdEnd >= 0) this.#fail(from + cdEnd, '"]]>" in text');
    if (this.#h.wantsText !== false) this.#h.text(t);
  }

  /** Decodes entity and character references in `t` (found at offset `at`). */
  #entities(t: string, at: number): string {
    return t.replace(/&([^;&<\s]{0,40});?/g, (m, name: string, off: number) => {
      if (!m.endsWith(';')) this.#fail(at + off, `"&" not starting a reference: ${clip(m)}`);
      let code: number | undefined;
      if (/^#[0-9]+$/.test(name)) code = Number(name.slice(1));
      else if (/^#x[0-9a-fA-F]+$/.test(name)) code = parseInt(name.slice(2), 16);
      else {
        const v = PREDEFINED[name];
        if (v === undefined) this.#fail(at + off, `undefined entity &${clip(name)};`);
        return v;
      }
      const ok = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (!ok) this.#fail(at + off, `character reference ${clip(m)} is not a character XML allows`);
      return String.fromCodePoint(code);
    });
  }

  /** Markup at `lt`; returns the offset after it. */
  #markup(lt: number): number {
    const s = this.#src;
    const c = s.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) return this.#closeTag(lt);
    if (c === 0x3f /* ? */) return this.#until(lt, '?>', 'processing instruction');
    if (c === 0x21 /* ! */) {
      if (s.startsWith('<!--', lt)) return this.#until(lt, '-->', 'comment');
      if (s.startsWith('<![CDATA[', lt)) {
        if (this.#stack.length === 0) this.#fail(lt, 'CDATA outside the root element');
        const end = this.#until(lt, ']]>', 'CDATA section');
        this.#h.text(s.slice(lt + 9, end - 3));
        return end;
      }
      if (s.startsWith('<!DOCTYPE', lt)) return this.#doctype(lt);
      this.#fail(lt, `unknown markup ${clip(s.slice(lt, lt + 12))}`);
    }
    const h = this.#h;
    if (h.wholeStart !== undefined && s.startsWith(h.wholeStart, lt)) {
      const end = h.readWhole!(s, lt, this.#stack.length);
      if (end >= 0) {
        this.#checkChars(end);
        return end;
      }
    }
    return this.#openTag(lt);
  }

  #until(lt: number, end: string, what: string): number {
    const i = this.#src.indexOf(end, lt + 2);
    if (i < 0) this.#fail(lt, `${what} never ends`);
    this.#checkChars(i);
    return i + end.length;
  }

  #doctype(lt: number): number {
    if (this.#rootSeen) this.#fail(lt, 'DOCTYPE after the root element');
    const s = this.#src;
    const gt = s.indexOf('>', lt);
    const bracket = s.indexOf('[', lt);
    if (bracket >= 0 && (gt < 0 || bracket < gt)) {
      // An internal subset may declare entities; expanding them is how "billion laughs" works.
      const close = s.indexOf(']', bracket);
      if (close < 0) this.#fail(lt, 'DOCTYPE never ends');
      if (/<!ENTITY/.test(s.slice(bracket, close))) this.#fail(lt, 'DTD entity declarations are not supported');
      return this.#until(close, '>', 'DOCTYPE');
    }
    if (gt < 0) this.#fail(lt, 'DOCTYPE never ends');
    return gt + 1;
  }

  /** End of the name starting at `i`. */
  #nameEnd(i: number): number {
    const s = this.#src;
    const n = s.length;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (isSpace(c) || c === 0x3e || c === 0x2f || c === 0x3d || c === 0x3c) break;
      i++;
    }
    return i;
  }

  #name(from: number, to: number, what: string): string {
    const name = this.#src.slice(from, to);
    if (!this.#names.has(name)) this.#checkName(name, from, what);
    return name;
  }

  #checkName(name: string, at: number, what: string): Name {
    let known = this.#names.get(name);
    if (known) return known;
    if (!QNAME.test(name)) this.#fail(at, name ? `bad ${what} name "${clip(name)}"` : `${what} without a name`);
    const colon = name.indexOf(':');
    known = colon > 0 ? { local: name.slice(colon + 1), prefix: name.slice(0, colon) } : { local: name, prefix: '' };
    if (this.#names.size < MAX_NAMES) this.#names.set(name, known);
    return known;
  }

  #closeTag(lt: number): number {
    const s = this.#src;
    const depth = this.#stack.length;
    const open = depth ? this.#stack[depth - 1] : undefined;
    let end: number;
    // The usual case, the open element's name, is matched in place.
    if (open !== undefined && s.startsWith(open, lt + 2) && this.#nameEnd(lt + 2 + open.length) === lt + 2 + open.length) end = lt + 2 + open.length;
    else {
      end = this.#nameEnd(lt + 2);
      const qname = this.#name(lt + 2, end, 'element');
      if (open === undefined) this.#fail(lt, `</${clip(qname)}> closes nothing`);
      this.#fail(lt, `</${clip(qname)}> closes <${clip(open)}> of line ${this.lineAt(this.#stackAt[depth - 1])}`);
    }
    let i = end;
    while (isSpace(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) !== 0x3e) this.#fail(i, `</${clip(open)} not ended by ">"`);
    this.#checkChars(i);
    const local = this.#pop();
    this.#h.close(local);
    return i + 1;
  }

  #pop(): string {
    this.#stack.pop();
    this.#stackAt.pop();
    this.#stackNs.pop();
    return this.#stackLocal.pop()!;
  }

  #openTag(lt: number): number {
    const s = this.#src;
    const n = s.length;
    const nameEnd = this.#nameEnd(lt + 1);
    const qname = this.#src.slice(lt + 1, nameEnd);
    const name = this.#checkName(qname, lt + 1, 'element');
    if (this.#stack.length === 0 && this.#rootSeen) this.#fail(lt, `a second root element <${clip(qname)}>`);
    if (this.#stack.length >= this.#maxDepth) this.#fail(lt, `elements nested more than ${this.#maxDepth} deep`);
    let attrs: [string, string][] | undefined;
    let seen: Set<string> | undefined;
    let i = nameEnd;
    let selfClosing = false;
    for (;;) {
      const ws = i;
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      const c = s.charCodeAt(i);
      if (i >= n) this.#fail(lt, `<${clip(qname)} never ends`);
      if (c === 0x3e) break;
      if (c === 0x2f) {
        if (s.charCodeAt(i + 1) !== 0x3e) this.#fail(i, `"/" not followed by ">" in <${clip(qname)}>`);
        selfClosing = true;
        i++;
        break;
      }
      if (i === ws) this.#fail(i, `no space before an attribute in <${clip(qname)}>`);
      const aEnd = this.#nameEnd(i);
      const aName = this.#name(i, aEnd, 'attribute');
      i = aEnd;
      while (isSpace(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) !== 0x3d) this.#fail(i, `attribute ${clip(aName)} without "="`);
      i++;
      while (isSpace(s.charCodeAt(i))) i++;
      const q = s.charCodeAt(i);
      if (q !== 0x22 && q !== 0x27) this.#fail(i, `value of attribute ${clip(aName)} not in quotes`);
      const close = s.indexOf(q === 0x22 ? '"' : "'", i + 1);
      if (close < 0) this.#fail(i, `value of attribute ${clip(aName)} never ends`);
      let v = s.slice(i + 1, close);
      const ltIn = v.indexOf('<');
      if (ltIn >= 0) this.#fail(i + 1 + ltIn, `"<" in the value of attribute ${clip(aName)}`);
      if (v.includes('&')) v = this.#entities(v, i + 1);
      attrs ??= [];
      seen ??= new Set();
      if (seen.has(aName)) this.#fail(i, `attribute ${clip(aName)} given twice`);
      seen.add(aName);
      attrs.push([aName, v.replace(/[\t\n\r]/g, ' ')]);
      i = close + 1;
    }
    this.#checkChars(i);
    let ns: Set<string> | undefined;
    if (attrs) {
      for (const [a] of attrs) {
        if (a.startsWith('xmlns:')) (ns ??= new Set()).add(a.slice(6));
      }
    }
    if (ns) this.#anyNs = true;
    this.#stack.push(qname);
    this.#stackLocal.push(name.local);
    this.#stackAt.push(lt);
    this.#stackNs.push(ns);
    if (name.prefix) this.#bound(name.prefix, lt);
    if (attrs) {
      for (const [a] of attrs) {
        const ac = a.indexOf(':');
        if (ac > 0 && !a.startsWith('xmlns:')) this.#bound(a.slice(0, ac), lt);
      }
    }
    this.#rootSeen = true;
    this.#h.open(name.local, attrs ?? NO_ATTRS, lt);
    if (selfClosing) {
      this.#pop();
      this.#h.close(name.local);
    }
    return i + 1;
  }

  #bound(prefix: string, at: number): void {
    if (!this.isBound(prefix)) this.#fail(at, `unbound prefix "${clip(prefix)}"`);
  }

  /** True when `prefix` may be used here: declared by an open element (or xml, xmlns). */
  isBound(prefix: string): boolean {
    if (prefix === 'xml' || prefix === 'xmlns') return true;
    if (this.#anyNs) for (let k = this.#stackNs.length - 1; k >= 0; k--) if (this.#stackNs[k]?.has(prefix)) return true;
    return false;
  }
}
