import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { installFiles } from '../../../src/core/sync/install-files.js';
import { defaultExec, installPlan, systemdUnit, udevNoMtpRules, udevRules, unitWord, type InstallOptions } from '../../../src/core/sync/install.js';
import { lintUdevRules } from './udev-rules-lint.js';

const GOLDEN_DIR = resolve(import.meta.dirname, '../../golden');
const golden = (name: string) => readFileSync(join(GOLDEN_DIR, name), 'utf8');
/** The options the golden files were made with. */
const GOLDEN: InstallOptions = { user: 'fitkit', library: '/var/lib/fitkit/FitSync', exec: ['/usr/bin/fitkit'] };
/** Everything that needs quoting or escaping at once. */
const AWKWARD: InstallOptions = {
  user: 'pi',
  group: 'plugdev',
  library: '/srv/fit sync/100% "mine"',
  exec: ['/opt/my node/bin/node', '/opt/fitkit/bin/run.js'],
  extraArgs: ['--delete', '--types', 'activity,$HOME'],
};

const tmp = mkdtempSync(join(tmpdir(), 'fitkit-install-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `udevadm verify` exists only from systemd 253 (Debian 12 ships 252); FITKIT_UDEVADM may name another binary. */
const UDEVADM = process.env.FITKIT_UDEVADM ?? 'udevadm';
function udevadmVerifySkipReason(): string | undefined {
  const probe = spawnSync(UDEVADM, ['verify', '--help'], { encoding: 'utf8' });
  if (probe.error) return `${UDEVADM} is not installed`;
  if (probe.status !== 0) {
    const version = spawnSync(UDEVADM, ['--version'], { encoding: 'utf8' }).stdout?.trim();
    return `${UDEVADM} ${version ?? ''} has no "verify" (needs systemd >= 253)`.replace(/\s+/g, ' ');
  }
  return undefined;
}
const udevSkip = udevadmVerifySkipReason();
const hasSystemdAnalyze = !spawnSync('systemd-analyze', ['--version']).error;
if (udevSkip) process.stderr.write(`install test skipped: udevadm verify of the generated rules (${udevSkip}); the structural check still runs\n`);
if (!hasSystemdAnalyze) process.stderr.write('install test skipped: systemd-analyze verify of the generated unit (systemd-analyze is not installed)\n');

/** A stand-in for fitkit that systemd-analyze can check is executable. */
function fakeExec(dir: string): string {
  const p = join(dir, 'fitkit');
  writeFileSync(p, '#!/bin/sh\nexit 0\n');
  chmodSync(p, 0o755);
  return p;
}

function systemdVerify(unitText: string, name = 'fitkit.service'): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmp, 'unit-'));
  const path = join(dir, name);
  writeFileSync(path, unitText);
  const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('--install text: golden files', () => {
  it('udev rules, the desktop-MTP rule and the unit match the golden files', () => {
    expect(udevRules(GOLDEN)).toBe(golden('70-fitkit.rules'));
    expect(udevNoMtpRules()).toBe(golden('60-fitkit-nomtp.rules'));
    expect(systemdUnit(GOLDEN)).toBe(golden('fitkit.service'));
  });

  it('installPlan (what --print shows) is the same text with the default paths and follow-up commands', () => {
    const plan = installPlan(GOLDEN);
    expect(plan.files.map((f) => [f.path, f.text])).toEqual([
      ['/etc/udev/rules.d/70-fitkit.rules', golden('70-fitkit.rules')],
      ['/etc/udev/rules.d/60-fitkit-nomtp.rules', golden('60-fitkit-nomtp.rules')],
      ['/etc/systemd/system/fitkit.service', golden('fitkit.service')],
    ]);
    expect(plan.commands).toEqual([
      'install -d -m 0750 -o fitkit /var/lib/fitkit/FitSync',
      'udevadm control --reload && udevadm trigger --subsystem-match=usb',
      'systemctl daemon-reload && systemctl enable --now fitkit.service',
    ]);
    expect(installPlan({ ...GOLDEN, keepDesktopMtpAway: false }).files.map((f) => f.path)).not.toContain('/etc/udev/rules.d/60-fitkit-nomtp.rules');
  });
});

