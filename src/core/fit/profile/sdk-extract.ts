/**
 * What fitkit reads of `@garmin/fitsdk`'s Profile, as plain JSON: parsing it is much cheaper at
 * start-up than evaluating the SDK's 1 MB profile module. Written at build time into dist/ (for
 * the repo) and at first run into the user's cache (for an installed package, which never ships
 * it: the FIT SDK licence does not let us redistribute the profile).
 */
import type { SdkProfileShape } from './sdk-profile.js';
import { snakeName } from './names.js';

/**
 * The extract as stored, JSON Lines: a first line indexing the rest (the version, and the byte
 * range of each message's and type's JSON), then one line per message and type. Loading reads the
 * bytes and parses the index only; a message is decoded and parsed when first used
 * (sdk-profile.ts). Parsing the whole ~0.5 MB as one JSON text was ~6 ms of every command's start.
 */
export interface PackedSdkProfile {
  format: 3;
  version: SdkProfileShape['version'];
  /** By message number: [name (snake_case), start, end] of its JSON in `body`. */
  messages: Record<string, [string, number, number]>;
  /** By type name (snake_case): [start, end] of its JSON in `body`. */
  types: Record<string, [number, number]>;
  /** The lines after the index (UTF-8). */
  body: Uint8Array;
}
export const PACKED_FORMAT = 3;

const SUB = ['name', 'type', 'baseType', 'scale', 'offset', 'units', 'bits', 'components', 'map'] as const;
const FIELD = ['num', 'name', 'type', 'baseType', 'array', 'scale', 'offset', 'units', 'bits', 'components', 'isAccumulated'] as const;

type Obj = Record<string, unknown>;
const pick = (o: Obj, keys: readonly string[]): Obj => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));

export function packSdkProfile(sdk: SdkProfileShape): PackedSdkProfile {
  const encoder = new TextEncoder();
  const lines: Uint8Array[] = [];
  let size = 0;
  /** Appends one JSON line; its range without the newline. */
  const add = (value: unknown): [number, number] => {
    const bytes = encoder.encode(JSON.stringify(value) + '\n');
    lines.push(bytes);
    size += bytes.length;
    return [size - bytes.length, size - 1];
  };
  // Names converted here, not at each start (~360 of them).
  const messages = Object.fromEntries(Object.values(sdk.messages).map((m) => [String(m.num), [snakeName(m.name), ...add(m)] as [string, number, number]]));
  const types = Object.fromEntries(Object.entries(sdk.types).map(([name, values]) => [snakeName(name), add(values)]));
  const body = new Uint8Array(size);
  let at = 0;
  for (const l of lines) {
    body.set(l, at);
    at += l.length;
  }
  return { format: PACKED_FORMAT, version: sdk.version, messages, types, body };
}

/** The file's bytes: the index line, then the body. */
export function serializeSdkProfile(p: PackedSdkProfile): Uint8Array {
  const { body, ...index } = p;
  const head = new TextEncoder().encode(JSON.stringify(index) + '\n');
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/**
 * Reads serializeSdkProfile's bytes; undefined for another layout (an older cache file). A
 * damaged or cut-off file throws SyntaxError.
 */
export function parseSdkProfile(bytes: Uint8Array): PackedSdkProfile | undefined {
  const nl = bytes.indexOf(10);
  if (nl < 0) throw new SyntaxError('sdk profile extract: no index line');
  const index = JSON.parse(utf8(bytes.subarray(0, nl))) as Omit<PackedSdkProfile, 'body'> | null;
  if (index?.format !== PACKED_FORMAT) return undefined;
  const body = bytes.subarray(nl + 1);
  // A cut-off file (a damaged cache) is told now, not at the first message it lacks.
  const ends = [...Object.values(index.messages).map((m) => m[2]), ...Object.values(index.types).map((t) => t[1])];
  if (ends.some((e) => e > body.length)) throw new SyntaxError('sdk profile extract: cut off');
  return { ...index, body };
}

/** The JSON line at [start, end) of the body, parsed. */
export function packedJson<T>(p: PackedSdkProfile, [start, end]: readonly [number, number]): T {
  return JSON.parse(utf8(p.body.subarray(start, end))) as T;
}

const decoder = new TextDecoder();
const utf8 = (bytes: Uint8Array): string => decoder.decode(bytes);

/** `sdkProfile` is the package's exported `Profile`. */
export function extractSdkProfile(sdkProfile: unknown): SdkProfileShape {
  const p = sdkProfile as { version: SdkProfileShape['version']; messages: Record<string, Obj>; types: SdkProfileShape['types'] };
  const messages = Object.fromEntries(
    Object.entries(p.messages).map(([k, m]) => [
      k,
      {
        num: m.num,
        name: m.name,
        fields: Object.fromEntries(Object.entries(m.fields as Record<string, Obj>).map(([n, f]) => [n, { ...pick(f, FIELD), subFields: (f.subFields as Obj[]).map((s) => pick(s, SUB)) }])),
      },
    ]),
  );
  return { version: p.version, messages, types: p.types } as unknown as SdkProfileShape;
}
