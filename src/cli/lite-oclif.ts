/**
 * The part of oclif's API fitkit's commands are written against (Command, Flags, Args, Errors),
 * reimplemented small for the plain-run path (src/cli/lite-run.ts). The build links each command a
 * second time against this module instead of oclif (dist/lite/ID.cjs, scripts/bundle-commands.mjs),
 * so a plain `fitkit dump ride.fit` never loads oclif (~55 ms of CPU with its configuration).
 *
 * It follows oclif 4's Command where fitkit relies on it: the order init, parse, run, catch,
 * finally; `--json` results printed after run; log/logToStderr silent under --json;
 * error()/exit() throwing CLIError/ExitError with oclif's exit codes. Parsing is src/cli/lite-parse.ts,
 * done before the command runs: a command line it declines is handed to oclif untouched.
 */
import { format, inspect } from 'node:util';
import { parseArgv, type ArgDef, type CommandDefs, type FlagDef, type Parsed } from './lite-parse.js';

class CLIError extends Error {
  oclif: { exit?: number };
  code?: string;
  constructor(error: string | Error, options: { exit?: number; code?: string } = {}) {
    super(error instanceof Error ? error.message : error);
    this.oclif = { exit: options.exit ?? 2 };
    this.code = options.code;
  }
}

class ExitError extends CLIError {
  constructor(exitCode = 1) {
    super(`EEXIT: ${exitCode}`, { exit: exitCode });
    this.code = 'EEXIT';
  }
}

export const Errors = { CLIError, ExitError };

type FlagOptions = Omit<Partial<FlagDef>, 'type' | 'kind'> & Record<string, unknown>;

const option =
  (kind: FlagDef['kind']) =>
  (options: FlagOptions & { parse?: unknown } = {}) => ({
    ...options,
    input: [],
    multiple: Boolean(options.multiple),
    type: 'option' as const,
    // A flag with its own parse function is not read by lite-parse (it declines the command).
    kind: options.parse === undefined ? kind : undefined,
  });

export const Flags = {
  boolean: (options: FlagOptions = {}) => ({ ...options, allowNo: Boolean(options.allowNo), type: 'boolean' as const }),
  string: option('string'),
  integer: option('integer'),
};

export const Args = {
  string: (options: Omit<ArgDef, 'kind'> & Record<string, unknown> = {}) => ({ ...options, input: [], multiple: false, type: 'option' as const, kind: 'string' as const }),
};

/** What commands read of oclif's Config. */
export interface LiteConfig {
  readonly bin: string;
  readonly root: string;
  readonly version: string;
}

/** _lite()'s answer when lite-parse declines the command line: oclif takes it from the start. */
const DECLINED = Symbol('declined');

export abstract class Command {
  static id: string | undefined;
  static description: string | undefined;
  static summary: string | undefined;
  static examples: string[] | undefined;
  static args: Record<string, ArgDef> = {};
  static flags: Record<string, FlagDef> | undefined;
  static baseFlags: Record<string, FlagDef> | undefined;
  static strict = true;
  static enableJsonFlag = false;
  static hidden: boolean | undefined;
  static aliases: string[] = [];

  argv: string[];
  config: LiteConfig;
  id: string | undefined;
  #parsed: Parsed | undefined;

  constructor(argv: string[], config: LiteConfig) {
    this.argv = argv;
    this.config = config;
    this.id = this.ctor.id;
  }

  get ctor(): typeof Command {
    return this.constructor as typeof Command;
  }

  abstract run(): Promise<unknown>;

  /**
   * oclif's Command._run, with the parse moved before run(): DECLINED (nothing run, nothing
   * written) when lite-parse does not take the command line, or when init fails (oclif reports that).
   */
  async _lite(): Promise<unknown> {
    delete process.env.FITKIT_REDIRECTED;
    try {
      await this.init();
    } catch {
      return DECLINED;
    }
    const parsed = parseArgv(this.argv, this.ctor as CommandDefs);
    if (!parsed) return DECLINED;
    this.#parsed = parsed;
    let err: Error | undefined;
    let result: unknown;
    try {
      result = await this.run();
    } catch (error) {
      err = error as Error;
      await this.catch(error as Error & { exitCode?: number });
    } finally {
      await this.finally(err);
    }
    if (result && this.jsonEnabled()) this.logJson(this.toSuccessJson(result));
    return result;
  }

  protected async init(): Promise<void> {}

  protected async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    process.exitCode = process.exitCode ?? err.exitCode ?? 1;
    if (!this.jsonEnabled()) throw err;
    this.logJson(this.toErrorJson(err));
    return undefined;
  }

  protected async finally(_err: Error | undefined): Promise<void> {}

  /** The command line as parsed before run() (this command's own definitions, this.argv). */
  protected async parse(options?: unknown, argv: string[] = this.argv): Promise<Parsed> {
    if ((options !== undefined && options !== this.ctor) || argv !== this.argv || !this.#parsed) throw new Error('lite-oclif: parse() takes only the command\u2019s own definitions and argv');
    return this.#parsed;
  }

  jsonEnabled(): boolean {
    return this.ctor.enableJsonFlag && this.argv.includes('--json');
  }

  log(message: unknown = '', ...args: unknown[]): void {
    if (!this.jsonEnabled()) stdout(typeof message === 'string' ? message : inspect(message), ...args);
  }

  logToStderr(message: unknown = '', ...args: unknown[]): void {
    if (!this.jsonEnabled()) console.error(format(typeof message === 'string' ? message : inspect(message), ...args));
  }

  logJson(json: unknown): void {
    stdout(JSON.stringify(json, null, 2));
  }

  error(input: string | Error, options: { exit?: number; code?: string } = {}): never {
    const err = input instanceof Error ? Object.assign(input, { oclif: { exit: options.exit === undefined ? 2 : options.exit } }) : new CLIError(input, options);
    throw err;
  }

  exit(code = 0): never {
    throw new ExitError(code);
  }

  toSuccessJson(result: unknown): unknown {
    return result;
  }

  toErrorJson(err: unknown): unknown {
    return err instanceof Error ? { error: { ...err, message: err.message, name: err.name } } : { error: err };
  }
}

/** oclif's ux.stdout: console.log of the formatted message. */
function stdout(message: string, ...args: unknown[]): void {
  if (!message && args.length > 0) console.log(format(...args));
  else console.log(format(message, ...args));
}

type CommandClass = (new (argv: string[], config: LiteConfig) => Command) & typeof Command;

/**
 * Runs `C` on `argv` as oclif's execute() would: false, having done nothing, when the command line
 * is declined. After an error the process exits at once with the error's code (oclif's handle());
 * otherwise standard output is flushed and the process ends when its work does.
 */
export async function runCommand(C: CommandClass, id: string, argv: string[], config: LiteConfig): Promise<boolean> {
  C.id = id;
  try {
    if ((await new C(argv, config)._lite()) === DECLINED) return false;
  } catch (err) {
    const e = err as Error & { oclif?: { exit?: number } };
    if (e.message === 'SIGINT') process.exit(1);
    if (!(e instanceof ExitError)) console.error(e.stack ?? String(e));
    process.exit(e.oclif?.exit ?? 1);
  }
  await flush();
  return true;
}

/** oclif's flush(): an empty write, and its drain if standard output is backed up (10 s at most). */
async function flush(): Promise<void> {
  const drained = new Promise((resolve) => process.stdout.once('drain', resolve));
  if (process.stdout.write('')) return;
  await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
}
