import { describe, expect, it } from 'vitest';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { deviceDir, fileTypeName, parseTypeFilter, placeDir, typeDir, usableSerial } from '../../../src/core/library/layout.js';

const profile = standardProfile();

describe('library layout', () => {
  it('maps every file type the issue names to its folder', () => {
    const expected: [number | undefined, string][] = [
      [1, ''],
      [2, 'Settings'],
      [3, 'Sports'],
      [4, 'Activities'],
      [20, 'Activities'],
      [5, 'Workouts'],
      [6, 'Courses'],
      [7, 'Schedules'],
      [8, 'Locations'],
      [9, 'Weight'],
      [10, 'Totals'],
      [11, 'Goals'],
      [14, 'Blood Pressure'],
      [15, 'Monitoring'],
      [32, 'Monitoring'],
      [28, 'Monitoring'],
      [34, 'Segments'],
      [35, 'Segments'],
      [29, 'Unknown'],
      [40, 'Unknown'],
      [250, 'Unknown'],
      [undefined, 'Unknown'],
    ];
    for (const [t, dir] of expected) expect([t, typeDir(t)]).toEqual([t, dir]);
  });

  it('uses the serial, or <manufacturer>-<product> when there is no usable one', () => {
    expect(deviceDir({ serial: 3945849289, manufacturer: 1, product: 2697 }, profile)).toBe('3945849289');
    for (const serial of [undefined, 0, 0xffffffff]) {
      expect(usableSerial(serial)).toBe(false);
      expect(deviceDir({ serial, manufacturer: 1, product: 2697 }, profile)).toBe('garmin-fenix5');
    }
    expect(deviceDir({ manufacturer: 1, product: 3843 }, profile)).toBe('garmin-edge1040');
    expect(deviceDir({ manufacturer: 15, product: 1 }, profile)).toBe('dynastream-hrm1'); // garmin_product via subfield
    expect(deviceDir({ manufacturer: 32, product: 31 }, profile)).toBe('wahoo_fitness-31'); // no product table
    expect(deviceDir({ manufacturer: 9999, product: 7 }, profile)).toBe('9999-7');
    expect(deviceDir({}, profile)).toBe('unknown-unknown');
    expect(deviceDir(undefined, profile)).toBe('unknown-unknown');
  });

  it('places device files in the device folder itself', () => {
    expect(placeDir({ type: 1, serial: 42 }, profile)).toBe('42');
    expect(placeDir({ type: 4, serial: 42 }, profile)).toBe('42/Activities');
    expect(placeDir({ type: 14, serial: 42 }, profile)).toBe('42/Blood Pressure');
  });

  it('names file types for --types, and rejects names it does not know', () => {
    expect(fileTypeName(4, profile)).toBe('activity');
    expect(fileTypeName(15, profile)).toBe('monitoring_a');
    expect(fileTypeName(8, profile)).toBe('locations');
    expect(fileTypeName(undefined, profile)).toBe('unknown');
    expect([...parseTypeFilter('activity, course,blood_pressure,locations,unknown,29', profile)]).toEqual([4, 6, 14, 8, 'unknown', 29]);
    expect(() => parseTypeFilter('activities', profile)).toThrow(/unknown file type "activities"; known: .*activity/);
  });
});
