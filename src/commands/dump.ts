import { createReadStream, createWriteStream, mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { diagnosticToError, type Diagnostic } from '../core/errors.js';
import { decodeFitStream } from '../core/fit/decode/decoder.js';
import { jsonReplacer, messageToObject } from '../core/fit/decode/values.js';
import { dumpFitCsv, hiddenSummary } from '../core/formats/fitcsv-dump.js';
import { inputStat } from '../core/platform/input-file.js';
import { isStdout, openOutput, outputTarget, refuseInputAsOutput } from '../core/platform/output-file.js';
import { fromSystemError } from '../core/platform/system-error.js';
import { trackTemp, untrackTemp } from '../core/platform/temp-registry.js';

/** FitCSVTool spells some options with one dash and several letters; oclif wants long flags. */
const FITCSVTOOL_OPTIONS: Record<string, string> = {
  '-se': '--invalid-empty',
  '-deg': '--deg',
  '-iso8601': '--iso8601',
  '-re': '--no-expand',
  '-ex': '--exclude',
};

export default class Dump extends BaseCommand {
  static override description = `Print a FIT file as CSV, exactly as Garmin's FitCSVTool does (or as NDJSON with --json).

The CSV matches FitCSVTool byte for byte: UTF-8 BOM, header row, definition and data rows, quoting,
Java number formatting, component expansion. FitCSVTool's options work as it spells them
(-s, -se, -u, -x, -deg, -iso8601, -e, -re, --defn, --data, -ex).`;

  static override examples = [
    '<%= config.bin %> dump ride.fit',
    '<%= config.bin %> dump ride.fit -o ride.csv',
    '<%= config.bin %> dump ride.fit -o ride.csv --data record,lap',
    '<%= config.bin %> dump ride.fit -deg -iso8601 --defn none',
    '<%= config.bin %> dump --json ride.fit | jq -c "select(.name==\\"session\\")"',
  ];

  static override args = {
    file: Args.string({ description: 'FIT file to read, or - for standard input', required: true }),
  };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'file to write, as named (- or none: standard output)' }),
    json: Flags.boolean({ description: 'NDJSON instead of CSV: one interpreted message per line; an error ends it with {"error": {...}}' }),
    'keep-invalid': Flags.boolean({ char: 's', description: 'keep invalid values, printed raw (FitCSVTool -s)' }),
    'invalid-empty': Flags.boolean({ description: 'keep invalid values, printed as "" (FitCSVTool -se)' }),
    'hide-unknown': Flags.boolean({ char: 'u', description: 'hide unknown messages and fields (FitCSVTool -u)' }),
    hex: Flags.boolean({ char: 'x', description: 'byte values as hex (FitCSVTool -x)' }),
    deg: Flags.boolean({ description: 'positions in degrees (FitCSVTool -deg)' }),
    iso8601: Flags.boolean({ description: 'date_time values as ISO 8601 (FitCSVTool -iso8601)' }),
    enums: Flags.boolean({ char: 'e', description: 'enum values as names (FitCSVTool -e)' }),
    expand: Flags.boolean({ default: true, allowNo: true, description: 'expand components (--no-expand: FitCSVTool -re)' }),
    defn: Flags.string({ description: 'only definition rows of these messages (comma list, or none)' }),
    data: Flags.string({ description: 'only data rows of these messages; also writes OUT_data.csv beside -o OUT[.csv] (comma list, or none)' }),
    exclude: Flags.boolean({ description: '--defn and --data list what to leave out (FitCSVTool -ex)' }),
    group: Flags.boolean({ char: 'g', description: 'in OUT_data.csv, blank a message\'s columns before each of its rows (FitCSVTool -g)' }),
    strict: Flags.boolean({ description: 'treat every decoding problem as an error' }),
  };

  protected override async init(): Promise<void> {
    this.argv = this.argv.map((a) => FITCSVTOOL_OPTIONS[a] ?? a);
    await super.init();
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Dump);
    const profile = this.loadProfile(flags['profile-extra']);
    const file = args.file;
    if (file !== '-') inputStat(file);
    const input = () => (file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 }));
    // A folder, or an output folder that does not exist, is found before any reading.
    const toStdout = !flags.output || isStdout(flags.output);
    if (!toStdout) refuseInputAsOutput(file, flags.output!);

    let diagnostics: Diagnostic[];
    if (flags.json) {
      diagnostics = await this.#json(input(), profile, flags, toStdout ? undefined : flags.output);
    } else {
      const list = (s?: string) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));
      const opts = {
        profile,
        invalid: flags['invalid-empty'] ? ('empty' as const) : flags['keep-invalid'] ? ('raw' as const) : ('drop' as const),
        hideUnknown: flags['hide-unknown'],
        hex: flags.hex,
        degrees: flags.deg,
        iso8601: flags.iso8601,
        enumNames: flags.enums,
        expandComponents: flags.expand,
        defn: list(flags.defn),
        data: list(flags.data),
        exclude: flags.exclude,
        groupData: flags.group,
      };
      diagnostics = await this.#csv(input(), opts, file === '-' ? '<stdin>' : file, toStdout ? undefined : flags.output);
    }
    this.#report(file, diagnostics, flags.strict);
  }

  async #json(
    source: AsyncIterable<Uint8Array>,
    profile: ReturnType<BaseCommand['loadProfile']>,
    flags: { expand: boolean },
    output?: string,
  ): Promise<Diagnostic[]> {
    const out = output ? await openOutput(output) : undefined;
    let buf = '';
    const flush = () => {
      if (out) out.write(buf);
      else process.stdout.write(buf);
      buf = '';
    };
    try {
      const r = await decodeFitStream(
        source,
        (m) => {
          buf += JSON.stringify(messageToObject(m, { dates: 'iso', enums: true, profile }), jsonReplacer) + '\n';
          if (buf.length > 1 << 16) flush();
        },
        { profile, expandComponents: flags.expand },
      );
      flush();
      out?.commit();
      return r.diagnostics;
    } catch (e) {
      out?.abort();
      throw output ? fromSystemError(e, output, 'output') : e;
    }
  }

  /**
   * Rows go to a scratch file as they are made; the header (known only at the end) is written
   * first into the real output, then the rows are copied after it.
   */
  async #csv(source: AsyncIterable<Uint8Array>, opts: Parameters<typeof dumpFitCsv>[1], name: string, output?: string): Promise<Diagnostic[]> {
    const scratch = mkdtempSync(join(tmpdir(), 'fitkit-dump-'));
    trackTemp(scratch);
    try {
      const body = createWriteStream(join(scratch, 'body'));
      const dataBody = opts.data ? createWriteStream(join(scratch, 'data')) : undefined;
      const r = await dumpFitCsv(source, opts, {
        row: (l) => body.write(l + '\n'),
        dataRow: dataBody ? (l) => dataBody.write(l + '\n') : undefined,
      });
      await Promise.all([end(body), dataBody && end(dataBody)]);
      if (r.rows === 0) {
        // As FitCSVTool: no row, no file (not even a header).
        if (!r.diagnostics.some((d) => d.level === 'error')) this.logToStderr(`fitkit: warning: ${name}: no message or definition to write; no CSV written`);
        return r.diagnostics;
      }

      if (output) {
        await writeAssembled(output, '\uFEFF' + r.header + '\n', join(scratch, 'body'));
        if (opts.data) {
          // FitCSVTool's name for the extra file, beside the output; a device or FIFO has no "beside".
          // FitCSVTool leaves _data.csv empty when no data row matched or decoding failed.
          if (outputTarget(output).kind === 'replace') await writeAssembled(dataName(output), r.dataEmpty ? '' : r.dataHeader + '\n', r.dataEmpty ? undefined : join(scratch, 'data'));
          else this.warn(`--data writes OUT_data.csv only when -o names a file; ${output} is not one`);
        }
      } else {
        process.stdout.write('\uFEFF' + r.header + '\n');
        await copyTo(join(scratch, 'body'), process.stdout);
        if (opts.data) this.warn('--data writes OUT_data.csv only with -o OUT.csv');
      }
      if (opts.hideUnknown) this.logToStderr(hiddenSummary(r));
      return r.diagnostics;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      untrackTemp(scratch);
    }
  }

  /** Errors exit 1 after the partial output is written; warnings go to stderr. */
  #report(file: string, diagnostics: Diagnostic[], strict: boolean): void {
    const name = file === '-' ? '<stdin>' : file;
    const fatal = diagnostics.find((d) => d.level === 'error' || strict);
    for (const d of diagnostics) {
      if (d !== fatal) this.logToStderr(`fitkit: warning: ${name}: ${d.message} (at byte ${d.offset})`);
    }
    if (fatal) throw diagnosticToError(fatal, name);
  }
}

/** FitCSVTool's name for --data's file: OUT.csv → OUT_data.csv (another name: NAME_data.csv). */
export function dataName(output: string): string {
  return output.replace(/\.csv$/i, '') + '_data.csv';
}

function end(s: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    s.on('error', reject);
    s.end(() => resolve());
  });
}

/** The output: `head`, then the rows from the scratch file, written in the background while the next are read. */
async function writeAssembled(path: string, head: string, bodyPath?: string): Promise<void> {
  const out = await openOutput(path);
  const fd = bodyPath === undefined ? undefined : openSync(bodyPath, 'r');
  try {
    out.enqueue(Buffer.from(head, 'utf8'));
    const buf = Buffer.allocUnsafe(1 << 18);
    for (let n; fd !== undefined && (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      out.enqueue(buf.subarray(0, n));
      await out.drained();
    }
    await out.commitQueued();
  } catch (e) {
    out.abort();
    throw fromSystemError(e, path, 'output');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function copyTo(path: string, dest: NodeJS.WritableStream): Promise<void> {
  for await (const chunk of createReadStream(path)) {
    if (!dest.write(chunk)) await new Promise((r) => dest.once('drain', r));
  }
}
