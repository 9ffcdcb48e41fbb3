/**
 * The profile every fitkit command reads FIT through: Garmin's Global Profile (from
 * `@garmin/fitsdk`), fitkit's supplement, and any user additions, merged in that order.
 */
import { readFileSync } from 'node:fs';
import { FitkitError } from '../../errors.js';
import { FITKIT_EXTRA, parseExtra, ProfileExtraError, type ProfileExtra } from './extra.js';
import { LazyMap } from './lazy-map.js';
import { sdkTables, sdkVersion, type PackedSdkProfile, type SdkProfileShape, type SdkTables } from './sdk-profile.js';
import type { FieldDef, MessageDef, TypeDef } from './types.js';

export class Profile {
  readonly messages: Map<number, MessageDef>;
  readonly types: Map<string, TypeDef>;
  version = '';
  /** Message numbers by name: a name is known before its message is converted. */
  #byName = new Map<string, number>();

  constructor(tables: SdkTables = { messages: [], types: [] }) {
    this.messages = new LazyMap(new Map(tables.messages.map((m) => [m.num, m.make])));
    this.types = new LazyMap(new Map(tables.types.map((t) => [t.name, t.make])));
    for (const m of tables.messages) this.#byName.set(m.name, m.num);
  }

  message(num: number): MessageDef | undefined {
    return this.messages.get(num);
  }

  messageByName(name: string): MessageDef | undefined {
    const num = this.#byName.get(name);
    return num === undefined ? undefined : this.messages.get(num);
  }

  field(mesgNum: number, fieldNum: number): FieldDef | undefined {
    return this.messages.get(mesgNum)?.fields.get(fieldNum);
  }

  /** Adds messages, fields and types; later additions win over earlier ones. */
  extend(extra: ProfileExtra, source: string): this {
    let parsed;
    try {
      parsed = parseExtra(extra, source, (t) => this.#baseTypeOfNamed(t));
    } catch (e) {
      if (e instanceof ProfileExtraError) throw new FitkitError('bad_profile_extra', e.message, { file: source, cause: e });
      throw e;
    }
    for (const t of parsed.types) this.types.set(t.name, t);
    for (const m of parsed.messages) {
      const known = this.messages.get(m.num);
      if (known) {
        for (const [n, f] of m.fields) known.fields.set(n, f);
      } else {
        this.#add(m);
      }
    }
    return this;
  }

  /** Reads a JSON file of additions (see extra.ts for the format). */
  extendFromFile(path: string): this {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new FitkitError('bad_profile_extra', `cannot read profile additions: ${(e as Error).message}`, {
        file: path,
        cause: e,
      });
    }
    return this.extend(json as ProfileExtra, path);
  }

  #add(m: MessageDef): void {
    this.messages.set(m.num, m);
    this.#byName.set(m.name, m.num);
  }

  /** A named type's base type, from any SDK field declared with it. */
  #baseTypeOfNamed(type: string): string | undefined {
    const t = this.types.get(type);
    if (t?.baseType) return t.baseType;
    for (const m of this.messages.values()) {
      for (const f of m.fields.values()) if (f.type === type) return f.baseType.name;
    }
    return undefined;
  }

  /** Garmin's profile alone: the bundled `@garmin/fitsdk` one, or another release's `Profile`. */
  static sdk(sdk?: SdkProfileShape | PackedSdkProfile): Profile {
    const p = new Profile(sdkTables(sdk));
    p.version = sdkVersion(sdk);
    return p;
  }

  /** Garmin's profile plus fitkit's supplement: what commands use unless told otherwise. */
  static standard(sdk?: SdkProfileShape | PackedSdkProfile): Profile {
    return Profile.sdk(sdk).extend(FITKIT_EXTRA, 'fitkit');
  }
}

let shared: Profile | undefined;

/** The standard profile, built once per process. */
export function standardProfile(): Profile {
  return (shared ??= Profile.standard());
}
