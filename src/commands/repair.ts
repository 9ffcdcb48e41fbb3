import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { salvageFit, type SalvageResult } from '../core/activity/salvage.js';
import { FitkitError } from '../core/errors.js';
import { writeFileAtomic } from '../core/platform/atomic-file.js';

export default class Repair extends BaseCommand {
  static override description = `Salvage a damaged FIT file into a new one that every tool reads.

Keeps every complete record byte for byte, drops a record cut off at the end and garbage after or
between chained files, and writes fresh headers (data size, header CRC) and file CRCs. The input is
never touched; an existing output is only replaced with --force.`;

  static override examples = [
    '<%= config.bin %> repair fixtures/fit/activity-unexpected-eof.fit -o fixed.fit',
    '<%= config.bin %> repair crashed.fit -o crashed-fixed.fit --json',
  ];

  static override enableJsonFlag = true;

  static override args = {
    file: Args.string({ description: 'damaged FIT file', required: true }),
  };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'FIT file to write', required: true }),
    force: Flags.boolean({ description: 'replace the output if it exists' }),
  };

  async run(): Promise<Omit<SalvageResult, 'bytes'> & { input: string; output: string; bytes: number }> {
    const { args, flags } = await this.parse(Repair);
    if (!existsSync(args.file)) throw new FitkitError('not_found', 'no such file', { file: args.file });
    if (resolve(args.file) === resolve(flags.output)) {
      this.error('the output must be another file: repair never touches its input', { exit: 2 });
    }
    if (existsSync(flags.output) && !flags.force) {
      this.error(`${flags.output} exists; add --force to replace it`, { exit: 2 });
    }
    const r = salvageFit(readFileSync(args.file));
    if (r.files.length === 0) {
      const why = r.diagnostics.find((d) => d.level === 'error');
      throw new FitkitError(why?.code ?? 'nothing_to_salvage', `nothing to salvage: ${why?.message ?? 'no complete data message'}`, {
        file: args.file,
        offset: why?.offset,
      });
    }
    writeFileAtomic(flags.output, (out) => out.write(r.bytes));
    if (!this.jsonEnabled()) {
      const messages = r.files.reduce((n, f) => n + f.dataMessages, 0);
      this.log(`${flags.output}: ${messages} message(s) in ${r.files.length} FIT file(s), ${r.bytes.length} bytes`);
      for (const c of r.changes.length ? r.changes : ['no damage found: headers and CRCs rewritten as they were']) this.log(`  ${c}`);
    }
    const { bytes, ...rest } = r;
    return { ...rest, input: args.file, output: flags.output, bytes: bytes.length };
  }
}
