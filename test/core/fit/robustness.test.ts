/**
 * Robustness of the FIT decoder against damaged input, as property tests (fast-check) over
 * mutated real files, plus focused unit tests for each defect class the decoder reports.
 *
 * Seeds: a varied handful of small corpus files when ../shared/corpus is present, and files built
 * with FitBuilder (always, so the properties run in a plain clone too). Mutations: truncation,
 * bit flips, byte overwrites, inserted bytes, a duplicated or deleted range, the head of one file
 * spliced onto the tail of another, a random header data size, and structure-aware damage to
 * definition records (field count, size, base type, architecture, developer field count).
 *
 * Properties, with fixed seeds (fast-check prints seed and path on failure; FITKIT_FUZZ_SEED and
 * FITKIT_FUZZ_RUNS override them to explore):
 *  - lenient decodeFit never throws, every diagnostic has an offset in [0, length], there are no
 *    more messages than bytes, and `complete` is false exactly when an error was reported;
 *  - strict decodeFit returns (when lenient decoding reports nothing) or throws a FitkitError
 *    carrying the first diagnostic's code and offset, never another error;
 *  - decodeFitStream over random chunk sizes yields the same messages and diagnostics as the
 *    whole-buffer decode;
 *  - memory: streaming a 1–5 MB mutated file keeps the heap bounded by a constant, and
 *    decoding it whole retains a bounded multiple of its size (heap measured after a forced GC).
 *
 * Inputs that showed decoder defects are kept in fixtures/regress/ and replayed by name below.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FitkitError, decodeFit, decodeFitStream, messageToObject, type DecodeResult, type Diagnostic, type FitField, type FitMessage } from '../../../src/core/index.js';
import { BaseType, isInvalid } from '../../../src/core/fit/proto/base-types.js';
import { corpusPath, hasCorpus } from '../../helpers/corpus.js';
import { FitBuilder, MesgNum, declareDevFields, type FieldDef, FILE_ID_FIELDS } from '../../helpers/fit-builder.js';
import { apply, build as buildCase, caseArb as caseArbOver, concat, pos, seed, type Case, type Seed } from '../../helpers/fit-mutations.js';

const RUNS = Number(process.env.FITKIT_FUZZ_RUNS ?? 200);
const SEED = process.env.FITKIT_FUZZ_SEED === undefined ? undefined : Number(process.env.FITKIT_FUZZ_SEED);
const seedOr = (s: number): number => SEED ?? s;
const REGRESS = resolve(import.meta.dirname, '../../../fixtures/regress');

// ---------------------------------------------------------------------------------------------
// Files built in code

const T0 = 1_000_000_000; // FIT seconds
const APP_ID = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

const FILE_ID = [...FILE_ID_FIELDS];
const RECORD: FieldDef[] = [
  { num: 253, size: 4, type: BaseType.uint32 }, // timestamp
  { num: 0, size: 4, type: BaseType.sint32 }, // position_lat
  { num: 1, size: 4, type: BaseType.sint32 }, // position_long
  { num: 2, size: 2, type: BaseType.uint16 }, // altitude, scale 5 offset 500 → enhanced_altitude
  { num: 3, size: 1, type: BaseType.uint8 }, // heart_rate
  { num: 5, size: 4, type: BaseType.uint32 }, // distance, scale 100
  { num: 6, size: 2, type: BaseType.uint16 }, // speed, scale 1000 → enhanced_speed
];
/** A record without timestamp, for compressed-timestamp headers. */
const RECORD_SHORT: FieldDef[] = [
  { num: 3, size: 1, type: BaseType.uint8 }, // heart_rate
  { num: 4, size: 1, type: BaseType.uint8 }, // cadence
];
const EVENT: FieldDef[] = [
  { num: 253, size: 4, type: BaseType.uint32 }, // timestamp
  { num: 0, size: 1, type: BaseType.enum }, // event (0 timer → data is timer_trigger)
  { num: 1, size: 1, type: BaseType.enum }, // event_type
  { num: 3, size: 4, type: BaseType.uint32 }, // data
];
const SPORT: FieldDef[] = [
  { num: 0, size: 1, type: BaseType.enum }, // sport
  { num: 3, size: 24, type: BaseType.string }, // name
];
/** Message 0xFF00 is in no profile: its fields are unknown_<n>, read by their base type. */
const UNKNOWN_MESG = 0xff00;
const WIDE: FieldDef[] = [
  { num: 0, size: 8, type: BaseType.uint64 },
  { num: 1, size: 8, type: BaseType.sint64 },
  { num: 2, size: 16, type: BaseType.uint64 },
];

function fileId(b: FitBuilder, local = 0): FitBuilder {
  return b.define(local, MesgNum.fileId, FILE_ID).data(local, [4, 1, 3113, 123456, T0]);
}

