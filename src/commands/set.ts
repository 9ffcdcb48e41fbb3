import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { inFile, readEditInput } from '../cli/edit-io.js';
import { plural } from '../cli/plural.js';
import { readRecords, writeRecords } from '../core/edit/raw-records.js';
import { parseDevice, parseSport, setIdentity, type Identity, type SetResult } from '../core/edit/set-identity.js';
import { isStdout, writeOutput } from '../core/platform/output-file.js';

export default class Set extends BaseCommand {
  static override description = `Change the device a FIT file says recorded it, or its sport.

--device MANUFACTURER:PRODUCT (FIT profile names or numbers: garmin:fenix7, garmin:edge_530,
1:3906) and --serial N go to file_id and to the creator's device_info (device_index 0), so both
say the same (Garmin Connect computes training effect only for devices it knows). --sport
SPORT[/SUB_SPORT] (profile names or numbers; sub_sport generic when left out) goes to every
session, lap and sport message. Everything else is kept as it was. The input is never touched; an
existing output is only replaced with --force.`;

  static override examples = [
    '<%= config.bin %> set zwift.fit -o edge.fit --device garmin:edge_530 --serial 3312345678',
    '<%= config.bin %> set ride.fit -o indoor.fit --sport cycling/indoor_cycling',
  ];

  static override args = { file: Args.string({ description: 'FIT file', required: true }) };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'FIT file to write (-: standard output)', required: true }),
    force: Flags.boolean({ description: 'replace the output if it is an existing file' }),
    device: Flags.string({ description: 'MANUFACTURER:PRODUCT, names or numbers' }),
    serial: Flags.string({ description: 'serial number, 1..4294967294' }),
    sport: Flags.string({ description: 'SPORT or SPORT/SUB_SPORT, names or numbers' }),
  };

  async run(): Promise<SetResult & { input: string; output: string; bytes: number }> {
    const { args, flags } = await this.parse(Set);
    const profile = this.loadProfile(flags['profile-extra']);
    const id: Identity = {};
    if (flags.device !== undefined) Object.assign(id, parseDevice(profile, flags.device));
    if (flags.serial !== undefined) {
      const n = /^\d+$/.test(flags.serial) ? Number(flags.serial) : NaN;
      if (!(n >= 1 && n <= 0xfffffffe)) this.error('--serial: a number 1..4294967294', { exit: 2 });
      id.serial = n;
    }
    if (flags.sport !== undefined) Object.assign(id, parseSport(profile, flags.sport));
    if (Object.keys(id).length === 0) this.error('nothing to set: give --device, --serial or --sport', { exit: 2 });
    const bytes = readEditInput({ input: args.file, output: flags.output, force: flags.force, json: this.jsonEnabled() });
    const { out, r } = inFile(args.file, () => {
      const { records, profileVersion } = readRecords(bytes);
      const r = setIdentity(records, id);
      return { r, out: writeRecords(records, profile, profileVersion) };
    });
    await writeOutput(flags.output, out);
    if (!this.jsonEnabled()) {
      const say = (l: string) => (isStdout(flags.output) ? this.logToStderr(l) : this.log(l));
      const parts = [];
      if (id.manufacturer !== undefined || id.serial !== undefined) parts.push(plural(r.fileIds, 'file_id'), plural(r.creatorDeviceInfos, 'creator device_info'));
      if (id.sport !== undefined) parts.push(plural(r.sessions, 'session'), plural(r.laps, 'lap'), plural(r.sports, 'sport message'));
      say(`${flags.output}: changed ${parts.join(', ')}`);
    }
    return { ...r, input: args.file, output: flags.output, bytes: out.length };
  }
}
