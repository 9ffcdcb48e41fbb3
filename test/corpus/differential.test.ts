/**
 * Differential test: fitkit's decoder against Garmin's official JS SDK (@garmin/fitsdk 21.217,
 * the profile fitkit's standard profile is built from), over every corpus FIT file.
 *
 * Files the SDK decodes without errors: both decoders must produce the same messages (same global
 * order, same count per type) with the same field values, once the documented, deliberate
 * differences of representation are normalised (see `sdkSide` and `ourSide`; each rule says why).
 * Anything else fails, unless listed in KNOWN_DISAGREEMENTS with the reason.
 *
 * Files the SDK cannot decode (compressed-timestamp headers, damaged files): fitkit must still
 * decode them, at least the messages MANIFEST.tsv lists, with the expected diagnostics; the list
 * is printed.
 *
 * The SDK is only used as an oracle here, never timed (its licence forbids benchmarking it).
 */
import { readFileSync } from 'node:fs';
import { Decoder, Profile as SdkProfile, Stream } from '@garmin/fitsdk';
import { afterAll, expect, it } from 'vitest';
import { decodeFit, fieldValue, messageToObject, type DataFrame, type DecodeResult, type FitField, type FitMessage, type SubField } from '../../src/core/index.js';
import { snakeName } from '../../src/core/fit/profile/names.js';
import { corpusFitFiles, corpusPath, describeCorpus, hasCorpus } from '../helpers/corpus.js';

/** The same expansions on both sides; SDK conversions that fitkit leaves to its value layer off. */
const SDK_OPTIONS = {
  applyScaleAndOffset: true,
  expandSubFields: true,
  expandComponents: true,
  convertTypesToStrings: false,
  convertDateTimesToDates: false,
  includeUnknownData: true,
  mergeHeartRates: false,
  decodeMemoGlobs: false,
} as const;

/**
 * Disagreements that remain after normalisation and are understood: the files (relative to
 * corpus/fit, no extension), the SDK's message name, the field key as compared, and why. Each
 * must still occur in each of its files (so a fix shows up here too). Target: none.
 */
const KNOWN_DISAGREEMENTS: readonly { name: string; files: readonly string[]; message: string; field: string; reason: string }[] = [
  // None. (expanded-field-stored-count, once listed here, is fixed: its fixture is in fixtures/regress/.)
];

/**
 * Files the SDK cannot decode and what fitkit must report for each (codes of its diagnostics, in
 * order, with the offsets where the damage is). A file not listed here still has to decode
 * without throwing and yield messages.
 */
const UNDECODABLE: Record<string, { diagnostics: { code: string; offset?: number }[]; complete: boolean; files?: number }> = {
  // Deliberately truncated course: the 4th record is cut off 18 bytes in.
  'coursepointer/invalid_truncated': { diagnostics: [{ code: 'truncated', offset: 309 }], complete: false },
  // Lezyne file whose tail is garbage (gpsbabel reads it in "recoverymode"): one odd architecture
  // byte, then a definition with a base type that does not exist, where fitkit stops. The SDK
  // stops earlier, at a byte it takes for a compressed-timestamp header.
  'gpsbabel/lezyne_super_gps-garmin_fit-sample-bad-endian': {
    diagnostics: [
      { code: 'architecture', offset: 22227 },
      { code: 'bad_definition', offset: 22233 },
    ],
    complete: false,
  },
  // Chained activity + activity, the 2nd file's CRC is wrong: both files' messages are kept.
  'python-fitparse/activity-activity-filecrc': { diagnostics: [{ code: 'crc_mismatch', offset: 1540 }], complete: false, files: 2 },
  'python-fitparse/activity-filecrc': { diagnostics: [{ code: 'crc_mismatch', offset: 769 }], complete: false },
  // 83 bytes after the first file that are not a FIT header: a warning, the file is complete.
  'python-fitparse/activity-settings-corruptheader': { diagnostics: [{ code: 'trailing_bytes', offset: 771 }], complete: true },
  // The 2nd chained file has a header and 3 of its 68 data bytes.
  'python-fitparse/activity-settings-nodata': { diagnostics: [{ code: 'truncated', offset: 783 }], complete: false, files: 2 },
  'python-fitparse/activity-unexpected-eof': { diagnostics: [{ code: 'truncated', offset: 751 }], complete: false },
  // Valid files with compressed-timestamp headers, which the JS SDK does not support.
  'python-fitparse/antfs-dump.63': { diagnostics: [], complete: true },
  'python-fitparse/compressed-speed-distance': { diagnostics: [], complete: true },
  // A data record for local type 11, never defined, at byte 7471 (MANIFEST.tsv says so too).
  'python-fitparse/strava-android-app-201.10-b1218918': { diagnostics: [{ code: 'undefined_local_message', offset: 7471 }], complete: false },
};

