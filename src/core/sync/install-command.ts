/**
 * `fitkit sync --install [--print]`: the install plan from the command's options, written
 * (atomically) or only shown, with the commands to run afterwards.
 */
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { installFiles } from './install-files.js';
import { installPlan, STATE_DIR, type InstallOptions, type InstallPaths } from './install.js';

export interface InstallCommandOptions {
  user?: string;
  group?: string;
  /** Library folder; default /var/lib/fitkit/FitSync (the unit's state directory). */
  library?: string;
  print?: boolean;
  extraArgs?: readonly string[];
  paths?: InstallPaths;
}

export interface InstallCommandResult {
  printed: boolean;
  files: { path: string; purpose: string; changed?: boolean; text?: string }[];
  commands: string[];
  /** What to show a person. */
  text: string;
}

/** The service account: --user, else the user who ran sudo, else the current user. */
function serviceUser(user?: string): string {
  return user ?? process.env.SUDO_USER ?? userInfo().username;
}

export function installCommand(o: InstallCommandOptions): InstallCommandResult {
  const opts: InstallOptions & InstallPaths = {
    user: serviceUser(o.user),
    group: o.group,
    library: resolve(o.library ?? `${STATE_DIR}/FitSync`),
    extraArgs: o.extraArgs,
    ...o.paths,
  };
  if (o.print) {
    const plan = installPlan(opts);
    const text = [...plan.files.map((f) => `# ${f.path} (${f.purpose})\n${f.text}`), '# then, as root:', ...plan.commands.map((c) => `#   ${c}`)].join('\n');
    return { printed: true, files: plan.files.map((f) => ({ path: f.path, purpose: f.purpose, text: f.text })), commands: plan.commands, text };
  }
  const r = installFiles(opts);
  const text = [...r.files.map((f) => `${f.changed ? 'wrote' : 'unchanged'}: ${f.path} (${f.purpose})`), 'now run, as root:', ...r.commands.map((c) => `  ${c}`)].join('\n');
  return { printed: false, files: r.files, commands: r.commands, text };
}
