/**
 * The text `fitkit sync --install` writes (docs/architecture.md): udev rules that give
 * the service user access to ANT sticks and Garmin MTP watches — permissions only, no RUN+= —
 * and a systemd unit running `fitkit sync --watch`. Together they replace PiFitSync's hook
 * scripts, per-model mount units and jmtpfs. Pure functions: nothing here touches the system
 * (install-files.ts writes).
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FitkitError } from '../errors.js';

export interface InstallOptions {
  /** The account the service runs as (User=); it also owns the device nodes (OWNER=). */
  user: string;
  /** A group given the device nodes (GROUP=, MODE="0660") and the service's Group=. */
  group?: string;
  /** How to run fitkit: an absolute executable and its leading arguments; default defaultExec(). */
  exec?: readonly string[];
  /** The library folder (`--to`); absolute. */
  library: string;
  /** XDG_CONFIG_HOME of the service; default under its state directory (see systemdUnit). */
  configHome?: string;
  /** More `sync` arguments, after `--watch --to <library>`. */
  extraArgs?: readonly string[];
}

export const RULES_PATH = '/etc/udev/rules.d/70-fitkit.rules';
export const NO_MTP_RULES_PATH = '/etc/udev/rules.d/60-fitkit-nomtp.rules';
export const UNIT_PATH = '/etc/systemd/system/fitkit.service';
/** StateDirectory= of the unit, i.e. /var/lib/fitkit. */
export const STATE_DIR = '/var/lib/fitkit';
export const DEFAULT_CONFIG_HOME = `${STATE_DIR}/.config`;

/** This fitkit: the running Node and the package's bin script (no PATH lookup at boot). */
export function defaultExec(): string[] {
  return [process.execPath, fileURLToPath(new URL('../../../bin/run.js', import.meta.url))];
}

// POSIX-ish account names (useradd's default NAME_REGEX, plus upper case and a trailing $).
const ACCOUNT = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/;
// Printable text only: a newline or a quote would end a udev value or a unit line early.
const SAFE_TEXT = /^[^\x00-\x1f\x7f]*$/;

function badOption(message: string): FitkitError {
  return new FitkitError('bad_install_option', message, { exitCode: 2 });
}

function checked(opts: InstallOptions): Required<Omit<InstallOptions, 'group'>> & { group?: string } {
  if (!ACCOUNT.test(opts.user)) throw badOption(`--user ${JSON.stringify(opts.user)} is not a valid user name`);
  if (opts.group !== undefined && !ACCOUNT.test(opts.group)) throw badOption(`--group ${JSON.stringify(opts.group)} is not a valid group name`);
  const exec = opts.exec ?? defaultExec();
  if (!exec.length || !exec[0].startsWith('/')) throw badOption(`the fitkit executable must be an absolute path, not ${JSON.stringify(exec[0] ?? '')}`);
  const configHome = opts.configHome ?? DEFAULT_CONFIG_HOME;
  for (const [what, p] of [
    ['library', opts.library],
    ['config folder', configHome],
  ] as const) {
    if (!p.startsWith('/')) throw badOption(`the ${what} must be an absolute path for a service, not ${JSON.stringify(p)}`);
  }
  for (const word of [...exec, opts.library, configHome, ...(opts.extraArgs ?? [])]) {
    if (!SAFE_TEXT.test(word)) throw badOption(`control characters are not allowed in ${JSON.stringify(word)}`);
  }
  return { user: opts.user, group: opts.group, exec, library: opts.library, configHome, extraArgs: opts.extraArgs ?? [] };
}

/** Who gets a device node: the user always, the group when given, and the seat's user (uaccess). */
function access(o: { user: string; group?: string }): string {
  return o.group === undefined ? `OWNER="${o.user}", TAG+="uaccess"` : `OWNER="${o.user}", GROUP="${o.group}", MODE="0660", TAG+="uaccess"`;
}

/**
 * /etc/udev/rules.d/70-fitkit.rules. 70 sorts after 50-udev-default (usb_id sets
 * ID_USB_INTERFACES) and 60-persistent-storage (labels), and before 73-seat-late, which turns
 * the uaccess tag into an ACL for the user logged in at the seat. A headless service user is
 * never at a seat, so it gets the node through OWNER= (and GROUP= when a group is given).
 * Rules match the usb_device (/dev/bus/usb/BBB/DDD), the node libusb opens: an interface's event
 * cannot change its parent's node, hence ID_USB_INTERFACES rather than ATTR{interface}.
 */