// ---------------------------------------------------------------------------------------------
// MANIFEST.tsv: what each file holds, and what the SDK made of it when the corpus was built.

interface ManifestEntry {
  notes: string;
  /** "msgs: record=804 lap=1 session=1" as snake_case name → count. */
  msgs: Map<string, number>;
  /** "CHAINED (N FIT files)". */
  chained?: number;
  /** The notes record an SDK error for this file. */
  sdkErrors: boolean;
}

function readManifest(): Map<string, ManifestEntry> {
  const out = new Map<string, ManifestEntry>();
  if (!hasCorpus) return out;
  const lines = readFileSync(corpusPath('MANIFEST.tsv'), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const cols = line.split('\t');
    const m = /^fit\/(.+)\.fit$/i.exec(cols[0] ?? '');
    if (!m) continue;
    const notes = cols[6] ?? '';
    const msgs = new Map<string, number>();
    const mm = /msgs: ([^;]+)/.exec(notes);
    for (const part of mm?.[1].trim().split(/\s+/) ?? []) {
      const [k, v] = part.split('=');
      if (k && /^\d+$/.test(v ?? '')) msgs.set(snakeName(k), Number(v));
    }
    const ch = /CHAINED \((\d+) FIT files\)/.exec(notes);
    out.set(m[1], {
      notes,
      msgs,
      chained: ch ? Number(ch[1]) : undefined,
      sdkErrors: /@garmin\/fitsdk [\d.]+: .*errors:/.test(notes),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Normalised form: per global message number, the messages in order, each a map of field key
// (our snake_case name; the field number for unknown fields; `dev:<name>` for developer fields)
// to a value (number, bigint, string, or arrays of those with null for invalid elements).

type Scalar = number | bigint | string | null;
type NValue = Scalar | Scalar[];
type NMessage = Map<string, NValue>;
type Normalised = Map<number, NMessage[]>;

type SdkMessages = Record<string, Record<string, unknown>[]>;

interface SdkProfileField {
  num: number;
  name: string;
  subFields: { name: string }[];
}
interface SdkProfileMessage {
  num: number;
  name: string;
  messagesKey: string;
  fields: Record<string, SdkProfileField>;
}
const SDK_MESSAGES = (SdkProfile as unknown as { messages: Record<string, SdkProfileMessage> }).messages;
const NUM_BY_KEY = new Map(Object.values(SDK_MESSAGES).map((m) => [m.messagesKey, m.num]));

/** fitkit's supplement names message 29 `location`; the SDK's profile does not know it. */
const LOCATION = 29;
const FIELD_DESCRIPTION = 206;

const INVALID_64: Partial<Record<string, bigint>> = { sint64: 0x7fffffffffffffffn, uint64: 0xffffffffffffffffn, uint64z: 0n };

/** The field number an SDK key stands for (a field or one of its subfields), for its base type. */
function sdkFieldNum(mesgNum: number, key: string): number | undefined {
  if (/^\d+$/.test(key)) return Number(key);
  for (const f of Object.values(SDK_MESSAGES[mesgNum]?.fields ?? {})) {
    if (f.name === key || f.subFields.some((s) => s.name === key)) return f.num;
  }
  return undefined;
}

/**
 * The SDK's invalid-value check is `value === invalid` with the invalid value as a JS number:
 * it never matches a float (its sentinel is the integer 0xFFFFFFFF, a float read is NaN) nor a
 * 64-bit value (read as bigint). So invalid floats come back as NaN and invalid 64-bit integers
 * as their sentinel; fitkit treats both as invalid (null). Maps them to null / absent.
 */
function sdkValue(v: unknown, baseType: string | undefined): NValue | undefined {
  const invalid64 = baseType ? INVALID_64[baseType] : undefined;
  const clean = (x: unknown): Scalar => {
    if (x === null || x === undefined) return null;
    if (typeof x === 'number') return Number.isNaN(x) ? null : x;
    if (typeof x === 'bigint') return invalid64 !== undefined && x === invalid64 ? null : x;
    if (typeof x === 'string') return x;
    throw new Error(`unexpected SDK value ${String(x)}`);
  };
  if (Array.isArray(v)) {
    const a = v.map(clean);
    return a.every((x) => x === null) ? undefined : a;
  }
  const c = clean(v);
  return c === null ? undefined : c;
}

function sdkSide(messages: SdkMessages, framesByNum: Map<number, DataFrame[]>): Normalised {
  // The SDK keys developer fields by the running index of their field_description (`key`);
  // fitkit by the description's field_name, or developer_<index>_<field> when it has none.
  const devNames = new Map<number, string>();
  for (const fd of messages.fieldDescriptionMesgs ?? []) {
    const name = typeof fd.fieldName === 'string' && fd.fieldName !== '' ? fd.fieldName : undefined;
    devNames.set(fd.key as number, name ?? `developer_${String(fd.developerDataIndex)}_${String(fd.fieldDefinitionNumber)}`);
  }
  const out: Normalised = new Map();
  for (const [key, list] of Object.entries(messages)) {
    // Known messages under `<camelName>Mesgs`; unknown ones (includeUnknownData) under their number.
    const num = NUM_BY_KEY.get(key) ?? Number(key);
    if (!Number.isInteger(num)) throw new Error(`SDK message key ${key}`);
    const pm = SDK_MESSAGES[num];
    const frames = framesByNum.get(num) ?? [];
    out.set(
      num,
      list.map((m, i) => {
        const o: NMessage = new Map();
        const def = frames[i]?.definition;
        for (const [fk, v] of Object.entries(m)) {
          if (fk === 'developerFields') {
            for (const [dk, dv] of Object.entries(v as Record<string, unknown>)) {
              const c = sdkValue(dv, undefined);
              if (c !== undefined) o.set(`dev:${devNames.get(Number(dk)) ?? `?${dk}`}`, c);
            }
            continue;
          }
          // The SDK adds its running developer-field `key` to field_description messages.
          if (num === FIELD_DESCRIPTION && fk === 'key') continue;
          const fnum = sdkFieldNum(num, fk);
          const bt = def?.fields.find((d) => d.num === fnum)?.baseType?.name;
          const c = sdkValue(v, bt);
          // Unknown fields (includeUnknownData) are keyed by number, known ones by camelCase name.
          if (c !== undefined) o.set(/^\d+$/.test(fk) ? fk : snakeName(fk), c);
        }
        // The SDK keeps a field under its own name and adds a copy under the name of every
        // subfield that applies; fitkit names the field after the first subfield that applies
        // (profile order, the FIT SDK rule). Keep only that one.
        if (pm) {
          for (const f of Object.values(pm.fields)) {
            const present = f.subFields.map((s) => snakeName(s.name)).filter((n) => o.has(n));
            if (present.length === 0) continue;
            o.delete(snakeName(f.name));
            for (const extra of present.slice(1)) o.delete(extra);
          }
        }
        return o;
      }),
    );
  }
  return out;
}

function firstNumber(f: FitField): number | bigint | string | undefined {
  return Array.isArray(f.raw) ? f.raw[0] : f.raw;
}

/**
 * The subfield the SDK applies: it resolves subfields against stored fields only, before
 * expanding components. fitkit resolves again after expansion (a reference may be an expanded
 * field: monitoring.cycles is steps or strokes by activity_type, which devices store packed in
 * current_activity_type_intensity), as FitCSVTool does; there the SDK keeps the main field.
 */
function sdkSubfield(f: FitField, fields: FitField[]): SubField | undefined {
  return f.def?.subfields.find((s) =>
    s.refs.some((r) => {
      const ref = fields.find((x) => x.num === r.fieldNum && x.kind === 'native');
      return ref !== undefined && firstNumber(ref) === r.value;
    }),
  );
}

/** Our field as the SDK represents it; undefined where the SDK has no value. */
function ourValue(f: FitField, fields: FitField[], objValue: unknown): { key: string; value: NValue } | undefined {
  let field = f;
  let v = objValue as NValue | undefined;
  if (f.kind === 'native' && f.def && f.def.subfields.length > 0) {
    const sub = sdkSubfield(f, fields);
    if (sub !== f.sub) {
      field = sub ? { ...f, sub, name: sub.name, scale: sub.scale, offset: sub.offset } : { ...f, sub: undefined, name: f.def.name, scale: f.def.scale, offset: f.def.offset };
      v = fieldValue(field, { dates: 'raw' }) as NValue;
    }
  }
  // The SDK does not apply a developer field's scale and offset (from its field_description).
  if (f.kind === 'developer' && (f.scale !== 1 || f.offset !== 0)) {
    v = fieldValue({ ...f, scale: 1, offset: 0 }, { dates: 'raw' }) as NValue;
  }
  // Expanded components that land on a stored field: fitkit appends them to the stored values
  // (raw; FitCSVTool prints "stored|expanded"; the value view shows the stored ones); the SDK
  // replaces the stored value with the expanded ones, except under a subfield's name, which
  // keeps a copy of the stored value.
  if (f.kind === 'native' && f.storedCount !== undefined && Array.isArray(f.raw)) {
    const part = field.sub ? f.raw.slice(0, f.storedCount) : f.raw.slice(f.storedCount);
    v = fieldValue({ ...field, raw: part.length === 1 ? part[0] : part, storedCount: undefined }, { dates: 'raw' }) as NValue;
  }
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    // A string with NULs inside: fitkit keeps every part; the SDK keeps the first (its
    // developer fields, read in "legacy array mode", keep them all).
    if (f.kind !== 'developer') v = v[0];
  } else if (Array.isArray(v) && f.baseType.name === 'byte') {
    // The SDK leaves 0xFF elements of a byte array as they are (unless all are 0xFF).
    v = v.map((x) => x ?? 0xff);
  }
  // The SDK drops U+FFFD from strings (`.replace(/\uFFFD/g, "")`), even one the file holds
  // encoded (EF BF BD; Lctns.fit has one where a device replaced a "ü").
  const noFffd = (x: Scalar): Scalar => (typeof x === 'string' ? x.replace(/\uFFFD/g, '') : x);
  v = Array.isArray(v) ? v.map(noFffd) : noFffd(v);
  // The profile's `array` flag decides the SDK's shape: an array field is an array even of one
  // element; a non-array field holding several elements is read as its first element.
  if (f.def && f.kind !== 'developer' && typeof v !== 'string') {
    if (f.def.array && !Array.isArray(v)) v = [v];
    else if (!f.def.array && Array.isArray(v)) v = v[0];
  }
  if (v === null || v === undefined) return undefined;
  const key = f.kind === 'developer' ? `dev:${field.name}` : f.def ? field.name : String(f.num);
  return { key, value: v };
}

function ourSide(messages: FitMessage[], frames: DataFrame[]): Normalised {
  const out: Normalised = new Map();
  messages.forEach((m, i) => {
    const o: NMessage = new Map();
    const def = frames[i].definition;
    if (frames[i].offset !== m.offset) throw new Error(`message ${i} at ${m.offset} does not match its frame at ${frames[i].offset}`);
    if (m.num === LOCATION) {
      // Not in the SDK's profile: compare as unknown data, by field number and unscaled.
      for (const f of m.fields) {
        const v = fieldValue({ ...f, scale: 1, offset: 0 }, { dates: 'raw' }) as NValue;
        if (v !== null) o.set(String(f.num), typeof v === 'string' ? v.replace(/\uFFFD/g, '') : v);
      }
    } else {
      // The SDK reads a field whose size is not a multiple of its base type's as nothing; fitkit
      // reads what is there (COROS writes 1-byte uint32 event.data).
      const misaligned = new Set(def.fields.filter((d) => d.baseType && d.size % d.baseType.size !== 0).map((d) => d.num));
      // messageToObject is the value view under test: a later field of the same name wins.
      const obj = messageToObject(m, { dates: 'raw' });
      const byName = new Map<string, FitField>();
      for (const f of m.fields) if (fieldValue(f, { dates: 'raw' }) !== null) byName.set(`${f.kind === 'developer' ? 'dev:' : ''}${f.name}`, f);
      const entries = [...Object.entries(obj.fields).map(([k, v]) => [k, v] as const), ...Object.entries(obj.developer ?? {}).map(([k, v]) => [`dev:${k}`, v] as const)];
      if (entries.length !== byName.size) throw new Error(`messageToObject at ${m.offset}: ${entries.length} fields, expected ${byName.size}`);
      // The SDK reads a field in the type its definition declares. fitkit, as FitCSVTool, reads
      // one declared with another type of the profile type's size in the profile's type, which
      // then decides what is invalid (docs/fitcsv-invalid-values.md, rule 1; the CSV conformance
      // suite checks that reading): compare what the declared type gives.
      const retyped = new Map<number, number>();
      def.fields.forEach((d, j) => {
        const p = d.baseType && m.def?.fields.get(d.num)?.baseType;
        if (p && p !== d.baseType && p.size === d.baseType!.size && !retyped.has(d.num)) retyped.set(d.num, j);
      });
      const handled = new Set<FitField>();
      for (const f of m.fields) {
        const j = f.kind === 'native' ? retyped.get(f.num) : undefined;
        if (j === undefined || f.storedCount !== undefined || frames[i].values[j] === undefined) continue;
        const declared: FitField = { ...f, baseType: def.fields[j].baseType!, raw: frames[i].values[j]! };
        const r = ourValue(declared, m.fields, fieldValue(declared, { dates: 'raw' }));
        if (r) o.set(r.key, r.value);
        handled.add(f);
      }
      for (const [k, v] of entries) {
        const f = byName.get(k)!;
        if (f.kind === 'native' && misaligned.has(f.num)) continue;
        if (handled.has(f)) continue;
        // The SDK reads a developer field only when it has a field_description (and that a
        // developer_data_id); fitkit keeps the bytes of the others as developer_<index>_<field>.
        if (f.kind === 'developer' && !(f.dev && 'baseType' in f.dev)) continue;
        const r = ourValue(f, m.fields, v);
        if (r) o.set(r.key, r.value);
      }
    }
    const list = out.get(m.num) ?? [];
    list.push(o);
    out.set(m.num, list);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    // Integers exactly (a relative tolerance would hide an off-by-one in a timestamp or serial
    // number); scaled values within 1e-9 relative.
    if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    // fitkit gives safe 64-bit integers as numbers, the SDK every 64-bit value as bigint.
    return Number.isInteger(a) || typeof a === 'bigint' ? String(a) === String(b) : false;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return a === b;
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)));

interface Disagreement {
  message: string;
  field: string;
  detail: string;
}

/** Field values compared so far (both sides present and equal, or not), for the summary. */
let valuesCompared = 0;

function compare(sdk: Normalised, ours: Normalised): Disagreement[] {
  const out: Disagreement[] = [];
  for (const num of new Set([...sdk.keys(), ...ours.keys()])) {
    const s = sdk.get(num) ?? [];
    const o = ours.get(num) ?? [];
    const name = SDK_MESSAGES[num]?.name ?? String(num);
    if (s.length !== o.length) {
      out.push({ message: name, field: '(count)', detail: `SDK ${s.length} messages, fitkit ${o.length}` });
      continue;
    }
    for (let i = 0; i < s.length; i++) {
      for (const key of new Set([...s[i].keys(), ...o[i].keys()])) {
        const sv = s[i].get(key);
        const ov = o[i].get(key);
        valuesCompared++;
        if (!same(sv, ov)) out.push({ message: name, field: key, detail: `#${i}: SDK ${show(sv)}, fitkit ${show(ov)}` });
      }
    }
  }
  return out;
}

function sdkRead(bytes: Uint8Array): { messages: SdkMessages; errors: Error[]; order: number[] } {
  const stream = Stream.fromByteArray(bytes);
  expect(Decoder.isFIT(stream)).toBe(true);
  const order: number[] = [];
  const { messages, errors } = new Decoder(stream).read({
    ...SDK_OPTIONS,
    mesgListener: (num: number) => order.push(num),
  });
  return { messages: messages as unknown as SdkMessages, errors, order };
}

/** Data frames by global message number, in order (the SDK's messages come grouped so). */
function byGlobalNum(frames: readonly DataFrame[]): Map<number, DataFrame[]> {
  const out = new Map<number, DataFrame[]>();
  for (const f of frames) {
    const list = out.get(f.globalNum);
    if (list) list.push(f);
    else out.set(f.globalNum, [f]);
  }
  return out;
}

function ourRead(bytes: Uint8Array): { result: DecodeResult; frames: DataFrame[] } {
  const frames: DataFrame[] = [];
  const result = decodeFit(bytes, { expandComponents: true, onFrame: (f) => f.kind === 'data' && frames.push(f) });
  expect(frames.length).toBe(result.messages.length);
  return { result, frames };
}

describeCorpus('differential: fitkit vs @garmin/fitsdk 21.217', () => {
  const files = corpusFitFiles();
  const manifest = readManifest();
  const compared: string[] = [];
  const undecodable: string[] = [];
  const report: string[] = [];
  /** `${name}|${file}` of each known disagreement seen. */
  const seenKnown = new Set<string>();

  it.each(files)('%s', (file) => {
    const bytes = new Uint8Array(readFileSync(corpusPath('fit', `${file}.fit`)));
    const sdk = sdkRead(bytes);
    const entry = manifest.get(file);
    // The corpus was catalogued with the same SDK: it must fail on the same files.
    if (entry) expect(sdk.errors.length > 0, `SDK outcome vs MANIFEST.tsv: ${entry.notes}`).toBe(entry.sdkErrors);

    if (sdk.errors.length > 0) {
      undecodable.push(file);
      let result: DecodeResult | undefined;
      expect(() => (result = decodeFit(bytes))).not.toThrow();
      const r = result!;
      const counts = new Map<string, number>();
      for (const m of r.messages) counts.set(m.name, (counts.get(m.name) ?? 0) + 1);
      report.push(
        `  ${file}\n    SDK: ${sdk.errors.map((e) => e.message).join('; ')}\n` +
          `    fitkit: ${r.messages.length} messages (${[...counts].map(([k, n]) => `${k}=${n}`).join(' ')}), ` +
          `${r.headers.length} file(s), complete=${r.complete}, diagnostics: ` +
          (r.diagnostics.map((d) => `${d.level} ${d.code} @${d.offset}`).join(', ') || 'none'),
      );
      expect(r.messages.length).toBeGreaterThan(0);
      for (const [name, n] of entry?.msgs ?? []) {
        expect(counts.get(name) ?? 0, `${name} messages (MANIFEST.tsv: ${n})`).toBeGreaterThanOrEqual(n);
      }
      if (entry?.chained !== undefined) expect(r.headers.length).toBe(entry.chained);
      const want = UNDECODABLE[file];
      if (want) {
        expect(r.diagnostics.map((d) => ({ code: d.code, offset: d.offset }))).toEqual(want.diagnostics.map((d) => ({ code: d.code, offset: d.offset ?? expect.any(Number) })));
        expect(r.complete).toBe(want.complete);
        if (want.files !== undefined) expect(r.headers.length).toBe(want.files);
      }
      return;
    }

    compared.push(file);
    const { result, frames } = ourRead(bytes);
    expect(result.complete).toBe(true);
    expect(result.diagnostics.filter((d) => d.level === 'error')).toEqual([]);
    // Same messages in the same order overall (the listener sees every message as decoded).
    expect(result.messages.map((m) => m.num)).toEqual(sdk.order);

    const diffs = compare(sdkSide(sdk.messages, byGlobalNum(frames)), ourSide(result.messages, frames));
    const unexplained = diffs.filter((d) => {
      const known = KNOWN_DISAGREEMENTS.find((k) => k.files.includes(file) && k.message === d.message && k.field === d.field);
      if (known) seenKnown.add(`${known.name}|${file}`);
      return !known;
    });
    expect(
      unexplained.slice(0, 20).map((d) => `${d.message}.${d.field} ${d.detail}`),
      `${unexplained.length} disagreement(s)`,
    ).toEqual([]);
  });

  it('the comparison sees a changed, a missing and an extra value', () => {
    const counted = valuesCompared; // the summary counts the corpus comparison only
    const file = compared[0] ?? files[0];
    const bytes = new Uint8Array(readFileSync(corpusPath('fit', `${file}.fit`)));
    const sdk = sdkRead(bytes);
    const { result, frames } = ourRead(bytes);
    const ours = ourSide(result.messages, frames);
    const theirs = sdkSide(sdk.messages, byGlobalNum(frames));
    expect(compare(theirs, ours)).toEqual([]);
    const [num, list] = [...ours].find(([, l]) => l.some((m) => m.size > 1))!;
    const m = list.find((x) => x.size > 1)!;
    const [k1, k2] = [...m.keys()];
    const v1 = m.get(k1)!;
    m.set(k1, typeof v1 === 'number' ? v1 + 1 : typeof v1 === 'string' ? `${v1}!` : [v1 as never]);
    m.delete(k2);
    m.set('no_such_field', 1);
    expect(compare(theirs, ours).map((d) => [d.message, d.field])).toEqual([k1, k2, 'no_such_field'].map((k) => [SDK_MESSAGES[num]?.name ?? String(num), k]));
    valuesCompared = counted;
  });

  it('covers the corpus, and every known disagreement still occurs', () => {
    expect(compared.length + undecodable.length).toBe(files.length);
    expect(compared.length).toBeGreaterThan(0);
    for (const file of Object.keys(UNDECODABLE)) {
      if (files.includes(file)) expect(undecodable).toContain(file);
    }
    const stale = KNOWN_DISAGREEMENTS.flatMap((k) => k.files.filter((f) => files.includes(f) && !seenKnown.has(`${k.name}|${f}`)).map((f) => `${k.name}: ${f}`));
    expect(stale, 'known disagreements that no longer occur (remove them)').toEqual([]);
  });

  afterAll(() => {
    console.log(
      `differential vs @garmin/fitsdk: ${compared.length} file(s) compared field by field ` +
        `(${valuesCompared} field values), ` +
        `known disagreement(s): ${KNOWN_DISAGREEMENTS.map((k) => `${k.name} (${k.message}.${k.field} in ${k.files.length} file(s): ${k.reason})`).join('; ') || 'none'}; ` +
        `${undecodable.length} file(s) the SDK cannot decode, decoded by fitkit:\n${report.join('\n')}`,
    );
  });
});
