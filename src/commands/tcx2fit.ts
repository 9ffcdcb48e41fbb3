import { readUserFile } from '../cli/user-profile-file.js';
import { userProfilePath } from '../core/platform/xdg.js';
import { readFileSync } from 'node:fs';
import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { plural } from '../cli/plural.js';
import { parseHrZones } from '../core/activity/tcx/hr-zones.js';
import { tcxToFit, type TcxToFitSummary, type UserProfile } from '../core/activity/tcx/tcx-to-fit.js';
import { FitkitError } from '../core/errors.js';
import { enumValue } from '../core/fit/encode/convert.js';
import { parseTcx } from '../core/formats/tcx.js';
import { DEFAULT_PAUSE_GAP } from '../core/activity/tcx/tcx-track.js';
import { inputStat } from '../core/platform/input-file.js';
import { isStdout, outputTarget, refuseInputAsOutput, writeOutput } from '../core/platform/output-file.js';
import { withPath } from '../core/platform/system-error.js';

export default class Tcx2fit extends BaseCommand {
  static override description = `Convert a TCX workout (Coxswain, CrewNerd, PainSled, Garmin…) to a FIT activity.

One record per trackpoint (heart rate 0 means no strap; position 0,0 means no position), laps of
--split metres (default 500, a rower's split) cut at the exact distance (the time is interpolated
between trackpoints, so laps abut and add up to the session) or with --split 0 the TCX's own
laps, a session per TCX
activity, and the activity with local time. A gap of more than --pause-gap seconds between
trackpoints, or that long without movement, is a pause: timer time leaves it out. Trackpoints out
of time order are put in order, repeated times and values FIT cannot hold are left out, each
counted in a warning. Total strokes come from
the TCX lap Steps (or the stroke rate), calories from the TCX, else from power (work / 25 %
efficiency), else from heart rate with --weight, --age and --gender (Keytel et al. 2005).

--sport is "sport" or "sport/sub_sport" in FIT profile names. The default, rowing/indoor_rowing,
is what Garmin Connect shows as Indoor Rowing and the only way it keeps the stroke count: TCX
uploads lose it, and other sports drop total_strokes.`;

  static override examples = [
    '<%= config.bin %> tcx2fit workout.tcx                         # workout.fit',
    '<%= config.bin %> tcx2fit workout.tcx -o row.fit --tz Europe/Berlin --max-hr 190 --split 250',
    "<%= config.bin %> tcx2fit run.tcx --sport running --split 0    # the watch's laps",
    '<%= config.bin %> tcx2fit workout.tcx -o row.fit --json | jq .laps',
  ];

