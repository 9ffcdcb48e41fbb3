/**
 * The decoders under comparison, one entry per (library, mode). Each setup() loads the library
 * and returns a function that decodes one file and returns how many messages it produced.
 *
 * @garmin/fitsdk is deliberately absent: its license forbids benchmarking it.
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export type Library = 'fitkit' | 'fit-file-parser' | 'fit-decoder';

/** What a decode function gets: in-memory bytes (exactly backed by their ArrayBuffer) and the path. */
export interface Input {
  path: string;
  /** Empty for streaming modes, which read the file themselves. */
  bytes: Uint8Array;
}

export type DecodeFn = (input: Input) => number | Promise<number>;

export interface DecoderMode {
  id: string;
  library: Library;
  mode: string;
  /** The fitkit mode doing comparable work, for the "fitkit X is N x Y" lines. */
  counterpart?: string;
  streaming?: boolean;
  /** Not run on the large file (needs the whole result in memory twice). */
  skipLarge?: boolean;
  setup(): Promise<DecodeFn>;
}

/** The decoder cannot run at all (e.g. fitkit's API not built yet): reported, not a crash. */
export class Unavailable extends Error {}

/** The API the bench expects from dist/core/index.js; checked at runtime since it may not exist yet. */
interface FitkitApi {
  scanFit(bytes: Uint8Array): { messages: number };
  decodeFit(bytes: Uint8Array, opts?: { expandComponents?: boolean }): { messages: unknown[] };
  decodeFitObjects(bytes: Uint8Array): { messages: unknown[] };
  decodeFitColumns(bytes: Uint8Array): { messages: Map<string, { length: number; columns: Record<string, { kind: string }>; developer: Record<string, { kind: string }> }> };
  decodeFitObjectsStream(source: AsyncIterable<Uint8Array>, onMessage: (m: unknown) => void): Promise<{ messages: number }>;
  decodeFitStream(source: AsyncIterable<Uint8Array>, onMessage: (m: unknown) => void): Promise<{ messages: number }>;
}

