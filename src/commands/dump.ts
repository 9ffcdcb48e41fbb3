import { createReadStream } from 'node:fs';
import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { diagnosticToError, type Diagnostic } from '../core/errors.js';
import type { Profile } from '../core/fit/profile/profile.js';
import { JsonLinesEncoder } from '../core/formats/json-lines.js';
import { dumpFitCsv, hiddenSummary, type DumpOptions } from '../core/formats/fitcsv-dump.js';
import { inputStat } from '../core/platform/input-file.js';
import { isStdout, outputTarget, refuseInputAsOutput, writeOutput } from '../core/platform/output-file.js';
import { rereadableInput, type RereadableInput } from '../core/platform/reread-input.js';
import { isArchiveFile, singleFitFromArchive } from '../core/platform/archive.js';
import { openTextOutput, type TextOutput } from '../core/platform/text-output.js';

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
    group: Flags.boolean({ char: 'g', description: "in OUT_data.csv, blank a message's columns before each of its rows (FitCSVTool -g)" }),
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
    const name = file === '-' ? '<stdin>' : file;
    if (file !== '-') inputStat(file);
    // A folder, or an output folder that does not exist, is found before any reading.
    const output = flags.output && !isStdout(flags.output) ? flags.output : undefined;
    if (output) refuseInputAsOutput(file, output);

    // A .fit.gz, or a zip holding one FIT file: that file.
    const packed = file !== '-' && isArchiveFile(file) ? (await singleFitFromArchive(file)).bytes : undefined;
    if (flags.json) {
      const source = packed
        ? (async function* () {
            yield packed;
          })()
        : file === '-'
          ? process.stdin
          : // Small reads: the lines of one are written before the next is decoded, in the same few buffers.
            createReadStream(file, { highWaterMark: 1 << 16 });
      return this.#report(name, await this.#json(source, profile, flags.expand, output ?? '-'), flags.strict);
    }
    const list = (s?: string) =>
      s === undefined
        ? undefined
        : s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean);
    const opts: DumpOptions = {
      profile,
      invalid: flags['invalid-empty'] ? 'empty' : flags['keep-invalid'] ? 'raw' : 'drop',
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
    // FitCSVTool's name for the extra file, beside the output; a device or FIFO has no "beside".
    const dataPath = opts.data && output && outputTarget(output).kind === 'replace' ? dataName(output) : undefined;
    if (opts.data && !dataPath) this.warn(output ? `--data writes OUT_data.csv only when -o names a file; ${output} is not one` : '--data writes OUT_data.csv only with -o OUT.csv');

    const input: RereadableInput = packed ? { open: () => [packed], close() {} } : await rereadableInput(file);
    const opened: TextOutput[] = [];
    const open = async (path: string) => {
      const out = await openTextOutput(path);
      opened.push(out);
      return out;
    };
    let r;
    try {
      r = await dumpFitCsv(() => input.open(), opts, { main: () => open(output ?? '-'), data: dataPath ? () => open(dataPath) : undefined });
      for (const out of opened) await out.commit();
      // FitCSVTool leaves _data.csv empty when no data row matched or decoding failed.
      if (dataPath && r.rows > 0 && r.dataEmpty) await writeOutput(dataPath, new Uint8Array(0));
    } catch (e) {
      for (const out of opened) out.abort();
      throw e;
    } finally {
      input.close();
    }
    if (r.rows === 0) {
      // As FitCSVTool: no row, no file (not even a header).
      if (!r.diagnostics.some((d) => d.level === 'error')) this.logToStderr(`fitkit: warning: ${name}: no message or definition to write; no CSV written`);
    } else if (opts.hideUnknown) this.logToStderr(hiddenSummary(r));
    this.#report(name, r.diagnostics, flags.strict);
  }

  async #json(source: AsyncIterable<Uint8Array>, profile: Profile, expand: boolean, output: string): Promise<Diagnostic[]> {
    const out = await openTextOutput(output);
    let pending: Promise<void> | undefined;
    try {
      const enc: JsonLinesEncoder = new JsonLinesEncoder(
        (bytes) => {
          const written = out.write(bytes);
          // Written (or copied): its memory takes the next lines.
          if (written) pending = written.then(() => enc.recycle(bytes));
          else enc.recycle(bytes);
        },
        { profile, expandComponents: expand },
      );
      for await (const chunk of paced(source, () => pending)) {
        enc.push(chunk);
        if (enc.stopped) break;
      }
      enc.end();
      await pending;
      await out.commit();
      return enc.diagnostics;
    } catch (e) {
      out.abort();
      throw e;
    }
  }

  /** Errors exit 1 after the partial output is written; warnings go to stderr. */
  #report(name: string, diagnostics: Diagnostic[], strict: boolean): void {
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

/** The chunks of `source`, each once what `wait` returns has settled (backpressure for the writes). */
async function* paced(source: AsyncIterable<Uint8Array>, wait: () => Promise<void> | undefined): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    await wait();
    yield chunk;
  }
}
