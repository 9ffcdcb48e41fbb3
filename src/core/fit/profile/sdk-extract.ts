/**
 * What fitkit reads of `@garmin/fitsdk`'s Profile, as plain JSON: parsing it is much cheaper at
 * start-up than evaluating the SDK's 1 MB profile module. Written at build time into dist/ (for
 * the repo) and at first run into the user's cache (for an installed package, which never ships
 * it: the FIT SDK licence does not let us redistribute the profile).
 */
import type { SdkProfileShape } from './sdk-profile.js';

/**
 * The extract as stored: each message and type as its own JSON text, so loading parses one table
 * of strings and each message is parsed when first used (sdk-profile.ts).
 */
export interface PackedSdkProfile {
  format: 2;
  version: SdkProfileShape['version'];
  /** By message number: [SDK name, JSON of the message]. */
  messages: Record<string, [string, string]>;
  /** By SDK type name: JSON of its values. */
  types: Record<string, string>;
}
export const PACKED_FORMAT = 2;

const SUB = ['name', 'type', 'baseType', 'scale', 'offset', 'units', 'bits', 'components', 'map'] as const;
const FIELD = ['num', 'name', 'type', 'baseType', 'array', 'scale', 'offset', 'units', 'bits', 'components', 'isAccumulated'] as const;

type Obj = Record<string, unknown>;
const pick = (o: Obj, keys: readonly string[]): Obj => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));

export function packSdkProfile(sdk: SdkProfileShape): PackedSdkProfile {
  return {
    format: PACKED_FORMAT,
    version: sdk.version,
    messages: Object.fromEntries(Object.values(sdk.messages).map((m) => [String(m.num), [m.name, JSON.stringify(m)]])),
    types: Object.fromEntries(Object.entries(sdk.types).map(([name, values]) => [name, JSON.stringify(values)])),
  };
}

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