function record(i: number): (number | null)[] {
  return [T0 + i, 500_000_000 + i * 100, -100_000_000 - i * 100, (100 + i + 500) * 5, 120 + (i % 40), i * 350, 3500 + i];
}

/** Every feature at once: developer fields, big-endian, compressed timestamps, subfields, strings, 64-bit. */
function builtActivity(): Uint8Array {
  const b = fileId(new FitBuilder());
  const dev = declareDevFields(
    b,
    2,
    0,
    APP_ID,
    [
      { num: 0, type: BaseType.uint16, name: 'power2', units: 'W', nativeMesgNum: MesgNum.record },
      { num: 1, type: BaseType.string, name: 'note' },
    ],
    [2, 8],
  );
  b.define(1, MesgNum.record, RECORD, { devFields: dev });
  for (let i = 0; i < 6; i++) b.data(1, record(i), { dev: [200 + i, `n${i}`] });
  b.define(3, MesgNum.event, EVENT).data(3, [T0 + 6, 0, 0, 0]); // timer start, timer_trigger manual
  b.define(2, MesgNum.record, RECORD_SHORT);
  for (const off of [(T0 + 8) & 31, (T0 + 30) & 31, (T0 + 40) & 31]) b.data(2, [130, 80], { compressedTimeOffset: off });
  b.define(4, MesgNum.record, RECORD, { bigEndian: true });
  for (let i = 41; i < 44; i++) b.data(4, record(i));
  b.define(5, 12, SPORT).data(5, [1, 'Löpning 跑步 🏃']);
  b.define(6, UNKNOWN_MESG, WIDE).data(6, [0xfffffffffffffffen, -2n, [2n ** 53n + 1n, 7n]]);
  b.define(1, MesgNum.lap, [{ num: 253, size: 4, type: BaseType.uint32 }]).data(1, [T0 + 44]);
  return b.build();
}

function builtSmall(headerSize: 12 | 14): Uint8Array {
  const b = fileId(new FitBuilder({ headerSize }));
  b.define(1, MesgNum.record, RECORD, { bigEndian: headerSize === 12 });
  for (let i = 0; i < 4; i++) b.data(1, record(i));
  return b.build();
}

const BUILT: Record<string, Uint8Array> = {
  'built:activity': builtActivity(),
  'built:small-12': builtSmall(12),
  'built:chained': FitBuilder.chain(builtSmall(14), builtSmall(12)),
};

/** Small and medium corpus files chosen for variety. */
const CORPUS_SEEDS = [
  'fitparse-rs/Settings', // 82 B, 12-byte header, big-endian
  'python-fitparse/DeveloperData', // developer field
  'coursepointer/cptr002', // big-endian course
  'python-fitparse/activity-settings', // two chained files
  'gpsbabel/garmin-vivosmart-hr',
  'python-fitparse/antfs-dump.63', // compressed-timestamp headers
  'python-fitparse/MonitoringFile', // subfields referencing expanded fields
  'tormoder-fit/misc__unterminated-strings', // strings without NUL, gear-change components
  'python-fitparse/garmin-edge-820-bike', // hrv arrays
  'garmintrackconverter/Lctns', // message 29, UTF-8 names
  'python-fitparse/elemnt-bolt-no-application-id-inside-developer-data-id',
  'python-fitparse/compressed-speed-distance', // accumulated components
];

function loadSeeds(): Seed[] {
  const files: [string, Uint8Array][] = Object.entries(BUILT);
  if (hasCorpus) {
    for (const f of CORPUS_SEEDS) {
      const p = corpusPath('fit', `${f}.fit`);
      if (existsSync(p)) files.push([f, new Uint8Array(readFileSync(p))]);
    }
  } else {
    process.stderr.write('robustness: no corpus, mutating built files only\n');
  }
  return files.map(([name, bytes]) => seed(name, bytes));
}

const SEEDS = loadSeeds();

// ---------------------------------------------------------------------------------------------
// Mutations: test/helpers/fit-mutations.ts

const caseArb = caseArbOver(SEEDS.length);
const build = (c: Case): Uint8Array => buildCase(c, SEEDS);

// ---------------------------------------------------------------------------------------------
// What the properties compare

function jsonSafe(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}

/** Messages as the value layer shows them (offset included), BigInt-safe. */
function messagesText(messages: readonly FitMessage[]): string[] {
  return messages.map((m) => jsonSafe(messageToObject(m, { dates: 'raw' })));
}

