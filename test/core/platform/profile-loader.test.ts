/** The one profile loader: the user's config-dir additions, then --profile-extra files, in order. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { loadProfile, profileFiles } from '../../../src/core/platform/profile-loader.js';

const message = (fields: { num: number; name: string }[]) => ({
  messages: [{ num: 65280, name: 'lab_message', fields: fields.map((f) => ({ ...f, type: 'uint8' })) }],
});

describe('profile loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-profile-loader-'));
  const env = { XDG_CONFIG_HOME: join(dir, 'config') };
  mkdirSync(join(dir, 'config', 'fitkit'), { recursive: true });
  const user = join(dir, 'config', 'fitkit', 'profile-extra.json');
  writeFileSync(
    user,
    JSON.stringify(
      message([
        { num: 0, name: 'from_user' },
        { num: 1, name: 'user_only' },
      ]),
    ),
  );
  const extra = join(dir, 'extra.json');
  writeFileSync(extra, JSON.stringify(message([{ num: 0, name: 'from_flag' }])));

  it('lists the config-dir file first when it exists, then the given files', () => {
    expect(profileFiles([extra], env)).toEqual([user, extra]);
    expect(profileFiles([extra], { XDG_CONFIG_HOME: join(dir, 'none') })).toEqual([extra]);
  });

  it('applies the files in order over the standard profile, later ones winning; once per list', () => {
    const p = loadProfile(profileFiles([extra], env));
    expect(p.field(65280, 0)?.name).toBe('from_flag');
    expect(p.field(65280, 1)?.name).toBe('user_only');
    expect(p.message(20)?.name).toBe('record');
    expect(loadProfile(profileFiles([extra], env))).toBe(p);
    expect(loadProfile([])).toBe(standardProfile());
    expect(standardProfile().message(65280)).toBeUndefined();
  });

  it('a missing or bad file is a bad_profile_extra error naming it', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"messages": [{"num": "x"}]}');
    for (const f of [join(dir, 'missing.json'), bad]) {
      const e = (() => {
        try {
          loadProfile([f]);
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(FitkitError);
      expect((e as FitkitError).code).toBe('bad_profile_extra');
      expect((e as FitkitError).file).toBe(f);
    }
  });
});
