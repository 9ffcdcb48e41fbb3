/**
 * The outside judges of fitkit's GPX: xmllint (libxml2-utils) against the published XSDs, and
 * gpsbabel reading the file back. CI installs both; a missing tool fails the test with a line
 * saying what to install, never skips it silently.
 *
 * gpx.xsd admits extension elements "lax": without their schemas loaded, xmllint would not
 * check TrackPointExtension content at all. So a small wrapper schema imports gpx.xsd and both
 * TrackPointExtension versions from the corpus by absolute path, and every file is validated
 * against that: each namespace resolves locally, nothing is fetched from the network.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const IMPORTS: [string, string][] = [
  ['http://www.topografix.com/GPX/1/1', 'gpx.xsd'],
  ['http://www.garmin.com/xmlschemas/TrackPointExtension/v1', 'TrackPointExtensionv1.xsd'],
  ['http://www.garmin.com/xmlschemas/TrackPointExtension/v2', 'TrackPointExtensionv2.xsd'],
];

/** Throws a clear error when `tool` is not installed. */
export function requireTool(tool: 'xmllint' | 'gpsbabel'): void {
  const r = spawnSync(tool, [tool === 'xmllint' ? '--version' : '-V'], { encoding: 'utf8' });
  if (r.error) {
    throw new Error(`${tool} is not installed; this test needs it (apt-get install -y ${tool === 'xmllint' ? 'libxml2-utils' : 'gpsbabel'})`);
  }
}

let wrapper: string | undefined;

/** The wrapper schema importing gpx.xsd and TrackPointExtension v1/v2 from `xsdDir`. */
export function gpxSchema(xsdDir: string): string {
  if (wrapper) return wrapper;
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-xsd-'));
  const imports = IMPORTS.map(([ns, file]) => `  <xsd:import namespace="${ns}" schemaLocation="${pathToFileURL(join(xsdDir, file)).href}"/>`);
  wrapper = join(dir, 'gpx-all.xsd');
  writeFileSync(wrapper, `<?xml version="1.0" encoding="UTF-8"?>\n<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n${imports.join('\n')}\n</xsd:schema>\n`);
  return wrapper;
}

/** xmllint's verdict: ok, or its error lines. */
export function validateGpx(file: string, xsdDir: string): { ok: boolean; errors: string } {
  requireTool('xmllint');
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', gpxSchema(xsdDir), file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { ok: r.status === 0, errors: r.stderr.trim() };
}

/** Track points gpsbabel reads from a GPX (unicsv rows, header excluded). */
export function gpsbabelTrackRows(file: string): string[] {
  requireTool('gpsbabel');
  const r = spawnSync('gpsbabel', ['-t', '-i', 'gpx', '-f', file, '-o', 'unicsv', '-F', '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`gpsbabel could not read ${file}: ${r.error?.message ?? r.stderr}`);
  const lines = r.stdout.split(/\r?\n/).filter(Boolean);
  return lines.slice(1);
}

/**
 * gpsbabel's own reading of a FIT file (`-i garmin_fit`), as GPX text. gpsbabel refuses a file
 * whose CRC fails; then it is asked again with `recoverymode`, which reads as far as it can
 * (`recovered` says so). undefined with its error when it cannot read the file at all.
 */
export function gpsbabelFromFit(fit: string, out: string): { gpx?: string; recovered: boolean; error?: string } {
  requireTool('gpsbabel');
  const run = (format: string) => spawnSync('gpsbabel', ['-i', format, '-f', fit, '-o', 'gpx', '-F', out], { encoding: 'utf8' });
  let r = run('garmin_fit');
  if (r.status === 0) return { gpx: readFileSync(out, 'utf8'), recovered: false };
  r = run('garmin_fit,recoverymode');
  if (r.status === 0) return { gpx: readFileSync(out, 'utf8'), recovered: true };
  return { recovered: true, error: r.stderr.trim().split('\n').join('; ') };
}