/** Invariants of a lenient decode of `bytes`. */
function checkLenient(bytes: Uint8Array, r: DecodeResult, tolerateKnown = true): void {
  for (const d of r.diagnostics) {
    expect(typeof d.offset, jsonSafe(d)).toBe('number');
    expect(Number.isInteger(d.offset) && d.offset >= 0 && d.offset <= bytes.length, `${jsonSafe(d)} in ${bytes.length} bytes`).toBe(true);
    expect(['error', 'warning', 'info']).toContain(d.level);
  }
  expect(r.messages.length).toBeLessThanOrEqual(bytes.length);
  // Only a fatal problem (an error) stops decoding.
  expect(r.complete).toBe(!r.diagnostics.some((d) => d.level === 'error'));
  for (const m of r.messages) {
    expect(m.offset >= 0 && m.offset < bytes.length).toBe(true);
    for (const f of m.fields) checkRange(m, f, tolerateKnown);
    messageToObject(m); // the value layer must take whatever the decoder produced
  }
}

const INT_RANGE: Partial<Record<string, readonly [number, number]>> = {
  enum: [0, 0xff],
  byte: [0, 0xff],
  uint8: [0, 0xff],
  uint8z: [0, 0xff],
  sint8: [-0x80, 0x7f],
  uint16: [0, 0xffff],
  uint16z: [0, 0xffff],
  sint16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  uint32z: [0, 0xffffffff],
  sint32: [-0x80000000, 0x7fffffff],
};

/**
 * Every integer a field holds fits its base type, stored or expanded: a component is a group of
 * bits, so it expands to a value in [0, 2^bits). (No corpus file has a value outside its type.)
 * One exception: an accumulated field (record.distance from compressed_speed_distance) adds
 * rollovers to the last stored value, so a garbage stored value near the type's maximum carries
 * the sum past it; that is arithmetic, not a decoding error.
 */
function checkRange(m: FitMessage, f: FitField, tolerateKnown: boolean): void {
  const range = INT_RANGE[f.baseType.name];
  if (!range) return;
  for (const v of Array.isArray(f.raw) ? f.raw : [f.raw]) {
    if (typeof v !== 'number') continue;
    if (Number.isInteger(v) && v >= range[0] && v <= range[1]) continue;
    if (f.def?.accumulate && f.kind !== 'developer' && Number.isInteger(v) && v > range[1]) continue;
    if (tolerateKnown && f.kind === 'expanded' && !Number.isInteger(v) && hasNonIntegerComponentSource(m)) {
      knownHits.set('component-bits-non-integer', (knownHits.get('component-bits-non-integer') ?? 0) + 1);
      continue;
    }
    if (tolerateKnown && f.kind === 'native' && f.storedCount !== undefined && Array.isArray(f.raw) && f.raw.indexOf(v) >= f.storedCount) {
      knownHits.set('expanded-into-narrower-field', (knownHits.get('expanded-into-narrower-field') ?? 0) + 1);
      continue;
    }
    throw new Error(`${m.name}.${f.name} (${f.kind}, ${f.baseType.name}) at ${m.offset} holds ${v}, outside its type`);
  }
}

/**
 * A stored field with components holds a non-integer (a float type stored where the profile has
 * an integer), which readBits turns into NaN components (component-bits-non-integer).
 */
function hasNonIntegerComponentSource(m: FitMessage): boolean {
  const odd = (x: unknown) => typeof x === 'number' && !Number.isInteger(x);
  return m.fields.some((s) => s.kind === 'native' && ((s.sub ?? s.def)?.components.length ?? 0) > 0 && (Array.isArray(s.raw) ? s.raw : [s.raw]).some(odd));
}

function checkStrict(bytes: Uint8Array, lenient: DecodeResult): void {
  let thrown: unknown;
  let result: DecodeResult | undefined;
  try {
    result = decodeFit(bytes, { strict: true });
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) {
    expect(lenient.diagnostics).toEqual([]);
    expect(messagesText(result!.messages)).toEqual(messagesText(lenient.messages));
    return;
  }
  if (!(thrown instanceof FitkitError)) throw new Error(`strict decoding threw a non-FitkitError: ${String(thrown)}`, { cause: thrown });
  const first = lenient.diagnostics[0];
  expect(first, `strict threw ${thrown.code} but lenient decoding reported nothing`).toBeDefined();
  expect({ code: thrown.code, offset: thrown.offset }).toEqual({ code: first.code, offset: first.offset });
}

