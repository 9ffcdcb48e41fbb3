/**
 * UTF-8 decoding that drops malformed bytes instead of replacing them, as FitCSVTool's Java
 * decoder does (`caf\xE9` → `caf`). ASCII, the common case, never allocates a TextDecoder.
 */
const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8Lenient(bytes: Uint8Array, start: number, end: number): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  try {
    return decoder.decode(bytes.subarray(start, end));
  } catch {
    return decodeDroppingMalformed(bytes, start, end);
  }
}

function decodeDroppingMalformed(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  let i = start;
  while (i < end) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > end) {
      i++;
      continue;
    }
    let ok = true;
    for (let k = 1; k < n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) ok = false;
    if (ok) {
      try {
        s += decoder.decode(bytes.subarray(i, i + n));
        i += n;
        continue;
      } catch {
        // overlong or surrogate: drop the lead byte like any other malformed byte
      }
    }
    i++;
  }
  return s;
}
