/**
 * Sanity checks a course file needs beyond having records (what devices reject or show wrongly,
 * as users report it): course points without a distance (shown at the finish), out of order
 * along the course or past its end, without a position, or of a type the profile does not know
 * (a wrong or blank icon); records less than a second after the one before (FIT times are whole
 * seconds: course points are linked to records by time). Streaming: counts and the first
 * offender of each kind only.
 */
import type { Diagnostic, DiagnosticCode } from '../../errors.js';
import type { FitMessage } from '../../fit/decode/message.js';
import type { Profile } from '../../fit/profile/profile.js';
import { num } from '../../fit/decode/values.js';
import type { RecordPoint } from './record-point.js';

/** A course point may lie this far past the lap's total distance (rounding of both). */
const END_SLACK_M = 1;

interface Finding {
  first: Diagnostic;
  count: number;
}

export class CourseChecks {
  #lastT: number | null = null;
  #points = 0;
  #lastDistance = -Infinity;
  #maxDistance: { d: number; offset: number; index: number } | undefined;
  #lapDistance = 0;
  #laps = 0;
  #types: { type: number | null; index: number; offset: number }[] = [];
  readonly #found = new Map<DiagnosticCode, Finding>();

  #add(code: DiagnosticCode, offset: number, message: string): void {
    const f = this.#found.get(code);
    if (f) f.count++;
    else this.#found.set(code, { first: { level: 'warning', code, message, offset }, count: 1 });
  }

  record(pt: RecordPoint): void {
    if (pt.t === null) return;
    if (this.#lastT !== null && pt.t <= this.#lastT) {
      this.#add('course_record_time', pt.offset, `course record at ${pt.t} is not a second after the one before (${this.#lastT}): devices link course points to records by time`);
    }
    this.#lastT = this.#lastT === null ? pt.t : Math.max(this.#lastT, pt.t);
  }

  lap(m: FitMessage): void {
    this.#laps++;
    this.#lapDistance += num(m, 'total_distance') ?? 0;
  }

  coursePoint(m: FitMessage): void {
    const i = this.#points++;
    const d = num(m, 'distance');
    if (d === null) this.#add('course_point_distance', m.offset, `course_point #${i} has no distance: devices show it at the finish`);
    else {
      if (d < this.#lastDistance)
        this.#add('course_point_order', m.offset, `course_point #${i} at ${d} m comes before the one listed ahead of it (${this.#lastDistance} m): devices expect them in order along the course`);
      this.#lastDistance = Math.max(this.#lastDistance, d);
      if (!this.#maxDistance || d > this.#maxDistance.d) this.#maxDistance = { d, offset: m.offset, index: i };
    }
    if (num(m, 'position_lat') === null || num(m, 'position_long') === null) this.#add('course_point_position', m.offset, `course_point #${i} has no position`);
    if (this.#types.length < 10_000) this.#types.push({ type: num(m, 'type'), index: i, offset: m.offset });
  }

  finish(profile: Profile): Diagnostic[] {
    const known = profile.types.get('course_point')?.values;
    for (const t of this.#types) {
      if (t.type === null) this.#add('course_point_type', t.offset, `course_point #${t.index} has no type: devices show no icon`);
      else if (known && !known.has(t.type))
        this.#add('course_point_type', t.offset, `course_point #${t.index} has type ${t.type}, not a course_point type the profile knows: devices show a wrong icon`);
    }
    const far = this.#maxDistance;
    if (far && this.#laps > 0 && this.#lapDistance > 0 && far.d > this.#lapDistance + END_SLACK_M) {
      this.#add('course_point_distance', far.offset, `course_point #${far.index} at ${far.d} m lies past the course's end (${this.#lapDistance} m)`);
    }
    return [...this.#found.values()].map((f) => (f.count > 1 ? { ...f.first, message: `${f.first.message} (and ${f.count - 1} more)` } : f.first));
  }
}
