/**
 * Every library entry point on mutated FIT files: decode (whole, strict, streamed, scanned),
 * objects with ISO dates (whole and streamed), messageToObject, the CSV writer, GPX conversion,
 * locations, salvage, repair, validate and readFileId. Whatever the bytes, each either returns or
 * throws a FitkitError, never anything else.
 *
 * Seeded and bounded: RUNS cases (default 300) over a varied handful of small corpus files (the
 * fixtures/fit files when the corpus is absent) and two files built in code, mutated as in
 * test/helpers/fit-mutations.ts; inputs are cut to MAX_INPUT bytes. fast-check shrinks a failing
 * case and prints it with its seed. FITKIT_FUZZ_RUNS and FITKIT_FUZZ_SEED explore further;
 * FITKIT_FUZZ_SAVE=DIR runs the cases without stopping at the first failure and keeps the
 * smallest input of each distinct failure in DIR (see scripts/fuzz-entry-points.sh).
 *
 * Every input that ever failed is kept in fixtures/regress/ and run through every entry point.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FitkitError,
  createFitCsvDecoder,
  decodeFit,
  decodeFitObjects,
  decodeFitObjectsStream,
  decodeFitStream,
  fitToGpx,
  jsonReplacer,
  messageToObject,
  readFileId,
  readLocations,
  repairFit,
  salvageFit,
  scanFit,
  standardProfile,
  validateBytes,
} from '../../src/core/index.js';
import { corpusPath, hasCorpus } from '../helpers/corpus.js';
import { build, caseArb, seed, type Case, type Seed } from '../helpers/fit-mutations.js';
import { buildLocations, buildRide } from '../helpers/gpx-ride.js';

const RUNS = Number(process.env.FITKIT_FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FITKIT_FUZZ_SEED ?? 13);
const SAVE = process.env.FITKIT_FUZZ_SAVE;
/** Per-input cap: mutations that grow a file (duplicated ranges, splices) are cut here. */
const MAX_INPUT = 64 * 1024;
const ROOT = resolve(import.meta.dirname, '../..');
const REGRESS = join(ROOT, 'fixtures/regress');

/** Small corpus files, one for each thing an entry point looks at. */
const CORPUS_SEEDS = [
  'coursepointer/cptr002', // course, big-endian, course points
  'crafted/course-no-timestamps', // positions without timestamps
  'crafted/activity-records-no-timestamps',
  'crafted/tcx-style-backwards-time', // records out of time order
  'crafted/invalid-values-by-type', // every base type, invalid values, 64-bit
  'gpsbabel/fitlocations-sample', // Locations.fit
  'gpsbabel/garmin-edge-200-output', // activity with positions, laps, session
  'python-fitparse/activity-settings', // two chained files
  'python-fitparse/DeveloperData', // developer fields
  'python-fitparse/compressed-speed-distance', // compressed timestamps, accumulated components
  'tormoder-fit/misc__unterminated-strings', // strings without NUL
  'garmin-fit-js-sdk/HrmPluginTestActivity', // hr messages merged into records
];

function loadSeeds(): Seed[] {
  const files: [string, Uint8Array][] = [
    ['built:ride', buildRide({ shuffle: true })],
    ['built:locations', buildLocations()],
  ];
  const fromDir = (dir: string, names: string[]) => names.forEach((n) => files.push([n, new Uint8Array(readFileSync(join(dir, `${n}.fit`)))]));
  if (hasCorpus) fromDir(corpusPath('fit'), CORPUS_SEEDS);
  else {
    process.stderr.write('entry-points fuzz: no corpus, mutating fixtures/fit and built files\n');
    const dir = join(ROOT, 'fixtures/fit');
    fromDir(
      dir,
      readdirSync(dir)
        .filter((f) => f.endsWith('.fit'))
        .map((f) => f.slice(0, -4)),
    );
  }
  return files.map(([name, bytes]) => seed(name, bytes));
}

const SEEDS = loadSeeds();
const profile = standardProfile();

function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Renders the CSV (rows counted, header built), with the default options or all of them on. */
function csv(bytes: Uint8Array, all: boolean): number {
  let rows = 0;
  const opts = all ? { invalid: 'raw' as const, hex: true, degrees: true, iso8601: true, enumNames: true } : {};
  const { decoder, writer } = createFitCsvDecoder({ ...opts, profile }, () => rows++);
  for (const c of chunks(bytes, 4096)) decoder.push(c);
  decoder.end();
  return rows + writer.headerRow().length;
}

async function gpx(bytes: Uint8Array, opts: Parameters<typeof fitToGpx>[2]): Promise<number> {
  let n = 0;
  await fitToGpx(
    () => chunks(bytes, 1000),
    (b) => (n += b.length),
    { profile, ...opts },
  );
  return n;
}

