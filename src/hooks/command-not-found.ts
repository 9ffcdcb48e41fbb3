/** `fitkit valdate`: the closest command name, never a prompt (scripts run fitkit too). Exit 2. */
import type { Hook } from '../cli/oclif.js';
import { FitkitError } from '../core/errors.js';
import { reportError } from '../cli/error-output.js';

/** Edit distance between two short words. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

export function closest(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const n of names) {
    const d = distance(word.toLowerCase(), n.toLowerCase());
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best;
}

const hook: Hook<'command_not_found'> = async function (opts) {
  const names = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id);
  const guess = closest(opts.id, names);
  const msg = `"${opts.id}" is not a fitkit command${guess ? `; did you mean "${guess}"?` : ''} (fitkit help lists them)`;
  const code = reportError(new FitkitError('unknown_command', msg, { exitCode: 2 }), (opts.argv ?? []).includes('--json'));
  process.exitCode = code;
  this.exit(code);
};

export default hook;