export function udevRules(opts: InstallOptions): string {
  const o = checked(opts);
  const who = access(o);
  return `# fitkit: USB device access for \`fitkit sync --watch\` (written by \`fitkit sync --install\`;
# run it again rather than editing). Access goes to the service user${o.group === undefined ? '' : ' and group'} and to the user
# at the local seat (uaccess); the device nodes are never made world-writable.
ACTION=="remove", GOTO="fitkit_end"

# ANT USB sticks: USB1 (0fcf:1004, a CP210x serial bridge; fitkit detaches the cp210x driver and
# drives the bridge itself), ANTUSB2 (0fcf:1008) and ANTUSB-m (0fcf:1009). USB autosuspend off:
# a suspended stick drops the first packets of every ANT burst.
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{idVendor}=="0fcf", ATTR{idProduct}=="1004|1008|1009", \\
  ${who}, ATTR{power/control}="on"

# Garmin watches speaking MTP on a vendor-class interface (ff/ff/00, interface string "MTP").
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{idVendor}=="091e", ENV{ID_USB_INTERFACES}=="*:ffff00:*", \\
  ${who}

# Garmin devices with a standard PTP/MTP-class interface (06/01/01): none known yet, harmless.
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{idVendor}=="091e", ENV{ID_USB_INTERFACES}=="*:060101:*", \\
  ${who}

# Garmin units in USB mass-storage mode need no device access: the desktop (udisks2) or fstab
# mounts them and fitkit reads the files. Marked for \`udevadm info\` diagnostics only.
SUBSYSTEM=="block", ENV{ID_VENDOR_ID}=="091e", ENV{FITKIT_GARMIN_VOLUME}="1"

LABEL="fitkit_end"
`;
}

/**
 * /etc/udev/rules.d/60-fitkit-nomtp.rules: keeps desktop MTP handlers (gvfs-mtp, KDE's kio-mtp
 * through Solid) from opening Garmin watches, which would leave the service's claim BUSY.
 * libmtp's hwdb sets ID_MTP_DEVICE=1 during 50-udev-default and 69-libmtp.rules then creates
 * /dev/libmtp-* or runs mtp-probe; the desktop keys on those. Clearing ID_MTP_DEVICE and setting
 * MTP_NO_PROBE has to happen before 69, hence a separate file sorting at 60. ID_MEDIA_PLAYER is
 * left alone, so systemd's 70-uaccess still grants the seat user access. Deleting this file
 * gives the watch back to the desktop's file manager.
 */
export function udevNoMtpRules(): string {
  return `# fitkit: keep desktop MTP handlers (gvfs, kio) off Garmin watches so that the fitkit service
# can open them (written by \`fitkit sync --install\`). Must sort before libmtp's 69-libmtp.rules.
# Delete this file to let the desktop's file manager open the watch again.
ACTION=="remove", GOTO="fitkit_nomtp_end"

SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{idVendor}=="091e", ENV{MTP_NO_PROBE}="1", ENV{ID_MTP_DEVICE}=""

LABEL="fitkit_nomtp_end"
`;
}

/**
 * One word of a unit-file setting: `%` starts a specifier (so `%%`), and quoting keeps spaces,
 * quotes and backslashes inside one word. In ExecStart `$` also substitutes variables (`$$`).
 */
