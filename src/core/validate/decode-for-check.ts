/**
 * Decodes a file the way FitCSVTool's checklist sees it: every message of every chained file up
 * to the first problem that makes FitCSVTool stop (a fatal decoder error, bytes after the last
 * file that are not a FIT file, a definition whose architecture byte is neither 0 nor 1).
 */
import type { Diagnostic } from '../errors.js';
import { decodeFit } from '../fit/decode/decoder.js';
import type { HeaderFrame } from '../fit/decode/frames.js';
import type { FitMessage } from '../fit/decode/message.js';
import type { Profile } from '../fit/profile/profile.js';

export interface CheckedDecode {
  messages: FitMessage[];
  headers: HeaderFrame[];
  diagnostics: Diagnostic[];
  /** Where FitCSVTool would have stopped with an error; undefined when it reads to the end. */
  stoppedAt: Diagnostic | undefined;
  /** Messages the decoder read past FitCSVTool's stop (after an architecture error). */
  dropped: number;
}

/** Diagnostics after which FitCSVTool throws: it stops there and reports a decode error. */
export function stopsFitCsvTool(d: Diagnostic): boolean {
  return d.level === 'error' || d.code === 'trailing_bytes' || d.code === 'architecture';
}

export function decodeForCheck(bytes: Uint8Array, profile: Profile): CheckedDecode {
  const r = decodeFit(bytes, { profile });
  const stoppedAt = r.diagnostics.find(stopsFitCsvTool);
  let messages = r.messages;
  if (stoppedAt?.code === 'architecture') {
    // The offending definition starts 2 bytes before its architecture byte.
    const cut = stoppedAt.offset - 2;
    messages = messages.filter((m) => m.offset < cut);
  }
  return { messages, headers: r.headers, diagnostics: r.diagnostics, stoppedAt, dropped: r.messages.length - messages.length };
}
