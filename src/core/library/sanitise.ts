/**
 * File and folder names that are safe to create inside the library, whatever the source file was
 * called: one path segment, no `..`, no separators, NUL or control characters, no characters
 * that FAT/exFAT (SD cards, the devices themselves) or Windows refuse, and short enough for any
 * file system (255 bytes) with room left for a `-N` suffix. Leading dots go too, so no name can
 * look like our temporary files (`.fitkit-tmp-…`, durable-file.ts) or our state folder.
 */

/** Longest name we write, in UTF-8 bytes; `-99999` and a temp prefix still fit under 255. */
export const MAX_NAME_BYTES = 200;

const UNSAFE = /[\u0000-\u001f\u007f/\\<>:"|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts `s` to at most `max` UTF-8 bytes without splitting a character. */
function cutUtf8(s: string, max: number): string {
  if (utf8Length(s) <= max) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    const len = utf8Length(ch);
    if (n + len > max) break;
    out += ch;
    n += len;
  }
  return out;
}

/**
 * One safe path segment from any string. Unsafe characters become `_`; leading dots and spaces
 * go (no hidden files, no `.`/`..`), trailing dots and spaces too (Windows drops them); Windows
 * device names get a `_` prefix; too-long names are cut, keeping a short extension.
 */
export function sanitiseSegment(name: string, fallback = 'unnamed'): string {
  let s = name.normalize('NFC').replace(UNSAFE, '_');
  s = s.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (s === '') s = fallback;
  if (WINDOWS_DEVICE.test(s)) s = '_' + s;
  if (utf8Length(s) > MAX_NAME_BYTES) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : '';
    s = cutUtf8(s.slice(0, s.length - ext.length), MAX_NAME_BYTES - utf8Length(ext)) + ext;
  }
  return s;
}

/**
 * A source file's name as it will appear in the library. Besides sanitiseSegment: a name equal
 * to a folder the layout creates (`Activities`, `_quarantine`, ...) gets `.fit` appended, so a
 * device file can never block or stand in for a type folder.
 */
export function sanitiseFileName(name: string, reserved: ReadonlySet<string> = new Set()): string {
  let s = sanitiseSegment(name, 'unnamed.fit');
  if (reserved.has(s.toLowerCase())) s += '.fit';
  return s;
}

/** `name-N.ext` for the N-th alternative of `name.ext` (N ≥ 1); the extension is kept. */
export function suffixed(name: string, n: number): string {
  if (n === 0) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`;
}