function* chunked(bytes: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

/**
 * Decoder defects the properties know about: name (= its fixture in fixtures/regress/) → what
 * is wrong. Their fixtures are replayed below as expected failures, and the properties count
 * (and print) the inputs that hit them instead of failing, so other defects still show.
 */
const KNOWN_DEFECTS: Record<string, string> = {
  // None open. Fixed ones keep their fixture in fixtures/regress/ and run as regressions below.
};
const knownHits = new Map<string, number>();

async function checkStream(bytes: Uint8Array, sizes: readonly number[], whole: DecodeResult): Promise<void> {
  const got: FitMessage[] = [];
  const r = await decodeFitStream(chunked(bytes, sizes), (m) => got.push(m));
  expect(messagesText(got)).toEqual(messagesText(whole.messages));
  expect(r.diagnostics).toEqual(whole.diagnostics);
  expect(r.complete).toBe(whole.complete);
  expect(r.messages).toBe(whole.messages.length);
}

function reportKnownHits(where: string): void {
  for (const [name, n] of knownHits) console.log(`${where}: ${n} input(s) hit KNOWN DEFECT ${name}: ${KNOWN_DEFECTS[name]}`);
  knownHits.clear();
}

// ---------------------------------------------------------------------------------------------

describe('decoder robustness: mutated files (fast-check)', () => {
  it('has seeds from the builder and, when present, the corpus', () => {
    expect(SEEDS.length).toBeGreaterThanOrEqual(3);
    if (hasCorpus) expect(SEEDS.length).toBe(Object.keys(BUILT).length + CORPUS_SEEDS.length);
    // The seeds themselves decode cleanly (except for what their MANIFEST notes say).
    for (const s of SEEDS.filter((x) => x.name.startsWith('built:'))) {
      const r = decodeFit(s.bytes);
      expect(r.diagnostics, s.name).toEqual([]);
    }
  });

  it('lenient decodeFit never throws; offsets in range; messages ≤ bytes; complete iff no error', () => {
    try {
      fc.assert(
        fc.property(caseArb, (c) => {
          const bytes = build(c);
          checkLenient(bytes, decodeFit(bytes));
        }),
        { seed: seedOr(0x5eed01), numRuns: RUNS },
      );
    } finally {
      reportKnownHits('lenient decodeFit property');
    }
  });

  it('strict decodeFit returns, or throws the first diagnostic as a FitkitError', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const bytes = build(c);
        checkStrict(bytes, decodeFit(bytes));
      }),
      { seed: seedOr(0x5eed02), numRuns: RUNS },
    );
  });

  it('decodeFitStream in random chunks yields what the whole-buffer decode yields', async () => {
    const sizes = fc.array(fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 9000 })), {
      minLength: 1,
      maxLength: 12,
    });
    try {
      await fc.assert(
        fc.asyncProperty(caseArb, sizes, async (c, s) => {
          const bytes = build(c);
          await checkStream(bytes, s, decodeFit(bytes));
        }),
        { seed: seedOr(0x5eed03), numRuns: RUNS },
      );
    } finally {
      reportKnownHits('decodeFitStream property');
    }
  });

  it('unmutated seeds also stream byte by byte like the whole buffer', async () => {
    for (const s of SEEDS) await checkStream(s.bytes, [1], decodeFit(s.bytes));
  });
});

// ---------------------------------------------------------------------------------------------
// Memory: deterministic heap measurements after a forced GC (never timings).

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A dense activity of `n` records (~22 bytes each). */
function bigActivity(n: number): Uint8Array {
  const b = fileId(new FitBuilder());
  b.define(1, MesgNum.record, RECORD);
  for (let i = 0; i < n; i++) b.data(1, record(i));
  b.define(2, MesgNum.record, RECORD_SHORT);
  for (let i = 0; i < 32; i++) b.data(2, [100 + i, 60], { compressedTimeOffset: i });
  return b.build();
}

/**
 * Whole-buffer decoding keeps every message: a FitField object per field and a JS value per
 * element. A dense record file retains ~75× its size (measured: 164 MB for 2.2 MB of 22-byte
 * records with 9 fields each after expansion), and a definition mutated into many 1-byte fields
 * makes one FitField per byte of input. The bound is generous enough for that, and catches
 * anything that grows faster than the input (a copy of the buffer per record, a leak).
 */
const RETAINED_PER_INPUT_BYTE = 300;
/**
 * Streaming keeps an incomplete record (at most 1 + 2 × 255 × 255 bytes of fields) and the
 * interpreter's tables (developer field descriptions, accumulators): measured ~0.3 MB growth for
 * 2.2 MB; the bound is far above that and far below what keeping the messages would take.
 */
const STREAM_HEAP_BOUND = 24 * 1024 * 1024;

