/**
 * The ANT-FS network key is configuration the user supplies (docs/ant-fs.md): an ANT
 * radio only hears watches that use the same 8-byte key, and its licensing is Dynastream's, so
 * fitkit ships none. Where it comes from, first found wins:
 *
 *   1. the environment variable FITKIT_ANTFS_NETWORK_KEY (16 hex digits), for one run;
 *   2. `<config dir>/antfs.json`: `{ "networkKey": "<16 hex digits>" }` (XDG config dir,
 *      `~/.config/fitkit` by default).
 *
 * Spaces, colons and dashes between the digits are allowed. No message, log or error here or
 * anywhere else ever includes the key or the text it was read from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FitkitError } from '../errors.js';
import { configDir } from '../platform/xdg.js';

export const NETWORK_KEY_ENV = 'FITKIT_ANTFS_NETWORK_KEY';

export function antfsConfigPath(env: NodeJS.ProcessEnv = process.env, dir = configDir(env)): string {
  return join(dir, 'antfs.json');
}

/** The one-line "where to put it" text, shared by the missing and malformed cases. */
export function networkKeyHelp(path: string): string {
  return `set ${NETWORK_KEY_ENV} to the key as 16 hex digits, or put {"networkKey": "<16 hex digits>"} in ${path}`;
}

/** Decodes 16 hex digits; the error names `where` but never echoes the text. */
export function parseNetworkKey(text: string, where: string, help: string): Uint8Array {
  const digits = text.replace(/^0x/i, '').replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]{16}$/.test(digits)) {
    throw new FitkitError('antfs_bad_network_key', `the ANT-FS network key in ${where} is not 8 bytes of hex (16 digits); ${help}`);
  }
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

export interface NetworkKeySource {
  env?: NodeJS.ProcessEnv;
  /** fitkit's config dir (default: XDG, from `env`). */
  configDir?: string;
}

/** Loads the key, or throws a FitkitError that says exactly where to put it. */
export function loadNetworkKey(src: NetworkKeySource = {}): Uint8Array {
  const env = src.env ?? process.env;
  const path = antfsConfigPath(env, src.configDir ?? configDir(env));
  const help = networkKeyHelp(path);
  const fromEnv = env[NETWORK_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseNetworkKey(fromEnv, `${NETWORK_KEY_ENV}`, help);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new FitkitError('antfs_bad_network_key', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { file: path });
    }
  }
  if (text !== undefined) {
    let conf: unknown;
    try {
      conf = JSON.parse(text);
    } catch {
      // No cause: JSON.parse's message quotes the text, which may hold the key.
      throw new FitkitError('antfs_bad_network_key', `${path} is not valid JSON; ${help}`, { file: path });
    }
    const key = conf && typeof conf === 'object' ? (conf as Record<string, unknown>).networkKey : undefined;
    if (typeof key === 'string') return parseNetworkKey(key, path, help);
    if (key !== undefined) throw new FitkitError('antfs_bad_network_key', `networkKey in ${path} must be a string of 16 hex digits; ${help}`, { file: path });
  }
  throw new FitkitError('antfs_no_network_key', `ANT-FS needs the ANT-FS network key, which fitkit does not ship: ${help}`);
}
