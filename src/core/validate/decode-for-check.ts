/**
 * Decodes a file the way FitCSVTool's checklist sees it, streaming: every message of every
 * chained file up to the first problem that makes FitCSVTool stop (a fatal decoder error, bytes
 * after the last file that are not a FIT file, a definition whose architecture byte is neither
 * 0 nor 1, a header's data size that cannot be right). Messages go to `onMessage` as they come;
 * none is kept. The decoder reads on past a stop where it can (it is lenient): what it reads
 * there is counted, not checked.
 */
import { RecordPointReader, type RecordPoint } from '../activity/checks/record-point.js';
import type { Diagnostic } from '../errors.js';
import type { HeaderFrame } from '../fit/decode/frames.js';
import { Interpreter } from '../fit/decode/interpret.js';
import type { FitMessage } from '../fit/decode/message.js';
import { RawDecoder } from '../fit/decode/raw.js';
import type { Profile } from '../fit/profile/profile.js';

export interface CheckedDecode {
  /** Messages read before FitCSVTool's stop (its "Message Count"). */
  messages: number;
  headers: HeaderFrame[];
  diagnostics: Diagnostic[];
  /** Where FitCSVTool would have stopped with an error; undefined when it reads to the end. */
  stoppedAt: Diagnostic | undefined;
  /** Messages the decoder read past FitCSVTool's stop (after an architecture or data size error). */
  dropped: number;
}

/** The header's data size is 0, or short of the records: FitCSVTool and Garmin's SDK read no further. */
export function isDataSizeStop(d: Diagnostic): boolean {
  return d.code === 'data_size_zero' || d.code === 'data_size_short';
}

/** Diagnostics after which FitCSVTool throws: it stops there and reports a decode error. */
export function stopsFitCsvTool(d: Diagnostic): boolean {
  return d.level === 'error' || d.code === 'trailing_bytes' || d.code === 'architecture' || isDataSizeStop(d);
}

/**
 * `onRecord` gets the records of plain definitions (most of a big file) as points read straight
 * from their bytes; `onMessage` every other message, decoded.
 */
export function decodeForCheck(chunks: Iterable<Uint8Array>, profile: Profile, onMessage: (m: FitMessage) => void, onRecord: (pt: RecordPoint) => void): CheckedDecode {
  const out: CheckedDecode = { messages: 0, headers: [], diagnostics: [], stoppedAt: undefined, dropped: 0 };
  let cut = Infinity;
  const interp = new Interpreter(profile);
  const points = new RecordPointReader();
  const raw = new RawDecoder(
    (f) => {
      if (f.kind === 'data') {
        if (f.offset >= cut) out.dropped++;
        else {
          out.messages++;
          onMessage(interp.message(f));
        }
      } else if (f.kind === 'definition') interp.frame(f);
      else if (f.kind === 'header') out.headers.push(f);
    },
    {
      onRecord: (def, _b, dv, p, timestamp, offset) => {
        const pt = points.read(def, dv, p, timestamp, offset);
        if (!pt) return false;
        if (offset >= cut) out.dropped++;
        else {
          out.messages++;
          onRecord(pt);
        }
        return true;
      },
      onDiagnostic: (d) => {
        if (out.stoppedAt || !stopsFitCsvTool(d)) return;
        out.stoppedAt = d;
        // The offending definition starts 2 bytes before its architecture byte.
        cut = d.code === 'architecture' ? d.offset - 2 : d.offset;
      },
    },
  );
  for (const chunk of chunks) {
    raw.push(chunk);
    if (raw.stopped) break;
  }
  raw.end();
  out.diagnostics = raw.diagnostics;
  return out;
}