describe('decoder robustness: memory', () => {
  const big = bigActivity(100_000); // ~2.2 MB
  const bigMutation = fc.oneof(
    fc.record({ kind: fc.constant('flipBits' as const), flips: fc.array(fc.record({ pos, bit: fc.nat({ max: 7 }) }), { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant('insert' as const), pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: pos }),
    fc.record({ kind: fc.constant('duplicate' as const), start: pos, len: fc.integer({ min: 1, max: 3_000_000 }), to: pos }),
    fc.record({ kind: fc.constant('dataSize' as const), value: fc.nat({ max: 0xffffffff }), relative: fc.constant(false) }),
  );
  const bigCase = fc.array(bigMutation, { minLength: 1, maxLength: 2 }).map((ms) => {
    let bytes = big;
    for (const m of ms) bytes = apply(bytes, m, SEEDS);
    // Keep it in the 1–5 MB range.
    return bytes.length < 1_000_000 ? concat(bytes, big.subarray(0, 1_000_000)) : bytes.subarray(0, 5_000_000);
  });

  it('streaming a 1–5 MB mutated file keeps the heap bounded', async () => {
    await fc.assert(
      fc.asyncProperty(bigCase, async (bytes) => {
        const base = heapAfterGc();
        let peak = 0;
        let n = 0;
        const chunks = chunked(bytes, [65536]);
        await decodeFitStream(chunks, () => {
          if (++n % 20_000 === 0) peak = Math.max(peak, heapAfterGc() - base);
        });
        peak = Math.max(peak, heapAfterGc() - base);
        expect(peak, `heap grew ${peak} bytes streaming ${bytes.length}`).toBeLessThan(STREAM_HEAP_BOUND);
      }),
      { seed: seedOr(0x5eed04), numRuns: 4 },
    );
  });

  it('decoding a 1–5 MB mutated file whole retains a bounded multiple of its size', () => {
    fc.assert(
      fc.property(bigCase, (bytes) => {
        const base = heapAfterGc();
        let r: DecodeResult | undefined = decodeFit(bytes);
        const retained = heapAfterGc() - base;
        expect(r.messages.length).toBeGreaterThan(0);
        // eslint-disable-next-line no-useless-assignment -- let go of the result before the next run's heap measurement
        r = undefined;
        expect(retained, `retained ${retained} bytes for ${bytes.length}`).toBeLessThan(RETAINED_PER_INPUT_BYTE * bytes.length);
      }),
      { seed: seedOr(0x5eed05), numRuns: 3 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Regression fixtures: inputs the properties found defects with. Each is replayed through every
// property; the ones listed in KNOWN_DEFECTS are expected to fail until the decoder is fixed.

/**
 * The values expansion appended to a stored field are valid values of the field's base type
 * (expanded-into-narrower-field: they are judged by the stored type, too narrow for them).
 */
function expandedPartValid(f: FitField): boolean {
  if (f.storedCount === undefined || !Array.isArray(f.raw)) return true;
  const range = INT_RANGE[f.baseType.name];
  return f.raw.slice(f.storedCount).every((v) => typeof v !== 'number' || (!isInvalid(f.baseType, v) && (!range || (v >= range[0] && v <= range[1]))));
}

/** What a fixture must decode to, beyond the properties. */
const FIXTURE_CHECKS: Record<string, (r: DecodeResult) => void> = {
  // Fixed: a valid file then 20 bytes that are no FIT header; the warning's text counted the
  // bytes buffered so far ("20+ byte(s)" whole, "12+ byte(s)" streamed byte by byte).
  'trailing-bytes-count-chunking': (r) => expect(r.diagnostics.map((d) => `${d.level}:${d.code}@${d.offset}`)).toEqual(['warning:trailing_bytes@34']),
  // Fixed: event.data16 stored as sint32 = -3: data is its low 16 bits (was -3).
  'component-bits-arithmetic': (r) => expect(obj(r.messages[1]).fields.data).toBe(0xfffd),
  // event.data16 stored as float32 [NaN, 1]: data must not be NaN.
  'component-bits-non-integer': (r) => {
    const data = obj(r.messages[1]).fields.data;
    expect(data === undefined || Number.isInteger(data), `data = ${String(data)}`).toBe(true);
  },
  // event.data stored as uint8 = 5, data16 = 255 (then 3344) expanding into it.
  'expanded-into-narrower-field': (r) => {
    for (const m of r.messages.slice(1)) expect(expandedPartValid(m.fields.find((f) => f.num === 3)!)).toBe(true);
  },
  // Fixed: record.distance 1000.00 m, then compressed_speed_distance 10 m further (was 6386 m).
  'accumulator-seed-units': (r) => expect(obj(r.messages[2]).fields.distance).toBe(1010),
  // hr.event_timestamp 1 s stored, then event_timestamp_12 packing 8 timestamps 0.5 s apart.
  'expanded-field-stored-count': (r) => expect(obj(r.messages[2]).fields.event_timestamp).toEqual([1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]),
};

describe('decoder robustness: regression fixtures', () => {
  const files = existsSync(REGRESS)
    ? readdirSync(REGRESS)
        .filter((f) => f.endsWith('.fit'))
        .sort()
    : [];
  it('every known defect has its fixture', () => {
    for (const name of Object.keys(KNOWN_DEFECTS)) expect(files).toContain(`${name}.fit`);
  });
  for (const f of files) {
    const name = f.replace(/\.fit$/, '');
    const known = KNOWN_DEFECTS[name];
    const run = known ? it.fails : it;
    run(`${name}${known ? ` (KNOWN DEFECT: ${known})` : ''}`, async () => {
      const bytes = new Uint8Array(readFileSync(join(REGRESS, f)));
      const r = decodeFit(bytes);
      checkLenient(bytes, r, false);
      checkStrict(bytes, r);
      for (const sizes of [[1], [2], [3], [7], [64], [1, 13, 2]]) await checkStream(bytes, sizes, r);
      FIXTURE_CHECKS[name]?.(r);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Focused unit tests, one per defect class.

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.level}:${d.code}@${d.offset}`);
const names = (r: DecodeResult) => r.messages.map((m) => m.name);
const obj = (m: FitMessage) => messageToObject(m, { dates: 'raw' });

describe('decoder: focused cases', () => {
  it('a data record without a definition stops decoding with undefined_local_message, keeping what came before', () => {
    const b = fileId(new FitBuilder());
    b.define(1, MesgNum.record, RECORD).data(1, record(0)).data(1, record(1));
    const at = 14 + b.dataSize;
    b.raw([0x05, 1, 2, 3, 4]); // data header for local 5, never defined
    b.data(1, record(2));
    const r = decodeFit(b.build());
    expect(codes(r.diagnostics)).toEqual([`error:undefined_local_message@${at}`]);
    expect(names(r)).toEqual(['file_id', 'record', 'record']);
    expect(r.complete).toBe(false);
    expect(obj(r.messages[2]).fields.timestamp).toBe(T0 + 1);
    expect(() => decodeFit(b.build(), { strict: true })).toThrow(FitkitError);
  });

  it('a truncated file reports truncated where the cut record starts, or where the CRC is missing', () => {
    const full = builtSmall(14);
    const recordLen = 1 + RECORD.reduce((n, f) => n + f.size, 0);
    const lastRecord = full.length - 2 - recordLen;
    const cut = decodeFit(full.subarray(0, lastRecord + 5));
    expect(codes(cut.diagnostics)).toEqual([`error:truncated@${lastRecord}`]);
    expect(names(cut)).toEqual(['file_id', 'record', 'record', 'record']);
    expect(cut.complete).toBe(false);
    const noCrc = decodeFit(full.subarray(0, full.length - 2));
    expect(codes(noCrc.diagnostics)).toEqual([`error:truncated@${full.length - 2}`]);
    expect(noCrc.messages.length).toBe(5);
    expect(codes(decodeFit(full.subarray(0, 5)).diagnostics)).toEqual(['error:not_fit@0']);
  });

  it('a CRC mismatch is reported at the CRC, with every message kept', () => {
    const b = fileId(new FitBuilder());
    b.define(1, MesgNum.record, RECORD).data(1, record(0));
    const bytes = b.build({ fileCrc: 0x1234 });
    const r = decodeFit(bytes);
    expect(codes(r.diagnostics)).toEqual([`error:crc_mismatch@${bytes.length - 2}`]);
    expect(names(r)).toEqual(['file_id', 'record']);
  });

  it('trailing garbage after a valid file is a trailing_bytes warning; all messages are kept', () => {
    const good = builtSmall(14);
    for (const garbage of [[1, 2, 3], Array.from({ length: 40 }, (_, i) => i + 1)]) {
      const r = decodeFit(concat(good, Uint8Array.from(garbage)));
      expect(codes(r.diagnostics)).toEqual([`warning:trailing_bytes@${good.length}`]);
      expect(r.complete).toBe(true);
      expect(r.messages.length).toBe(5);
    }
    // Zero padding between or after chained files is not garbage.
    expect(decodeFit(concat(good, new Uint8Array(7))).diagnostics).toEqual([]);
  });

  it('chained files give the messages of both, each with its header', () => {
    const a = builtSmall(14);
    const b = builtActivity();
    const r = decodeFit(FitBuilder.chain(a, b));
    expect(r.diagnostics).toEqual([]);
    expect(r.headers.map((h) => [h.offset, h.fileIndex])).toEqual([
      [0, 0],
      [a.length, 1],
    ]);
    expect(r.messages.length).toBe(decodeFit(a).messages.length + decodeFit(b).messages.length);
    expect(r.messages.filter((m) => m.name === 'file_id').length).toBe(2);
  });

  it('reads 12-byte headers, and accepts a header CRC of 0 (but warns about a wrong one)', () => {
    const twelve = decodeFit(builtSmall(12));
    expect(twelve.diagnostics).toEqual([]);
    expect(twelve.headers[0].headerSize).toBe(12);
    expect(twelve.headers[0].headerCrc).toBeUndefined();
    expect(twelve.messages.length).toBe(5);

    const b = fileId(new FitBuilder());
    expect(decodeFit(b.build({ headerCrc: 'zero' })).diagnostics).toEqual([]);
    expect(codes(decodeFit(b.build({ headerCrc: 0x1234 })).diagnostics)).toEqual(['warning:header_crc_mismatch@12']);
  });

  it('big-endian definitions read the same values as little-endian ones', () => {
    const read = (bigEndian: boolean) => {
      const b = fileId(new FitBuilder());
      b.define(1, MesgNum.record, RECORD, { bigEndian });
      b.data(1, record(7));
      b.define(2, UNKNOWN_MESG, WIDE, { bigEndian }).data(2, [0x0102030405060708n, -3n, [1n, 2n]]);
      return decodeFit(b.build())
        .messages.map(obj)
        .map((o) => jsonSafe({ ...o, offset: 0 }));
    };
    expect(read(true)).toEqual(read(false));
    const rec = messageToObject(decodeFit(builtSmall(12)).messages[1], { dates: 'raw' }).fields;
    expect(rec).toMatchObject({ timestamp: T0, position_lat: 500_000_000, heart_rate: 120, altitude: 100, enhanced_altitude: 100 });
  });

  it('compressed timestamps roll the 5-bit offset over from the last full timestamp', () => {
    const base = T0 - (T0 & 31) + 28; // low 5 bits 28
    const b = fileId(new FitBuilder());
    b.define(1, MesgNum.record, [{ num: 253, size: 4, type: BaseType.uint32 }]).data(1, [base]);
    b.define(0, MesgNum.record, RECORD_SHORT);
    for (const off of [30, 2, 2, 1, 27]) b.data(0, [100, 50], { compressedTimeOffset: off });
    const r = decodeFit(b.build());
    expect(r.diagnostics).toEqual([]);
    const stamps = r.messages.slice(1).map((m) => obj(m).fields.timestamp);
    // 28 → 30 (+2) → 2 (+4, rolled over) → 2 (+0) → 1 (+31, rolled over) → 27 (+26)
    expect(stamps).toEqual([base, base + 2, base + 6, base + 6, base + 37, base + 63]);
    expect(r.messages[2].fields[0]).toMatchObject({ kind: 'header_timestamp', name: 'timestamp' });
  });

  it('64-bit fields come out as exact bigints; their invalid value is left out', () => {
    const b = fileId(new FitBuilder());
    b.define(1, UNKNOWN_MESG, WIDE);
    b.data(1, [0xfffffffffffffffen, -0x7ffffffffffffff0n, [2n ** 53n + 1n, 0xffffffffffffffffn]]);
    b.data(1, [null, null, null]);
    const r = decodeFit(b.build());
    expect(r.diagnostics).toEqual([]);
    expect(r.messages[1].fields.map((f) => f.raw)).toEqual([0xfffffffffffffffen, -0x7ffffffffffffff0n, [2n ** 53n + 1n, 0xffffffffffffffffn]]);
    expect(obj(r.messages[1]).fields).toEqual({
      unknown_0: 0xfffffffffffffffen,
      unknown_1: -0x7ffffffffffffff0n,
      unknown_2: [2n ** 53n + 1n, null],
    });
    expect(obj(r.messages[2]).fields).toEqual({});
  });

  it('decodes multi-byte UTF-8, strings without a NUL, and drops a character cut at the field end', () => {
    const name = 'Löpning 跑步 🏃';
    const size = new TextEncoder().encode(name).length; // 22: exactly the field, no terminator
    const b = fileId(new FitBuilder());
    b.define(1, 12, [SPORT[0], { num: 3, size, type: BaseType.string }]).data(1, [1, name]);
    b.define(2, 12, [SPORT[0], { num: 3, size: size - 2, type: BaseType.string }]).data(2, [1, name]); // 🏃 cut
    b.define(3, 12, SPORT).data(3, [1, name]); // NUL padded
    b.define(4, 12, SPORT).data(4, [1, 'a\0b']); // inner NUL: two strings
    const r = decodeFit(b.build());
    expect(r.diagnostics).toEqual([]);
    expect(r.messages.slice(1).map((m) => obj(m).fields.name)).toEqual([name, 'Löpning 跑步 ', name, ['a', 'b']]);
  });

  it('a developer field used before its description is kept as raw bytes, without a crash', () => {
    const b = fileId(new FitBuilder());
    const early = [{ num: 0, size: 2, devIndex: 0 }];
    b.define(1, MesgNum.record, RECORD, { devFields: early }).data(1, record(0), { dev: [[0x34, 0x12]] });
    const dev = declareDevFields(b, 2, 0, APP_ID, [{ num: 0, type: BaseType.uint16, name: 'power2', units: 'W' }]);
    b.define(1, MesgNum.record, RECORD, { devFields: dev }).data(1, record(2), { dev: [0x1234] });
    const r = decodeFit(b.build());
    expect(r.diagnostics).toEqual([]);
    const recs = r.messages.filter((m) => m.name === 'record').map(obj);
    expect(recs.map((o) => o.developer)).toEqual([{ developer_0_0: [0x34, 0x12] }, { power2: 0x1234 }]);
    const raw = r.messages.find((m) => m.name === 'record')!.fields.find((f) => f.kind === 'developer')!;
    expect(raw).toMatchObject({ name: 'developer_0_0', baseType: { name: 'byte' } });
  });

  // Was a defect (component-bits-arithmetic, fixture in fixtures/regress/): -3 expanded to -3.
  it("components of a negative stored value are its low bits (two's complement)", () => {
    const b = fileId(new FitBuilder());
    b.define(1, MesgNum.event, [EVENT[1], { num: 2, size: 4, type: BaseType.sint32 }]).data(1, [0, -3]); // data16
    b.define(2, MesgNum.record, [RECORD[0], { num: 6, size: 4, type: BaseType.sint32 }]).data(2, [T0, -2]); // speed
    const r = decodeFit(b.build());
    expect(obj(r.messages[1]).fields.data).toBe(0xfffd); // low 16 bits of -3
    expect(obj(r.messages[2]).fields.enhanced_speed).toBe(0xfffe / 1000); // low 16 bits of -2
  });

  it('a value expanded into a narrower stored field is a field of its own, typed by the profile', () => {
    const b = fileId(new FitBuilder());
    // event.data (uint32 in the profile) stored as uint8; data16 expands into it
    b.define(1, MesgNum.event, [
      { num: 3, size: 1, type: BaseType.uint8 },
      { num: 2, size: 2, type: BaseType.uint16 },
    ]).data(1, [5, 255]);
    const r = decodeFit(b.build());
    const data = r.messages[1].fields.filter((f) => f.num === 3);
    expect(data.map((f) => [f.kind, f.raw, f.baseType.name])).toEqual([
      ['native', 5, 'uint8'],
      ['expanded', 255, 'uint32'],
    ]);
    // The expanded 255 is a value of event.data (uint32), not uint8's invalid marker; like the
    // JS SDK, the expanded value is the field's value.
    expect(obj(r.messages[1]).fields.data).toBe(255);
  });

  // Was a defect (accumulator-seed-units, fixture in fixtures/regress/): 1000 m + 10 m read 6386 m.
  it('accumulation continues from a stored value, whatever message the components come in', () => {
    const b = fileId(new FitBuilder());
    b.define(1, MesgNum.record, [RECORD[0], RECORD[5]]).data(1, [T0, 100_000]); // distance 1000.00 m
    // compressed_speed_distance: speed 12 bits (1/100 m/s), distance 12 bits (1/16 m); 1000 m is
    // 16000/16, whose low 12 bits are 3712: 3872 is 160/16 = 10 m further.
    const v = 300 | (3872 << 12);
    b.define(2, MesgNum.record, [RECORD[0], { num: 8, size: 3, type: BaseType.byte }]).data(2, [T0 + 5, [v & 0xff, (v >> 8) & 0xff, v >> 16]]);
    const r = decodeFit(b.build());
    expect(obj(r.messages[2]).fields).toMatchObject({ speed: 3, distance: 1010 });
  });

  it('a local type redefined mid-file decodes by its new definition', () => {
    const b = fileId(new FitBuilder());
    b.define(0, MesgNum.record, RECORD).data(0, record(0));
    b.define(0, MesgNum.event, EVENT).data(0, [T0 + 1, 0, 0, 0]);
    b.define(0, MesgNum.record, [RECORD[0], RECORD[4]]).data(0, [T0 + 2, 99]);
    const r = decodeFit(b.build());
    expect(r.diagnostics).toEqual([]);
    expect(names(r)).toEqual(['file_id', 'record', 'event', 'record']);
    expect(obj(r.messages[2]).fields).toMatchObject({ timestamp: T0 + 1, event: 0, event_type: 0, timer_trigger: 0 });
    expect(obj(r.messages[3]).fields).toEqual({ timestamp: T0 + 2, heart_rate: 99 });
  });
});
