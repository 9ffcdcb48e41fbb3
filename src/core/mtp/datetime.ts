/**
 * PTP DateTime strings (docs/mtp.md): `YYYYMMDDThhmmss`, optional `.s` tenths,
 * optional `Z` or `±hhmm`.
 */

const PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d))?(Z|[+-]\d{4})?$/;

/**
 * Milliseconds since the epoch, or undefined for an empty or malformed string. A string without
 * a zone is device local time in PTP; we do not know the watch's zone, so it is read as UTC.
 * The result is a hint for the sync engine (mtime), never part of an identity key.
 */
export function parsePtpDateTime(s: string): number | undefined {
  const m = PATTERN.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, tenths, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(sec), tenths ? Number(tenths) * 100 : 0);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  return ms;
}

/** `YYYYMMDDThhmmss` in UTC, no zone suffix (as the simulated watch writes it). */
export function formatPtpDateTime(ms: number): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  return iso.slice(0, 19).replace(/[-:]/g, '');
}