describe('udev rules', () => {
  it('pass the structural check (golden and with a group)', () => {
    for (const text of [udevRules(GOLDEN), udevRules(AWKWARD), udevNoMtpRules()]) expect(lintUdevRules(text).problems).toEqual([]);
  });

  it('the structural check catches what udevadm verify would (and our own policy)', () => {
    const bad = (rule: string) => lintUdevRules(rule + '\n').problems;
    expect(bad('SUBSYSTEM=="usb", MODE="0666"')).toEqual(['line 1: MODE: MODE="0666" makes the device writable by everyone']);
    expect(bad('SUBSYSTEM=="usb", GOTO="nowhere"')).toEqual(['line 1: GOTO="nowhere" has no LABEL after it']);
    expect(bad('LABEL="x"\nSUBSYSTEM=="usb", GOTO="x"')).toContain('line 2: GOTO="x" has no LABEL after it');
    expect(bad('SUBSYSTEM=="usb",TAG+="uaccess"')).toEqual(['line 1: tokens must be separated by ", "']);
    expect(bad('SUBSYSTEM=="usb", TAG+=uaccess')[0]).toMatch(/cannot parse/);
    expect(bad('SUBSYSTEM=="usb", OWNR="x"')).toEqual(['line 1: OWNR: unknown key']);
    expect(bad('SUBSYSTEM="usb", TAG+="x"')).toEqual(['line 1: SUBSYSTEM: cannot be assigned (=)']);
    expect(bad('ENV{A}:="b"')).toEqual(['line 1: ENV: takes = or +=, not :=']);
    expect(bad('SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device"')).toEqual(['line 1: the rule only matches; it has no effect']);
    expect(bad('SUBSYSTEM=="usb", RUN+="/bin/sh"')).toEqual(["line 1: RUN: fitkit's rules set permissions only, no RUN"]);
    expect(bad('SUBSYSTEM=="usb", \\')).toContain('line 1: line continuation at end of file');
  });

  it('give access to the user (and group), the seat user via uaccess, never to everyone', () => {
    const plain = lintUdevRules(udevRules(GOLDEN)).rules;
    const grouped = lintUdevRules(udevRules(AWKWARD)).rules;
    const deviceRules = (rules: typeof plain) => rules.filter((r) => r.tokens.some((t) => t.key === 'SUBSYSTEM' && t.value === 'usb'));
    expect(deviceRules(plain)).toHaveLength(3);
    for (const r of deviceRules(plain)) {
      expect(r.tokens).toContainEqual({ key: 'OWNER', op: '=', value: 'fitkit' });
      expect(r.tokens).toContainEqual({ key: 'TAG', op: '+=', value: 'uaccess' });
      expect(r.tokens.some((t) => t.key === 'GROUP' || t.key === 'MODE')).toBe(false);
    }
    for (const r of deviceRules(grouped)) {
      expect(r.tokens).toContainEqual({ key: 'GROUP', op: '=', value: 'plugdev' });
      expect(r.tokens).toContainEqual({ key: 'MODE', op: '=', value: '0660' });
    }
    expect(udevRules(GOLDEN) + udevRules(AWKWARD)).not.toMatch(/MODE="0?666"/);
  });

  it('cover ANT sticks (autosuspend off) and Garmin MTP watches on usb_device nodes', () => {
    const rules = lintUdevRules(udevRules(GOLDEN)).rules;
    const has = (key: string, value: string, attr?: string) => (r: (typeof rules)[0]) => r.tokens.some((t) => t.key === key && t.value === value && t.attr === attr);
    const ant = rules.find(has('ATTR', '0fcf', 'idVendor'))!;
    expect(ant.tokens).toContainEqual({ key: 'ATTR', attr: 'idProduct', op: '==', value: '1004|1008|1009' });
    expect(ant.tokens).toContainEqual({ key: 'ATTR', attr: 'power/control', op: '=', value: 'on' });
    const garmin = rules.filter(has('ATTR', '091e', 'idVendor'));
    expect(garmin.map((r) => r.tokens.find((t) => t.attr === 'ID_USB_INTERFACES')?.value)).toEqual(['*:ffff00:*', '*:060101:*']);
    for (const r of [ant, ...garmin]) expect(r.tokens).toContainEqual({ key: 'ENV', attr: 'DEVTYPE', op: '==', value: 'usb_device' });
    // Desktop MTP handlers kept off, in a file that sorts before libmtp's 69-libmtp.rules.
    const nomtp = lintUdevRules(udevNoMtpRules()).rules.find(has('ATTR', '091e', 'idVendor'))!;
    expect(nomtp.tokens).toContainEqual({ key: 'ENV', attr: 'MTP_NO_PROBE', op: '=', value: '1' });
    expect(nomtp.tokens).toContainEqual({ key: 'ENV', attr: 'ID_MTP_DEVICE', op: '=', value: '' });
    expect('60-fitkit-nomtp.rules' < '69-libmtp.rules').toBe(true);
  });

  it.skipIf(udevSkip !== undefined)('pass udevadm verify', () => {
    for (const [name, text] of [
      ['70-fitkit.rules', udevRules(GOLDEN)],
      ['71-fitkit.rules', udevRules(AWKWARD)],
      ['60-fitkit-nomtp.rules', udevNoMtpRules()],
    ]) {
      const path = join(tmp, name);
      writeFileSync(path, text);
      // Names resolve on the target machine, not here (user fitkit need not exist in CI).
      const r = spawnSync(UDEVADM, ['verify', '--resolve-names=never', path], { encoding: 'utf8' });
      expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status: 0, stderr: '' });
    }
    // The harness notices a broken rule.
    const broken = join(tmp, '72-broken.rules');
    writeFileSync(broken, 'SUBSYSTEM=="usb", GOTO="nowhere"\n');
    expect(spawnSync(UDEVADM, ['verify', '--resolve-names=never', broken], { encoding: 'utf8' }).status).not.toBe(0);
  });
});