async function fitkit<K extends keyof FitkitApi>(name: K): Promise<FitkitApi[K]> {
  // The compiled library, as users get it (npm run bench builds it first).
  const path = resolve(process.cwd(), 'dist/core/index.js');
  let mod: Partial<FitkitApi>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Partial<FitkitApi>;
  } catch (err) {
    throw new Unavailable(`cannot load ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Unavailable(`dist/core/index.js does not export ${name}() yet`);
  return fn as FitkitApi[K];
}

interface FitDecoderModule {
  fit2json(buffer: ArrayBuffer): { records: unknown[] };
  parseRecords(json: unknown): { records: unknown[] };
}
// CommonJS without type declarations.
const fitDecoder = (): FitDecoderModule => createRequire(import.meta.url)('fit-decoder') as FitDecoderModule;

export const MODES: readonly DecoderMode[] = [
  {
    id: 'fitkit-scan',
    library: 'fitkit',
    mode: 'scan',
    async setup() {
      const scanFit = await fitkit('scanFit');
      return ({ bytes }) => scanFit(bytes).messages;
    },
  },
  {
    // Plain objects with names, scaled values, Dates, enum names and expanded components: the
    // same work fit-file-parser and fit-decoder's parseRecords do.
    id: 'fitkit-interpreted',
    library: 'fitkit',
    mode: 'interpreted',
    async setup() {
      const decodeFitObjects = await fitkit('decodeFitObjects');
      return ({ bytes }) => decodeFitObjects(bytes).messages.length;
    },
  },
  {
    // One typed array per field per message type (scaled values, times as ms, expanded
    // components, developer fields): the same values as `interpreted`, without an object per message.
    id: 'fitkit-columns',
    library: 'fitkit',
    mode: 'columns',
    async setup() {
      const decodeFitColumns = await fitkit('decodeFitColumns');
      return ({ bytes }) => {
        let n = 0;
        for (const m of decodeFitColumns(bytes).messages.values()) n += m.length;
        return n;
      };
    },
  },
  {
    // Not a decoder: allocates and fills the Float64Arrays `columns` returns (one per numeric
    // column, plus the row offsets), reading no bytes: the memory any decoder returning those
    // columns must write.
    id: 'fitkit-columns-floor',
    library: 'fitkit',
    mode: 'columns floor',
    skipLarge: true,
    async setup() {
      const decodeFitColumns = await fitkit('decodeFitColumns');
      let shape: number[] | undefined;
      let rows = 0;
      return ({ bytes }) => {
        if (!shape) {
          shape = [];
          for (const m of decodeFitColumns(bytes).messages.values()) {
            rows += m.length;
            const scalars = [...Object.values(m.columns), ...Object.values(m.developer)].filter((c) => c.kind === 'number' || c.kind === 'time');
            for (let k = 0; k <= scalars.length; k++) shape.push(m.length);
          }
        }
        const out: Float64Array[] = [];
        for (const len of shape) {
          const a = new Float64Array(len);
          for (let i = 0; i < len; i++) a[i] = i * 0.5;
          out.push(a);
        }
        return out.length > 0 ? rows : 0;
      };
    },
  },
  {
    // Rich messages (every field with its definition, subfield and raw value), as dump uses.
    id: 'fitkit-messages',
    library: 'fitkit',
    mode: 'messages',
    async setup() {
      const decodeFit = await fitkit('decodeFit');
      return ({ bytes }) => decodeFit(bytes).messages.length;
    },
  },
  {
    // Streaming plain objects (interpreted), nothing kept: the 100 MB case.
    id: 'fitkit-stream',
    library: 'fitkit',
    mode: 'stream',
    streaming: true,
    async setup() {
      const decodeFitStream = await fitkit('decodeFitObjectsStream');
      return async ({ path }) => {
        let n = 0;
        const source = createReadStream(path, { highWaterMark: 1 << 20 });
        await decodeFitStream(source, () => void n++);
        return n;
      };
    },
  },
  {
    // Not a decoder: builds fresh copies of the objects `interpreted` returns (same shapes, a new
    // Date per date), keeping them all, without reading a byte. What any decoder returning these
    // objects must at least spend here: allocation and garbage collection.
    id: 'fitkit-floor',
    library: 'fitkit',
    mode: 'allocation floor',
    skipLarge: true,
    async setup() {
      return allocationFloor(await fitkit('decodeFitObjects'));
    },
  },
  {
    id: 'fit-file-parser',
    library: 'fit-file-parser',
    mode: 'parseAsync',
    counterpart: 'interpreted',
    async setup() {
      const { default: FitParser } = await import('fit-file-parser');
      return async ({ bytes }) => {
        // Default options (list mode), on a Buffer as users get one from fs.readFile.
        const data = await new FitParser().parseAsync(Buffer.from(bytes.buffer as ArrayBuffer));
        return Object.values(data).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
      };
    },
  },
  {
    id: 'fit-decoder-raw',
    library: 'fit-decoder',
    mode: 'fit2json',
    counterpart: 'scan',
    async setup() {
      const { fit2json } = fitDecoder();
      return ({ bytes }) => fit2json(bytes.buffer as ArrayBuffer).records.length;
    },
  },
  {
    id: 'fit-decoder-parsed',
    library: 'fit-decoder',
    mode: 'fit2json+parseRecords',
    counterpart: 'interpreted',
    async setup() {
      const { fit2json, parseRecords } = fitDecoder();
      return ({ bytes }) => parseRecords(fit2json(bytes.buffer as ArrayBuffer)).records.length;
    },
  },
];

type Plain = { name: string; num: number; offset: number; fields: Record<string, unknown>; developer?: Record<string, unknown> };

/**
 * A builder per message shape, compiled as decoders' fast paths are (one object literal per shape),
 * so the floor is not inflated by a generic copy loop.
 */
function allocationFloor(decode: FitkitApi['decodeFitObjects']): DecodeFn {
  const copiers = new Map<string, (f: Record<string, unknown>) => Record<string, unknown>>();
  const copierFor = (f: Record<string, unknown>) => {
    const keys = Object.keys(f);
    const key = keys.map((k) => (f[k] instanceof Date ? `${k}:D` : k)).join(',');
    let c = copiers.get(key);
    if (!c) {
      // Values are literals from the first message of the shape (objects shared, not copied): the
      // copy reads nothing, so it is allocation only, strictly less than the decoder's work.
      const literal = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' || typeof v === 'boolean' ? JSON.stringify(v) : undefined);
      const body = keys.map((k) => {
        const v = f[k];
        const at = `f[${JSON.stringify(k)}]`;
        return `${JSON.stringify(k)}: ${v instanceof Date ? `new Date(${v.getTime()})` : (literal(v) ?? at)}`;
      });
      c = new Function('f', `return { ${body.join(', ')} };`) as (f: Record<string, unknown>) => Record<string, unknown>;
      copiers.set(key, c);
    }
    return c;
  };
  let source: { messages: Plain[]; copy: ((f: Record<string, unknown>) => Record<string, unknown>)[] } | undefined;
  return ({ bytes }) => {
    if (!source) {
      const messages = decode(bytes).messages as Plain[];
      source = { messages, copy: messages.map((m) => copierFor(m.fields)) };
    }
    const out: Plain[] = [];
    const { messages, copy } = source;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      const o: Plain = { name: m.name, num: m.num, offset: m.offset, fields: copy[i](m.fields) };
      if (m.developer) o.developer = { ...m.developer };
      out.push(o);
    }
    return out.length;
  };
}

export function modeById(id: string): DecoderMode {
  const m = MODES.find((x) => x.id === id);
  if (!m) throw new Error(`unknown decoder mode ${id}`);
  return m;
}

export const label = (m: DecoderMode): string => `${m.library} ${m.mode}`;
