/**
 * Decoding entry points: a whole buffer, or a stream of chunks in bounded memory. Lenient by
 * default (problems come back as diagnostics, everything read before a fatal one is kept);
 * `strict` turns any diagnostic into a thrown FitkitError.
 */
import { diagnosticToError, type Diagnostic } from '../../errors.js';
import { standardProfile, type Profile } from '../profile/profile.js';
import type { Frame, HeaderFrame } from './frames.js';
import { Interpreter, type InterpretOptions } from './interpret.js';
import type { FitMessage } from './message.js';
import { RawDecoder } from './raw.js';

export interface DecodeOptions extends InterpretOptions {
  profile?: Profile;
  /** Throw on the first diagnostic instead of collecting it. */
  strict?: boolean;
  /** Every frame, in order, before it is interpreted. */
  onFrame?: (f: Frame) => void;
}

export interface DecodeResult {
  messages: FitMessage[];
  headers: HeaderFrame[];
  diagnostics: Diagnostic[];
  /** False when a fatal problem stopped decoding before the end. */
  complete: boolean;
}

export interface ScanResult {
  files: number;
  definitions: number;
  messages: number;
  diagnostics: Diagnostic[];
  complete: boolean;
}

function strictHook(strict: boolean | undefined): ((d: Diagnostic) => void) | undefined {
  if (!strict) return undefined;
  return (d) => {
    throw diagnosticToError(d);
  };
}

/** Structure only: counts records and checks CRCs without reading field values. */
export function scanFit(bytes: Uint8Array, opts: { strict?: boolean } = {}): ScanResult {
  const raw = new RawDecoder(() => {}, { values: false, onDiagnostic: strictHook(opts.strict) });
  raw.push(bytes);
  raw.end();
  return { ...raw.counts, diagnostics: raw.diagnostics, complete: !raw.stopped };
}

/** Builds the frame → message pipeline shared by the buffer and stream decoders. */
function pipeline(opts: DecodeOptions, onMessage: (m: FitMessage) => void, onHeader?: (h: HeaderFrame) => void) {
  const interp = new Interpreter(opts.profile ?? standardProfile(), opts);
  const onFrame = opts.onFrame;
  return new RawDecoder(
    (f) => {
      onFrame?.(f);
      if (f.kind === 'data') onMessage(interp.message(f));
      else if (f.kind === 'definition') interp.frame(f);
      else if (f.kind === 'header') onHeader?.(f);
    },
    { onDiagnostic: strictHook(opts.strict) },
  );
}

/** Decodes a whole file held in memory. */
export function decodeFit(bytes: Uint8Array, opts: DecodeOptions = {}): DecodeResult {
  const messages: FitMessage[] = [];
  const headers: HeaderFrame[] = [];
  const raw = pipeline(
    opts,
    (m) => messages.push(m),
    (h) => headers.push(h),
  );
  raw.push(bytes);
  raw.end();
  return { messages, headers, diagnostics: raw.diagnostics, complete: !raw.stopped };
}

/**
 * Decodes chunks as they arrive and hands each message to `onMessage`; nothing is kept, so
 * memory is bounded by the largest record, not the file.
 */
export async function decodeFitStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, onMessage: (m: FitMessage) => void, opts: DecodeOptions = {}): Promise<ScanResult> {
  const raw = pipeline(opts, onMessage);
  for await (const chunk of source) {
    raw.push(chunk);
    if (raw.stopped) break;
  }
  raw.end();
  return { ...raw.counts, diagnostics: raw.diagnostics, complete: !raw.stopped };
}