describe('systemd unit', () => {
  it('runs sync --watch as the user, restarts on failure, keeps USB reachable under hardening', () => {
    const unit = systemdUnit(GOLDEN);
    const settings = unit.split('\n').filter((l) => /^\w+=/.test(l));
    for (const s of [
      'Type=simple',
      'User=fitkit',
      'ExecStart=/usr/bin/fitkit sync --watch --to /var/lib/fitkit/FitSync',
      'Restart=on-failure',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/fitkit/FitSync',
      'DevicePolicy=closed',
      'DeviceAllow=char-usb_device rw',
      'PrivateDevices=no',
      'RestrictAddressFamilies=AF_UNIX AF_NETLINK',
      'WantedBy=multi-user.target',
    ])
      expect(settings).toContain(s);
    expect(settings.some((s) => s.startsWith('Group='))).toBe(false);
    expect(settings).not.toContain('PrivateDevices=yes');
    expect(settings.some((s) => s.startsWith('MemoryDenyWriteExecute'))).toBe(false);
  });

  it('quotes and escapes paths with spaces, quotes, % and $', () => {
    const unit = systemdUnit(AWKWARD);
    expect(unit).toContain('ExecStart="/opt/my node/bin/node" /opt/fitkit/bin/run.js sync --watch --to "/srv/fit sync/100%% \\"mine\\"" --delete --types activity,$$HOME\n');
    expect(unit).toContain('ReadWritePaths="/srv/fit sync/100%% \\"mine\\"" -/media -/run/media\n');
    expect(unit).toContain('Group=plugdev\n');
    expect(systemdUnit({ ...GOLDEN, configHome: '/home/pi/.config/' })).toContain('\nReadWritePaths=/var/lib/fitkit/FitSync -/home/pi/.config/fitkit\nProtectHome=read-only\n');
    expect(systemdUnit({ ...GOLDEN, configHome: '/home/pi/.config/' })).toContain('\nEnvironment=XDG_CONFIG_HOME=/home/pi/.config/\n');
    expect(unitWord('a b')).toBe('"a b"');
    expect(unitWord('/plain/path')).toBe('/plain/path');
  });

  it.skipIf(!hasSystemdAnalyze)('passes systemd-analyze verify, which does flag a broken unit', () => {
    const exec = fakeExec(mkdtempSync(join(tmp, 'bin-')));
    for (const opts of [
      { ...GOLDEN, exec: [exec] },
      { ...AWKWARD, exec: [exec] },
      { ...GOLDEN, exec: [exec], configHome: '/home/pi/.config' },
    ]) {
      expect(systemdVerify(systemdUnit(opts))).toEqual({ status: 0, stderr: '' });
    }
    // The harness notices problems: an unknown setting (a warning, exit 0) and a missing binary.
    expect(systemdVerify(systemdUnit({ ...GOLDEN, exec: [exec] }).replace('Type=simple', 'Type=simple\nBogusSetting=1')).stderr).toMatch(/BogusSetting/);
    expect(systemdVerify(systemdUnit(GOLDEN)).stderr).toMatch(/\/usr\/bin\/fitkit/);
  });
});