export function unitWord(word: string, exec = false): string {
  let w = word.replace(/%/g, '%%');
  if (exec) w = w.replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@%+=:,./$-]+$/.test(w) ? w : `"${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * /etc/systemd/system/fitkit.service. Choices:
 * - Type=simple: `sync --watch` stays in the foreground and logs to the journal; SIGTERM makes
 *   it cancel jobs and close sessions, within TimeoutStopSec.
 * - StateDirectory=fitkit: systemd creates /var/lib/fitkit for the user and keeps it writable;
 *   XDG_CONFIG_HOME points into it unless told otherwise, so the service does not depend on
 *   the account having a writable home.
 * - ProtectSystem=strict: the whole tree is read-only except the state directory and
 *   ReadWritePaths (the library; each must exist before the unit starts, or the namespace
 *   set-up fails). Mounted Garmin volumes under /media are read-only too, which is all sync
 *   needs — unless `--delete` is passed, which then gets /media and /run/media writable.
 * - Devices: DevicePolicy=closed with DeviceAllow=char-usb_device rw is /dev/bus/usb and
 *   nothing else; PrivateDevices= must stay off, it would hide /dev/bus/usb.
 * - AF_NETLINK for libusb's udev hotplug monitor, AF_UNIX for udev and D-Bus; no network.
 * - No MemoryDenyWriteExecute: Node's JIT compiler needs writable executable memory.
 * - UMask=0027: the library holds health data; the group may read it, others not.
 */
export function systemdUnit(opts: InstallOptions): string {
  const o = checked(opts);
  const command = [...o.exec, 'sync', '--watch', '--to', o.library, ...o.extraArgs].map((w) => unitWord(w, true)).join(' ');
  const writable = [o.library];
  // Only fitkit's own folder of a configHome elsewhere (e.g. /home/pi/.config/fitkit); '-': may be absent.
  if (!o.configHome.startsWith(STATE_DIR + '/')) writable.push(`-${o.configHome.replace(/\/+$/, '')}/fitkit`);
  const deletes = o.extraArgs.includes('--delete');
  if (deletes) writable.push('-/media', '-/run/media');
  return `# fitkit: runs \`fitkit sync --watch\` (written by \`fitkit sync --install\`; run it again rather
# than editing).
[Unit]
Description=fitkit sync - copy FIT files off Garmin devices (USB mass storage, MTP, ANT-FS)
After=local-fs.target systemd-udevd.service udisks2.service

[Service]
Type=simple
User=${o.user}
${o.group === undefined ? '' : `Group=${o.group}\n`}ExecStart=${command}
Restart=on-failure
RestartSec=10s
TimeoutStopSec=30s
StateDirectory=fitkit
StateDirectoryMode=0750
Environment=${unitWord(`XDG_CONFIG_HOME=${o.configHome}`)}
UMask=0027

# Hardening, kept compatible with libusb (/dev/bus/usb, udev netlink) and udisks2 mounts.
ProtectSystem=strict
ReadWritePaths=${writable.map((p) => unitWord(p)).join(' ')}
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=no
DevicePolicy=closed
DeviceAllow=char-usb_device rw
NoNewPrivileges=yes
RestrictAddressFamilies=AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
SystemCallArchitectures=native

[Install]
WantedBy=multi-user.target
`;
}

export interface InstallFile {
  path: string;
  /** Which system part reads it. */
  kind: 'udev' | 'systemd';
  text: string;
  /** What the file is for, one line. */
  purpose: string;
}

export interface InstallPlan {
  files: InstallFile[];
  /** Commands to run after writing, in order (fitkit does not run them). */
  commands: string[];
}

export interface InstallPaths {
  rulesPath?: string;
  noMtpRulesPath?: string;
  unitPath?: string;
  /** Also keep desktop MTP handlers off Garmin watches (60-fitkit-nomtp.rules); default true. */
  keepDesktopMtpAway?: boolean;
}

/** The files and the follow-up commands of an install, without touching the system. */
export function installPlan(opts: InstallOptions & InstallPaths): InstallPlan {
  const o = checked(opts);
  const unitPath = opts.unitPath ?? UNIT_PATH;
  const files: InstallFile[] = [{ path: opts.rulesPath ?? RULES_PATH, kind: 'udev', text: udevRules(opts), purpose: 'USB device access for the service user' }];
  if (opts.keepDesktopMtpAway ?? true) {
    files.push({ path: opts.noMtpRulesPath ?? NO_MTP_RULES_PATH, kind: 'udev', text: udevNoMtpRules(), purpose: 'keeps desktop MTP handlers off Garmin watches' });
  }
  files.push({ path: unitPath, kind: 'systemd', text: systemdUnit(opts), purpose: 'the sync service' });
  const owner = o.group === undefined ? `-o ${o.user}` : `-o ${o.user} -g ${o.group}`;
  const unit = basename(unitPath);
  return {
    files,
    commands: [
      `install -d -m 0750 ${owner} ${shellWord(o.library)}`,
      'udevadm control --reload && udevadm trigger --subsystem-match=usb',
      `systemctl daemon-reload && systemctl enable --now ${shellWord(unit)}`,
    ],
  };
}

/** A word for sh: single-quoted unless plainly safe. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
