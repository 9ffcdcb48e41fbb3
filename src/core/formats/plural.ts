/** Counts in words: `plural(1, 'lap')` is "1 lap", `plural(2, 'lap')` "2 laps". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
