/**
 * What `npm pack` ships: what runs (bin, dist, the oclif manifest) and the licence; not the
 * fixtures (the simulators build their files in code) nor the FIT profile extract (the FIT SDK
 * licence does not let it be redistributed; users get it in their cache on first run).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('npm package', () => {
  it('ships bin, dist, manifest and LICENSE; no fixtures, sources, tests or profile extract', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [pack] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
    const paths = pack.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'package.json', 'README.md', 'bin/run.js', 'dist/commands/sync.js', 'dist/core/sim/index.js', 'dist/core/sync/simulate.js']));
    const stray = paths.filter((p) => /^(fixtures|src|test|bench|scripts)\//.test(p) || p.endsWith('sdk-profile.json'));
    expect(stray).toEqual([]);
  });

  it('exports the library and the simulators as a subpath (fitkit/sim), which the library does not load', async () => {
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      const core = await import('fitkit');
      const sim = await import('fitkit/sim');
      console.log(JSON.stringify([typeof core.startSimulation, 'SimUsbBus' in core, typeof sim.SimUsbBus, typeof sim.SimMtpWatch, Object.keys(sim.WATCH_MODELS).length > 0]));
    `,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['function', false, 'function', 'function', true]);
  });

  it('installing the package runs nothing: no install scripts, no prepare (the repo builds with npm run build)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(Object.keys(pkg.scripts).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).toEqual([]);
  });
});