describe('install options', () => {
  it('rejects names and paths that would break or inject into the files', () => {
    const bad: Partial<InstallOptions>[] = [
      { user: 'fit"kit' },
      { user: 'a b' },
      { user: '' },
      { group: 'x\nRUN+="/bin/sh"' },
      { library: 'FitSync' },
      { library: '/lib\nExecStartPre=/bin/rm' },
      { exec: ['fitkit'] },
      { exec: [] },
      { extraArgs: ['a\nb'] },
      { configHome: 'rel' },
    ];
    for (const b of bad) {
      const err = (() => {
        try {
          udevRules({ ...GOLDEN, ...b });
          systemdUnit({ ...GOLDEN, ...b });
        } catch (e) {
          return e;
        }
      })();
      expect(err, JSON.stringify(b)).toBeInstanceOf(FitkitError);
      expect(err).toMatchObject({ code: 'bad_install_option', exitCode: 2 });
    }
  });

  it('defaults to this Node and fitkit’s bin script', () => {
    const [node, script] = defaultExec();
    expect(node).toBe(process.execPath);
    expect(script.endsWith('/bin/run.js')).toBe(true);
    expect(existsSync(script)).toBe(true);
    expect(systemdUnit({ user: 'fitkit', library: '/var/lib/fitkit/FitSync' })).toContain(`ExecStart=${process.execPath} ${script} sync --watch`);
  });
});

describe('installFiles', () => {
  it('writes the files atomically, leaves identical ones alone, and returns the commands to run', () => {
    const root = mkdtempSync(join(tmp, 'root-'));
    mkdirSync(join(root, 'rules.d'));
    mkdirSync(join(root, 'system'));
    const paths = { rulesPath: join(root, 'rules.d/70-fitkit.rules'), noMtpRulesPath: join(root, 'rules.d/60-fitkit-nomtp.rules'), unitPath: join(root, 'system/fitkit.service') };
    const first = installFiles({ ...GOLDEN, ...paths });
    expect(first.files.map((f) => [f.path, f.changed])).toEqual([
      [paths.rulesPath, true],
      [paths.noMtpRulesPath, true],
      [paths.unitPath, true],
    ]);
    expect(readFileSync(paths.rulesPath, 'utf8')).toBe(golden('70-fitkit.rules'));
    expect(readFileSync(paths.noMtpRulesPath, 'utf8')).toBe(golden('60-fitkit-nomtp.rules'));
    expect(readFileSync(paths.unitPath, 'utf8')).toBe(golden('fitkit.service'));
    expect(first.commands.at(-1)).toBe('systemctl daemon-reload && systemctl enable --now fitkit.service');
    const again = installFiles({ ...GOLDEN, ...paths });
    expect(again.files.map((f) => f.changed)).toEqual([false, false, false]);
    const changed = installFiles({ ...GOLDEN, ...paths, group: 'plugdev' });
    expect(changed.files.map((f) => f.changed)).toEqual([true, false, true]);
  });

  it('says what is missing instead of creating system folders', () => {
    const root = mkdtempSync(join(tmp, 'root-'));
    expect(() => installFiles({ ...GOLDEN, rulesPath: join(root, 'nope/70-fitkit.rules'), unitPath: join(root, 'fitkit.service') })).toThrow(/nope does not exist: is udev installed\?/);
    expect(existsSync(join(root, 'nope'))).toBe(false);
  });
});
