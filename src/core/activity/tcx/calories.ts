/**
 * Energy estimates when the TCX gives none.
 *
 * From power: metabolic energy = mechanical work / gross efficiency. Gross efficiency of rowing
 * and cycling is about 20–25 % (Hagerman 1984, Sports Med 1:303; Ettema & Lorås 2009, Eur J Appl
 * Physiol 106:1); Concept2's monitor uses 4 × work, i.e. 25 % (concept2.com "calorie
 * calculation": kcal/h = 4 × W × 0.8604 + 300). We use 25 % and leave out the resting 300 kcal/h:
 *   kcal = Σ P·Δt [J] / 0.25 / 4184.
 *
 * From heart rate (Keytel et al. 2005, J Sports Sci 23(3):289–297, without VO2max), per minute:
 *   men:   kcal/min = (−55.0969 + 0.6309·HR + 0.1988·kg + 0.2017·years) / 4.184
 *   women: kcal/min = (−20.4022 + 0.4472·HR − 0.1263·kg + 0.074·years) / 4.184
 * which needs weight, age and gender; negative values (low heart rates) count as 0.
 */
export const GROSS_EFFICIENCY = 0.25;
const J_PER_KCAL = 4184;

export interface Physique {
  weightKg?: number;
  age?: number;
  gender?: 'male' | 'female';
}

/** kcal per second at a heart rate and power (NaN where missing), or undefined when they give no estimate. */
export type CalorieRate = (hr: number, watts: number) => number | undefined;

export function powerCalorieRate(): CalorieRate {
  return (_hr, watts) => (Number.isNaN(watts) ? undefined : watts / GROSS_EFFICIENCY / J_PER_KCAL);
}

export function keytelCalorieRate(p: Physique): CalorieRate | undefined {
  const { weightKg: w, age: a, gender: g } = p;
  if (w === undefined || a === undefined || g === undefined) return undefined;
  return (hr) => {
    if (!(hr > 0)) return undefined;
    const perMin = g === 'male' ? (-55.0969 + 0.6309 * hr + 0.1988 * w + 0.2017 * a) / 4.184 : (-20.4022 + 0.4472 * hr - 0.1263 * w + 0.074 * a) / 4.184;
    return Math.max(0, perMin) / 60;
  };
}
