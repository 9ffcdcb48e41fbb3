import { describe, expect, it } from 'vitest';
import { RESERVED_NAMES } from '../../../src/core/library/layout.js';
import { MAX_NAME_BYTES, sanitiseFileName, sanitiseSegment, suffixed } from '../../../src/core/library/sanitise.js';

describe('name sanitising', () => {
  it('keeps ordinary names as they are', () => {
    for (const n of ['2024-10-13-10-58-18.fit', 'Morning Run.FIT', 'Lctns.fit', 'été à Zürich.fit']) expect(sanitiseFileName(n)).toBe(n);
  });

  it('can never produce a path: no separators, dot segments, NUL or control characters', () => {
    const hostile = ['../../etc/passwd', '..', '.', '/abs/path.fit', 'a\\..\\b.fit', 'nul\0byte.fit', 'new\nline.fit', '\x7f\x1b[31m.fit', '', '   ', '.fitkit-tmp-123', '.hidden.fit'];
    for (const h of hostile) {
      const s = sanitiseFileName(h);
      expect(s).not.toMatch(/[/\\\0\x00-\x1f\x7f]/);
      expect(s).not.toMatch(/^\./);
      expect(['', '.', '..']).not.toContain(s);
    }
    expect(sanitiseFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(sanitiseFileName('')).toBe('unnamed.fit');
    expect(sanitiseFileName('.fitkit-tmp-123')).toBe('fitkit-tmp-123');
  });

  it('cuts over-long names to MAX_NAME_BYTES of UTF-8, keeping the extension and whole characters', () => {
    const long = 'ü'.repeat(300) + '.fit';
    const s = sanitiseFileName(long);
    expect(Buffer.byteLength(s)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(s.endsWith('ü.fit')).toBe(true);
    expect(Buffer.byteLength(suffixed(s, 99999))).toBeLessThan(255);
  });

  it("keeps names away from the layout's folders and Windows device names", () => {
    expect(sanitiseFileName('Activities', RESERVED_NAMES)).toBe('Activities.fit');
    expect(sanitiseFileName('_quarantine', RESERVED_NAMES)).toBe('_quarantine.fit');
    expect(sanitiseSegment('CON.fit')).toBe('_CON.fit');
    expect(sanitiseSegment('a:b*c?.fit')).toBe('a_b_c_.fit');
  });

  it('numbers alternatives before the extension', () => {
    expect(suffixed('ride.fit', 0)).toBe('ride.fit');
    expect(suffixed('ride.fit', 2)).toBe('ride-2.fit');
    expect(suffixed('README', 1)).toBe('README-1');
  });
});
