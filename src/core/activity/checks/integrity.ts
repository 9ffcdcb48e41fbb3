/**
 * File integrity: what the decoder found (header, CRCs, sizes, definitions, truncation), plus
 * what a reader wants to know about the file's structure (header CRC unset, chained files, the
 * header's declared size against the file's). Every finding has a severity and a byte offset.
 * Ref: FIT protocol, "File Header" and "CRC".
 */
import type { Diagnostic } from '../../errors.js';
import type { HeaderFrame } from '../../fit/decode/frames.js';

export interface IntegrityInput {
  size: number;
  headers: readonly HeaderFrame[];
  diagnostics: readonly Diagnostic[];
}

/** Integrity findings, in file order: the decoder's, then what the headers show. */
export function integrityDiagnostics(input: IntegrityInput): Diagnostic[] {
  const out: Diagnostic[] = input.diagnostics.map((d) => ({ ...d }));
  const { headers, size } = input;
  for (const h of headers) {
    const where = headers.length > 1 ? `file ${h.fileIndex + 1} of the chain: ` : '';
    if (h.headerSize !== 12 && h.headerSize !== 14) {
      out.push({ level: 'warning', code: 'header_size', message: `${where}header size ${h.headerSize} is neither 12 nor 14`, offset: h.offset });
    }
    if (h.headerCrc === 0) {
      out.push({ level: 'info', code: 'header_crc_unset', message: `${where}header CRC is 0 (not set; allowed)`, offset: h.offset + 12 });
    }
    const end = h.offset + h.headerSize + h.dataSize + 2;
    if (end > size) {
      out.push({
        level: 'error',
        code: 'data_size_past_end',
        message: `${where}header declares ${h.dataSize} data byte(s), ${end - size} more than the file holds`,
        offset: h.offset + 4,
      });
    }
  }
  if (headers.length > 1) {
    out.push({
      level: 'info',
      code: 'chained',
      message: `${headers.length} chained FIT files (headers at bytes ${headers.map((h) => h.offset).join(', ')})`,
      offset: headers[1].offset,
    });
  }
  // A CRC failure or truncation already says why the file ends early; the size finding repeats it.
  const hasTruncation = out.some((d) => d.code === 'truncated');
  return out.filter((d) => !(hasTruncation && d.code === 'data_size_past_end')).sort((a, b) => a.offset - b.offset);
}
