/** The profile built from @garmin/fitsdk: names as FitCSVTool prints them, supplement, user additions. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Profile as SdkProfile } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { snakeName } from '../../../src/core/fit/profile/names.js';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import type { SdkProfileShape } from '../../../src/core/fit/profile/sdk-profile.js';
import { garminSdkProfile, loadSdkProfile } from '../../../src/core/platform/sdk-profile-cache.js';
import { PACKED_FORMAT, parseSdkProfile, serializeSdkProfile } from '../../../src/core/fit/profile/sdk-extract.js';

const p = Profile.standard();

describe('profile from @garmin/fitsdk', () => {
  it('has every SDK message and field, with snake_case names', () => {
    const sdk = SdkProfile as unknown as { messages: Record<string, { num: number; name: string; fields: Record<string, { name: string }> }> };
    let fields = 0;
    for (const m of Object.values(sdk.messages)) {
      const ours = p.message(m.num);
      expect(ours?.name).toBe(snakeName(m.name));
      for (const [num, f] of Object.entries(m.fields)) {
        expect(ours?.fields.get(Number(num))?.name).toBe(snakeName(f.name));
        fields++;
      }
    }
    expect(fields).toBeGreaterThan(1500);
  });

  it('the extract the build writes into dist/ (what the CLI loads) gives the same profile as the package', () => {
    // `npm test` builds first; the extract exists unless the build failed.
    const path = join(import.meta.dirname, '../../../dist/core/fit/profile/sdk-profile.json');
    expect(existsSync(path)).toBe(true);
    const extract = parseSdkProfile(readFileSync(path))!;
    expect(extract.format).toBe(PACKED_FORMAT);
    const fromExtract = Profile.sdk(extract);
    const fromPackage = Profile.sdk(SdkProfile as unknown as SdkProfileShape);
    expect(fromExtract.version).toBe(fromPackage.version);
    expect([...fromExtract.messages.values()]).toEqual([...fromPackage.messages.values()]);
    expect([...fromExtract.types.values()]).toEqual([...fromPackage.types.values()]);
  });

  it('without a build extract (an installed package), the extract is made once into the user cache and read from there', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'fitkit-cache-'));
    const env = { XDG_CACHE_HOME: cache };
    const none = new URL('file:///nonexistent/sdk-profile.json');
    const first = loadSdkProfile(none, env);
    const [name] = readdirSync(join(cache, 'fitkit'));
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../../node_modules/@garmin/fitsdk/package.json'), 'utf8')) as { version: string };
    expect(name).toBe(`sdk-profile-${pkg.version}-f${PACKED_FORMAT}.json`);
    // The second load reads the cache: a marked copy proves it is not extracted again.
    const marked = { ...first, version: { major: 99, minor: 0, patch: 0 } };
    writeFileSync(join(cache, 'fitkit', name), serializeSdkProfile(marked));
    expect(loadSdkProfile(none, env).version.major).toBe(99);
    // A damaged or cut-off cache file is made again, and so is one in an older layout (one JSON text).
    writeFileSync(join(cache, 'fitkit', name), '{"trunc');
    expect(loadSdkProfile(none, env).version).toEqual(first.version);
    const whole = serializeSdkProfile(marked);
    writeFileSync(join(cache, 'fitkit', name), whole.subarray(0, whole.length - 100));
    expect(loadSdkProfile(none, env).version).toEqual(first.version);
    const { body: _body, ...index } = marked;
    writeFileSync(join(cache, 'fitkit', name), JSON.stringify({ ...index, format: 2 }));
    expect(loadSdkProfile(none, env).version).toEqual(first.version);
    expect(Profile.sdk(first).version).toBe(Profile.sdk(SdkProfile as unknown as SdkProfileShape).version);
  });

  it('reads the SDK synchronously, by require() or, where Node cannot require ES modules, from a child Node: the same Profile', () => {
    const required = garminSdkProfile(true);
    expect(required).toBe(SdkProfile);
    expect(garminSdkProfile(false)).toEqual(JSON.parse(JSON.stringify(SdkProfile)));
  });

  it('converts the irregular letter-digit names as FitCSVTool prints them', () => {
    expect(p.field(20, 17)?.name).toBe('speed_1s');
    expect(snakeName('cadence256')).toBe('cadence256');
    expect(snakeName('eventTimestamp12')).toBe('event_timestamp_12');
    expect(snakeName('enhancedAvgSpeed')).toBe('enhanced_avg_speed');
    expect(p.messageByName('hsa_spo2_data')).toBeDefined();
  });

  it('keeps scale, offset, units, components with bits and accumulation, subfields with references', () => {
    const alt = p.field(20, 2)!;
    expect([alt.type, alt.baseType.name, alt.scale, alt.offset, alt.units]).toEqual(['uint16', 'uint16', 5, 500, 'm']);
    expect(alt.components).toEqual([{ fieldNum: 78, bits: 16, scale: 5, offset: 500, accumulate: false }]);
    const csd = p.field(20, 8)!;
    expect(csd.components.map((c) => [c.fieldNum, c.bits, c.scale, c.accumulate])).toEqual([
      [6, 12, 100, false],
      [5, 12, 16, true],
    ]);
    expect(csd.units).toBe('');
    const data = p.field(21, 3)!;
    const timer = data.subfields.find((s) => s.name === 'timer_trigger')!;
    expect(timer.refs).toContainEqual({ fieldNum: 0, value: 0 });
    expect(p.types.get('file')?.values.get(4)).toBe('activity');
    expect(p.field(0, 4)?.type).toBe('date_time');
  });

  it("adds fitkit's message 29 location", () => {
    const loc = p.message(29)!;
    expect(loc.name).toBe('location');
    expect([...loc.fields.values()].map((f) => f.name)).toEqual(['name', 'position_lat', 'position_long', 'symbol', 'altitude', 'description', 'timestamp', 'message_index']);
    expect([loc.fields.get(4)?.scale, loc.fields.get(4)?.offset]).toEqual([5, 500]);
    expect(Profile.sdk().message(29)).toBeUndefined();
  });

  it('takes user additions from JSON: new messages, new fields, named types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-profile-'));
    const file = join(dir, 'extra.json');
    writeFileSync(
      file,
      JSON.stringify({
        types: { pump_mode: { baseType: 'enum', values: { '0': 'off', '1': 'boost' } } },
        messages: [
          {
            num: 0xff01,
            name: 'pump',
            fields: [
              { num: 0, name: 'mode', type: 'pump_mode' },
              { num: 253, name: 'timestamp', type: 'date_time', units: 's' },
            ],
          },
          { num: 20, name: 'record', fields: [{ num: 200, name: 'core_temp', type: 'uint16', scale: 100, units: 'C' }] },
        ],
      }),
    );
    const q = Profile.standard().extendFromFile(file);
    expect(q.messageByName('pump')?.fields.get(0)?.baseType.name).toBe('enum');
    expect(q.field(0xff01, 253)?.baseType.name).toBe('uint32');
    expect(q.field(20, 200)).toMatchObject({ name: 'core_temp', scale: 100, units: 'C' });
    expect(q.field(20, 3)?.name).toBe('heart_rate');
  });

  it('names the file and the problem when additions are malformed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-profile-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ messages: [{ num: 7000, name: 'x', fields: [{ num: 1, name: 'y', type: 'no_such_type' }] }] }));
    expect(() => Profile.standard().extendFromFile(file)).toThrow(FitkitError);
    expect(() => Profile.standard().extendFromFile(file)).toThrow(/x\.y: unknown type "no_such_type"/);
    writeFileSync(file, '{ not json');
    expect(() => Profile.standard().extendFromFile(file)).toThrow(/cannot read profile additions/);
  });
});
