/**
 * A GPX waypoint's course_point type, from its <type>, <sym> or name: a course_point name of the
 * FIT profile as it is (`summit`, `slight_left`, `first_aid`, in any case, with spaces or
 * hyphens), else the words route planners and Garmin's GPX symbols use ("Turn left",
 * "Drinking Water", "Restaurant", "Summit"). Names, never numbers: the profile gives the value,
 * so an icon cannot shift (devices show the wrong icon when a writer's table is off by one).
 */
import { snakeName } from '../fit/profile/names.js';
import type { Profile } from '../fit/profile/profile.js';

/** Words (whole, in this order: the longer phrases first) → course_point name. */
const WORDS: [RegExp, string][] = [
  [/\bu[ -]?turn\b/, 'u_turn'],
  [/\b(slight|bear|keep)[ -]left\b/, 'slight_left'],
  [/\b(slight|bear|keep)[ -]right\b/, 'slight_right'],
  [/\bsharp[ -]left\b/, 'sharp_left'],
  [/\bsharp[ -]right\b/, 'sharp_right'],
  [/\bleft[ -]fork\b/, 'left_fork'],
  [/\bright[ -]fork\b/, 'right_fork'],
  // English, German, French, Spanish, Italian (the words gpsbabel's FIT writer knows too).
  [/\b(left|links|gauche|izquierda|sinistra|sinistro)\b/, 'left'],
  [/\b(right|rechts|droite?|derecha|destra|destro)\b/, 'right'],
  [/\b(straight|continue)\b/, 'straight'],
  [/\b(summit|peak|top|col|pass)\b/, 'summit'],
  [/\bvalley\b/, 'valley'],
  [/\b(first[ -]aid|medical|hospital)\b/, 'first_aid'],
  [/\b(water|fountain|spring)\b/, 'water'],
  [/\b(food|restaurant|cafe|café|bakery|snack)\b/, 'food'],
  [/\b(danger|caution|hazard|warning)\b/, 'danger'],
  [/\b(campground|campsite|camping)\b/, 'campsite'],
  [/\b(aid station|feed zone)\b/, 'aid_station'],
  [/\b(toilets?|restrooms?|wc)\b/, 'toilet'],
  [/\bshelter\b/, 'shelter'],
  [/\b(store|shop|supermarket|convenience)\b/, 'store'],
  [/\b(overlook|viewpoint|scenic)\b/, 'overlook'],
  [/\bcheckpoint\b/, 'checkpoint'],
  [/\bsprint\b/, 'sprint'],
];

/** The course_point value for a waypoint (`generic` when nothing says). */
export function coursePointType(profile: Profile, w: { type?: string; sym?: string; name?: string }): number {
  const values = new Map<string, number>();
  for (const [n, label] of profile.types.get('course_point')?.values ?? []) values.set(snakeName(label), n);
  for (const s of [w.type, w.sym]) {
    const exact = s === undefined ? undefined : values.get(s.trim().toLowerCase().replace(/[ -]+/g, '_'));
    if (exact !== undefined) return exact;
  }
  for (const s of [w.type, w.sym, w.name]) {
    if (!s) continue;
    const text = s.toLowerCase();
    for (const [re, name] of WORDS) if (re.test(text) && values.has(name)) return values.get(name)!;
  }
  return values.get('generic') ?? 0;
}