/** Name → call; each runs on its own, so one entry point's FitkitError does not hide another's crash. */
const ENTRY_POINTS: [string, (b: Uint8Array) => unknown][] = [
  ['decodeFit', (b) => decodeFit(b, { profile })],
  ['decodeFit strict', (b) => decodeFit(b, { profile, strict: true })],
  ['decodeFitStream', (b) => decodeFitStream(chunks(b, 7), () => {}, { profile })],
  ['scanFit', (b) => scanFit(b)],
  ['messageToObject', (b) => decodeFit(b, { profile }).messages.map((m) => JSON.stringify(messageToObject(m, { dates: 'iso' }), jsonReplacer))],
  ['decodeFitObjects iso', (b) => JSON.stringify(decodeFitObjects(b, { profile, dates: 'iso' }).messages, jsonReplacer)],
  ['decodeFitObjectsStream', (b) => decodeFitObjectsStream(chunks(b, 64), (m) => JSON.stringify(m, jsonReplacer), { profile, dates: 'date', enums: false })],
  ['CSV writer', (b) => csv(b, false)],
  ['CSV writer, every option', (b) => csv(b, true)],
  ['fitToGpx', (b) => gpx(b, {})],
  ['fitToGpx v2,gps route all waypoints', (b) => gpx(b, { extensions: 'v2', gpsQuality: true, route: true, allWaypoints: true, locations: readLocations(b, profile) })],
  ['readLocations', (b) => readLocations(b, profile)],
  ['salvageFit', (b) => salvageFit(b)],
  ['repairFit', (b) => repairFit(b, profile, { timeZone: 'Europe/Amsterdam' })],
  ['validateBytes', (b) => validateBytes('fuzz.fit', b, profile)],
  ['readFileId', (b) => readFileId(b)],
];

/** Runs every entry point; the first failure other than a FitkitError, named by its entry point. */
async function firstCrash(bytes: Uint8Array): Promise<{ entry: string; error: unknown } | undefined> {
  for (const [entry, call] of ENTRY_POINTS) {
    try {
      await call(bytes);
    } catch (error) {
      if (!(error instanceof FitkitError)) return { entry, error };
    }
  }
  return undefined;
}

const describeCrash = (c: { entry: string; error: unknown }) =>
  `${c.entry}: ${c.error instanceof Error ? `${c.error.name}: ${c.error.message}\n${c.error.stack?.split('\n').slice(1, 4).join('\n')}` : String(c.error)}`;

const input = (c: Case) => build(c, SEEDS).subarray(0, MAX_INPUT);

/** Campaign mode: every case run, the smallest input of each distinct failure saved in `dir`. */
async function campaign(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const found = new Map<string, Uint8Array>();
  let run = 0;
  for (const c of fc.sample(caseArb(SEEDS.length), { seed: SEED, numRuns: RUNS })) {
    const bytes = input(c);
    const crash = await firstCrash(bytes);
    run++;
    if (!crash) continue;
    // One failure = entry point, error message without numbers, and where it was thrown.
    const key = describeCrash(crash).replace(/\d+/g, '#');
    const kept = found.get(key);
    if (!kept || bytes.length < kept.length) found.set(key, bytes);
  }
  let i = 0;
  for (const [key, bytes] of found) {
    const file = join(dir, `crash-${++i}.fit`);
    writeFileSync(file, bytes);
    process.stderr.write(`entry-points fuzz: ${file} (${bytes.length} bytes): ${key}\n`);
  }
  process.stderr.write(`entry-points fuzz campaign: seed ${SEED}, ${run} mutated input(s), ${found.size} distinct failure(s)\n`);
  expect(found.size, `${found.size} distinct failure(s), inputs in ${dir}`).toBe(0);
}

describe('library entry points on mutated files', () => {
  it('has its seeds', () => {
    expect(SEEDS.length).toBeGreaterThanOrEqual(hasCorpus ? CORPUS_SEEDS.length + 2 : 5);
    // The seeds themselves go through every entry point.
    for (const s of SEEDS) expect(s.bytes.length, s.name).toBeLessThanOrEqual(MAX_INPUT);
  });

  it.runIf(!SAVE)(
    'no entry point throws anything but a FitkitError',
    async () => {
      for (const s of SEEDS) expect(await firstCrash(s.bytes).then((c) => c && describeCrash(c)), s.name).toBeUndefined();
      await fc.assert(
        fc.asyncProperty(caseArb(SEEDS.length), async (c) => {
          const crash = await firstCrash(input(c));
          if (crash) throw new Error(describeCrash(crash), { cause: crash.error });
        }),
        { seed: SEED, numRuns: RUNS },
      );
    },
    120_000,
  );

  it.runIf(!!SAVE)('campaign: every case run, failures kept', () => campaign(SAVE!), 24 * 3600_000);
});

describe('library entry points on fixtures/regress', () => {
  const files = existsSync(REGRESS)
    ? readdirSync(REGRESS)
        .filter((f) => f.endsWith('.fit'))
        .sort()
    : [];
  it.each(files)('%s', async (f) => {
    const crash = await firstCrash(new Uint8Array(readFileSync(join(REGRESS, f))));
    expect(crash && describeCrash(crash)).toBeUndefined();
  });
});
