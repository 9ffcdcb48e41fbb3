/**
 * `fitkit strip`: leaves out developer data, unknown messages and fields, HRV, positions or
 * named messages, keeping every other record as it was (raw-records.ts).
 */
import { FitkitError } from '../errors.js';
import type { Profile } from '../fit/profile/profile.js';
import type { DataRecord, DefinitionRecord, RawRecord } from './raw-records.js';

export interface StripOptions {
  /** developer_data_id, field_description and every developer field. */
  developerData?: boolean;
  /** Messages and fields the profile does not know, and developer fields without a description. */
  unknown?: boolean;
  /** hrv messages (beat-to-beat intervals). */
  hrv?: boolean;
  /** Every field in semicircles: record positions, lap and session start/end and bounding boxes… */
  positions?: boolean;
  /** Global message numbers to leave out. */
  messages?: number[];
}

export interface StripResult {
  records: RawRecord[];
  /** Data messages left out. */
  messagesRemoved: number;
  /** Fields left out of definitions (each definition counts). */
  fieldsRemoved: number;
  developerFieldsRemoved: number;
}

const FIELD_DESCRIPTION = 206;
const DEVELOPER_DATA_ID = 207;
const HRV = 78;

/** Message names or numbers (`hrv,78,0xFF00`) to global numbers. */
export function messageNumbers(profile: Profile, list: string): number[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (/^(0x[0-9a-f]+|\d+)$/i.test(s)) {
        const n = Number(s);
        if (n <= 0xffff) return n;
      }
      const m = profile.messageByName(s);
      if (!m) throw new FitkitError('usage', `--messages: unknown message "${s}"`, { exitCode: 2 });
      return m.num;
    });
}

export function stripRecords(records: readonly RawRecord[], profile: Profile, o: StripOptions): StripResult {
  const drop = new Set(o.messages ?? []);
  if (o.hrv) drop.add(HRV);
  if (o.developerData) {
    drop.add(FIELD_DESCRIPTION);
    drop.add(DEVELOPER_DATA_ID);
  }
  // Developer fields with a description, by "devIndex:num" (for --unknown).
  const described = new Set<string>();
  const kept = new Map<DefinitionRecord, { fields: boolean[]; dev: boolean[]; out: DefinitionRecord }>();
  const out: RawRecord[] = [];
  const result = { messagesRemoved: 0, fieldsRemoved: 0, developerFieldsRemoved: 0 };
  for (const r of records) {
    if (r.kind === 'definition') {
      const mdef = profile.message(r.globalNum);
      if (drop.has(r.globalNum) || (o.unknown && !mdef)) continue;
      const fields = r.fields.map((f) => {
        const fdef = mdef?.fields.get(f.num);
        return !(o.unknown && !fdef) && !(o.positions && fdef?.units === 'semicircles');
      });
      const dev = r.devFields.map((d) => !o.developerData && !(o.unknown && !described.has(`${d.devIndex}:${d.num}`)));
      const def: DefinitionRecord = {
        ...r,
        fields: r.fields.filter((_, i) => fields[i]),
        devFields: r.devFields.filter((_, i) => dev[i]),
      };
      result.fieldsRemoved += fields.filter((k) => !k).length;
      result.developerFieldsRemoved += dev.filter((k) => !k).length;
      kept.set(r, { fields, dev, out: def });
      out.push(def);
      continue;
    }
    const k = kept.get(r.def);
    if (!k) {
      result.messagesRemoved++;
      continue;
    }
    if (r.def.globalNum === FIELD_DESCRIPTION) {
      const [index, num] = [0, 1].map((n) => r.values.get(n)?.[0]);
      if (index !== undefined && num !== undefined) described.add(`${index}:${num}`);
    }
    const rec: DataRecord = { ...r, def: k.out, dev: r.dev.filter((_, i) => k.dev[i]) };
    out.push(rec);
  }
  return { records: out, ...result };
}
