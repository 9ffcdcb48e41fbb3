/**
 * Whether fitkit colours its output: `--no-color` never, `--color` always; else never with
 * NO_COLOR (any non-empty value) or TERM=dumb, as FORCE_COLOR says when set, and otherwise only
 * when standard output is a terminal. Decided once per command, before anything is rendered.
 */
import type { ChalkInstance, ColorSupportLevel } from 'chalk';

// chalk is loaded only by the modules that colour something (they hand it to useChalk): a command
// that prints no colour does not pay for loading it.
let chosen: ColorSupportLevel | undefined;
let painter: ChalkInstance | undefined;

export function colourLevel(argv: readonly string[], env: NodeJS.ProcessEnv, isTTY: boolean): ColorSupportLevel {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  const on = flags.lastIndexOf('--color');
  const off = flags.lastIndexOf('--no-color');
  if (on !== off) return on > off ? 1 : 0;
  if (env.NO_COLOR) return 0;
  if (env.FORCE_COLOR !== undefined) {
    if (env.FORCE_COLOR === 'false' || env.FORCE_COLOR === '0') return 0;
    const n = Number.parseInt(env.FORCE_COLOR, 10);
    return (Number.isNaN(n) ? 1 : Math.min(Math.max(n, 1), 3)) as ColorSupportLevel;
  }
  if (env.TERM === 'dumb') return 0;
  return isTTY ? 1 : 0;
}

export function setColour(argv: readonly string[], stream: NodeJS.WriteStream = process.stdout): void {
  chosen = colourLevel(argv, process.env, stream.isTTY === true);
  if (painter) painter.level = chosen;
}

/** The chalk a renderer colours with, at the level setColour decided (before or after this call). */
export function useChalk(chalk: ChalkInstance): ChalkInstance {
  painter = chalk;
  if (chosen !== undefined) chalk.level = chosen;
  return chalk;
}
