/** Which saved locations belong to a ride, including fenix locations named by their local time. */
import { describe, expect, it } from 'vitest';
import { selectLocations, timeFromDefaultName, type SavedLocation } from '../../../src/core/activity/gpx/locations.js';
import { FIT_EPOCH_S } from '../../../src/core/fit/kit/time.js';

const fit = (iso: string) => Date.parse(iso) / 1000 - FIT_EPOCH_S;

describe('timeFromDefaultName', () => {
  it('reads "Apr 09 09:23" as local time in the activity time zone and year', () => {
    expect(timeFromDefaultName('Apr 09 09:23', fit('2024-04-09T07:00:00Z'), 7200)).toBe(fit('2024-04-09T07:23:00Z'));
    expect(timeFromDefaultName('apr 9 9:23', fit('2024-04-09T07:00:00Z'), 0)).toBe(fit('2024-04-09T09:23:00Z'));
  });

  it('takes the nearest year across a new year, and ignores other names', () => {
    expect(timeFromDefaultName('Dec 31 23:50', fit('2025-01-01T00:10:00Z'), 0)).toBe(fit('2024-12-31T23:50:00Z'));
    expect(timeFromDefaultName('Summit', 0, 0)).toBeUndefined();
    expect(timeFromDefaultName('Foo 09 09:23', 0, 0)).toBeUndefined();
    expect(timeFromDefaultName('Apr 09 25:23', 0, 0)).toBeUndefined();
  });
});

describe('selectLocations', () => {
  const t0 = fit('2024-04-09T07:00:00Z');
  const segments: [number, number][] = [
    [t0, t0 + 600],
    [t0 + 1200, t0 + 1800],
  ];
  const loc = (name: string, time?: number): SavedLocation => ({ name, lat: 1, lon: 1, ...(time === undefined ? {} : { time }) });

  it('keeps stamped locations inside a timer segment (ends included), not those in a pause or outside', () => {
    const all = [loc('a', t0), loc('b', t0 + 600), loc('pause', t0 + 900), loc('c', t0 + 1500), loc('before', t0 - 1), loc('after', t0 + 1801)];
    expect(selectLocations(all, { segments }).map((l) => l.name)).toEqual(['a', 'b', 'c']);
  });

  it('matches unstamped default names when any second of the minute is inside a segment', () => {
    const all = [loc('Apr 09 09:05'), loc('Apr 09 09:15'), loc('Apr 09 09:29'), loc('Apr 09 09:30'), loc('Apr 10 09:05'), loc('Favourite')];
    // UTC+2: 09:05 local = 07:05Z (first segment), 09:15 = pause, 09:29 and 09:30 in the second (end included).
    expect(selectLocations(all, { segments, tzOffsetS: 7200 }).map((l) => l.name)).toEqual(['Apr 09 09:05', 'Apr 09 09:29', 'Apr 09 09:30']);
  });

  it('selects nothing without segments', () => {
    expect(selectLocations([loc('a', t0)], { segments: [] })).toEqual([]);
  });
});