  static override args = { input: Args.string({ description: 'TCX file', required: true }) };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'FIT file to write (default: IN with .fit; - for standard output)' }),
    sport: Flags.string({ description: 'FIT sport[/sub_sport] (default rowing/indoor_rowing: see DESCRIPTION)' }),
    split: Flags.integer({ description: 'laps of this many metres; 0: the TCX laps', default: 500, min: 0 }),
    'pause-gap': Flags.integer({ description: "seconds without trackpoints or movement that make a pause (0: only the TCX's own track breaks)", default: DEFAULT_PAUSE_GAP, min: 0 }),
    manufacturer: Flags.string({ description: 'file_id manufacturer: FIT name or number', default: 'development' }),
    product: Flags.integer({ description: 'file_id product number', default: 0, min: 0, max: 65534 }),
    tz: Flags.string({ description: "IANA time zone for the local time (default: the system's)" }),
    weight: Flags.string({ description: 'body weight, kg' }),
    height: Flags.string({ description: 'height, m' }),
    age: Flags.integer({ description: 'age, years', min: 1, max: 120 }),
    gender: Flags.string({ description: 'male or female', options: ['male', 'female'] }),
    'resting-hr': Flags.integer({ description: 'resting heart rate, bpm', min: 20, max: 250 }),
    'max-hr': Flags.integer({ description: 'maximum heart rate, bpm (zones at 60/70/80/90/100 %)', min: 60, max: 254 }),
    'hr-zones': Flags.string({ description: 'upper limits of HR zones 1–5 in bpm: a,b,c,d,e' }),
  };

  async run(): Promise<TcxToFitSummary & { output: string }> {
    const { args, flags } = await this.parse(Tcx2fit);
    const json = this.jsonEnabled();
    if (json && flags.output === '-') this.error('--json with -o -: standard output holds the JSON; name a FIT file', { exit: 2 });
    const profile = this.loadProfile(flags['profile-extra'] ?? []);
    const [sport, subSport] = (flags.sport ?? '').split('/');
    for (const [type, v] of [
      ['sport', sport],
      ['sub_sport', subSport],
    ] as const) {
      if (v && enumValue(profile, type, v) === undefined) this.error(`--sport: unknown ${type} "${v}"`, { exit: 2 });
    }
    const manufacturer = /^\d+$/.test(flags.manufacturer) ? Number(flags.manufacturer) : flags.manufacturer;
    if (typeof manufacturer === 'string' && enumValue(profile, 'manufacturer', manufacturer) === undefined) {
      this.error(`--manufacturer: unknown "${manufacturer}"`, { exit: 2 });
    }
    const hrFlag = flags['hr-zones'] === undefined ? undefined : parseHrZones(flags['hr-zones']);
    if (flags['hr-zones'] !== undefined && !hrFlag) this.error('--hr-zones: five increasing bpm values, e.g. 120,140,155,170,185', { exit: 2 });
    // Flags win over the profile file in the config dir.
    const saved = readUserFile(userProfilePath());
    const hrZones = hrFlag ?? saved.hrZones;
    const user: UserProfile = {
      weightKg: positive(flags.weight, '--weight', this) ?? saved.weightKg,
      heightM: positive(flags.height, '--height', this) ?? saved.heightM,
      age: flags.age ?? saved.age,
      gender: (flags.gender as UserProfile['gender']) ?? saved.gender,
      restingHr: flags['resting-hr'] ?? saved.restingHr,
      maxHr: flags['max-hr'] ?? saved.maxHr,
    };

    const output = flags.output ?? args.input.replace(/\.tcx$/i, '') + '.fit';
    inputStat(args.input);
    outputTarget(output);
    refuseInputAsOutput(args.input, output);
    let result;
    try {
      const workout = parseTcx(withPath(args.input, 'input', () => readFileSync(args.input).toString('utf8')));
      result = tcxToFit(profile, workout, {
        sport: sport || undefined,
        subSport: subSport || undefined,
        split: flags.split || undefined,
        pauseGap: flags['pause-gap'],
        manufacturer,
        product: flags.product,
        timeZone: flags.tz,
        user,
        hrZones,
      });
    } catch (e) {
      if (e instanceof FitkitError) e.file = args.input;
      throw e;
    }
    await writeOutput(output, result.fit);
    const s = result.summary;
    for (const w of s.warnings) this.logToStderr(`fitkit: warning: ${args.input}: ${w}`);
    if (!isStdout(output) && !json) {
      const pauses = s.pauses ? ` (${s.timer.toFixed(0)} s timer, ${plural(s.pauses, 'pause')})` : '';
      const sessions = s.sessions > 1 ? `${plural(s.sessions, 'session')}, ` : '';
      this.logToStderr(
        `${output}: ${plural(s.records, 'record')}, ${sessions}${plural(s.laps, 'lap')}, ${s.distance.toFixed(0)} m in ${s.elapsed.toFixed(0)} s${pauses}` +
          `${s.strokes === undefined ? '' : `, ${plural(s.strokes, 'stroke')}`}${s.calories === undefined ? '' : `, ${s.calories} kcal (${s.caloriesFrom})`}`,
      );
    }
    return { ...s, output };
  }
}

function positive(v: string | undefined, flag: string, cmd: BaseCommand): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0)) cmd.error(`${flag}: a positive number`, { exit: 2 });
  return n;
}
