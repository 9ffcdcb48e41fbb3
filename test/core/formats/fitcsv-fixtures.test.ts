/**
 * `fitkit dump` output against FitCSVTool's for the fixture files (runs without the corpus).
 * The fixtures' CSVs come from FitCSVTool 21.202, so the profile here is @garmin/fitsdk 21.202's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Profile as Sdk21202 } from 'fitsdk-21202';
import { describe, expect, it } from 'vitest';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import type { SdkProfileShape } from '../../../src/core/fit/profile/sdk-profile.js';
import { renderCsv } from '../../helpers/render-csv.js';

const dir = join(import.meta.dirname, '../../../fixtures/fit');
const profile = Profile.sdk(Sdk21202 as unknown as SdkProfileShape);
const fixture = (name: string) => readFileSync(join(dir, name));

describe('dump equals FitCSVTool on the fixtures', () => {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.fit'))) {
    it(f, () => {
      const expected = readFileSync(join(dir, f.replace(/\.fit$/, '.csv')), 'utf8');
      expect(renderCsv(fixture(f), profile).csv).toBe(expected);
    });
  }
});

/** Rows of the fixtures under FitCSVTool options, as docs/fitcsv-format.md shows them. */
describe('FitCSVTool options', () => {
  const rows = (opts: Parameters<typeof renderCsv>[2], file = 'Activity.fit') => renderCsv(fixture(file), profile, opts).csv.split('\n');
  const find = (lines: string[], prefix: string) => lines.find((l) => l.startsWith(prefix)) ?? '';

  it('-e prints enum names, subfields stay numeric', () => {
    const l = rows({ enumNames: true });
    expect(find(l, 'Data,0,file_id')).toContain('manufacturer,"DYNASTREAM"');
    expect(find(l, 'Data,0,file_id')).toContain('type,"ACTIVITY"');
    expect(find(l, 'Data,0,file_id')).toContain('garmin_product,"1"');
    expect(find(l, 'Data,1,event')).toContain('event,"TIMER",,event_type,"START"');
    expect(find(l, 'Data,1,event')).toContain('timer_trigger,"0"');
  });

  it('-iso8601 converts date_time and empties its units', () => {
    expect(find(rows({ iso8601: true }), 'Data,1,event')).toContain('timestamp,"2012-04-09T21:22:26Z",,');
  });

  it('-deg prints semicircles as degrees with 8 decimals', () => {
    expect(find(rows({ degrees: true }), 'Data,2,record')).toContain('position_lat,"41.51392607",degrees');
  });

  it('-x prints bytes as hex', () => {
    const l = rows({ hex: true }, 'DeveloperData.fit');
    expect(find(l, 'Data,0,developer_data_id')).toContain('application_id,"0x01|0x01|0x02|0x03|0x05|0x08|0x0d|0x15|0x22|0x37|0x59|0x90|0xe9|0x79|0x62|0xdb"');
  });

  it('-s keeps invalid values raw and -se prints them empty', () => {
    const s = rows({ invalid: 'raw' }, 'garmin-fenix-5-walk.fit');
    expect(find(s, 'Data,0,file_id')).toBe(
      'Data,0,file_id,serial_number,"3945849289",,time_created,"866125971",,unknown,"4294967295",,manufacturer,"1",,garmin_product,"2697",,number,"65535",,type,"4",,',
    );
    const se = rows({ invalid: 'empty' }, 'garmin-fenix-5-walk.fit');
    expect(find(se, 'Data,0,file_id')).toBe('Data,0,file_id,serial_number,"3945849289",,time_created,"866125971",,unknown,"",,manufacturer,"1",,garmin_product,"2697",,number,"",,type,"4",,');
    expect(find(se, 'Data,14,hrv')).toMatch(/^Data,14,hrv,time,"0\.\d+\|65535\|",s,/);
    expect(find(rows({}, 'garmin-fenix-5-walk.fit'), 'Data,14,hrv')).toMatch(/^Data,14,hrv,time,"0\.\d+\|65535\|65535\|65535\|65535",s,/);
  });

  it('-re leaves components unexpanded', () => {
    expect(find(rows({ expandComponents: false }), 'Data,2,record')).toBe(
      'Data,2,record,timestamp,"702940946",s,position_lat,"495280430",semicircles,position_long,"-872696681",semicircles,distance,"0.02",m,altitude,"278.20000000000005",m,speed,"0.0",m/s,',
    );
  });

  it('-u hides unknown messages and fields and counts them', () => {
    const r = renderCsv(fixture('compressed-speed-distance.fit'), profile, { hideUnknown: true });
    expect(r.csv).not.toMatch(/,unknown,/);
    expect(r.csv).toContain('Data,3,record,timestamp,"17217869",s,compressed_speed_distance,"98|1|0"');
  });

  it('--defn none and --data select rows; -ex excludes', () => {
    const l = rows({ defn: ['none'], data: ['record'] });
    expect(l.some((x) => x.startsWith('Definition'))).toBe(false);
    expect(
      l
        .slice(1)
        .filter(Boolean)
        .every((x) => x.startsWith('Data,2,record')),
    ).toBe(true);
    const ex = rows({ data: ['record'], exclude: true });
    expect(ex.some((x) => x.startsWith('Data,2,record'))).toBe(false);
    expect(ex.some((x) => x.startsWith('Definition,2,record'))).toBe(true);
  });
});
