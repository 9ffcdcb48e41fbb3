/**
 * The JS SDK names things in camelCase; FitCSVTool prints the profile's original snake_case.
 * "Insert `_` before each capital" recovers it except at letter→digit boundaries, which follow no
 * rule in the original profile. The table holds every such name the 21.202 profile knows
 * (docs/fitcsv-format.md); other names get no `_` before a digit.
 */
const IRREGULAR: Readonly<Record<string, string>> = {
  activeTime16: 'active_time_16',
  average7DayDeviation: 'average_7_day_deviation',
  avgSpo2: 'avg_spo2',
  cadence256: 'cadence256',
  cycleLength16: 'cycle_length16',
  cycles16: 'cycles_16',
  data16: 'data16',
  distance16: 'distance_16',
  endN2: 'end_n2',
  eventTimestamp12: 'event_timestamp_12',
  lastNight5MinHigh: 'last_night_5_min_high',
  map3SampleMean: 'map_3_sample_mean',
  n2Load: 'n2_load',
  o2Toxicity: 'o2_toxicity',
  po2: 'po2',
  po2Critical: 'po2_critical',
  po2Deco: 'po2_deco',
  po2Warn: 'po2_warn',
  readingSpo2: 'reading_spo2',
  shimanoDi2Enabled: 'shimano_di2_enabled',
  speed1s: 'speed_1s',
  startN2: 'start_n2',
  time128: 'time128',
  time256: 'time256',
  timestamp16: 'timestamp_16',
  timestamp32k: 'timestamp_32k',
  timestampMin8: 'timestamp_min_8',
  vo2Max: 'vo2_max',
  spo2Data: 'spo2_data',
  hsaSpo2Data: 'hsa_spo2_data',
};

export function snakeName(camel: string): string {
  return IRREGULAR[camel] ?? camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

/** Enum label as FitCSVTool's `-e` prints it: best effort (docs/fitcsv-format.md, Enum labels). */
export function upperSnake(camel: string): string {
  const s = camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return /^[0-9]/.test(s) ? '_' + s : s;
}
