/** xmllint with Garmin's TCX and ActivityExtension v2 schemas, gpsbabel's reading of a TCX: the real clients fit2tcx answers to. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireTool } from './gpx-tools.js';

let wrapper: string | undefined;

/** A schema importing TrainingCenterDatabasev2.xsd and ActivityExtensionv2.xsd from `xsdDir`. */
function tcxSchema(xsdDir: string): string {
  if (wrapper) return wrapper;
  const imp = (ns: string, file: string) => `  <xsd:import namespace="${ns}" schemaLocation="${pathToFileURL(join(xsdDir, file)).href}"/>`;
  wrapper = join(mkdtempSync(join(tmpdir(), 'fitkit-tcx-xsd-')), 'tcx-all.xsd');
  writeFileSync(
    wrapper,
    `<?xml version="1.0" encoding="UTF-8"?>\n<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n` +
      `${imp('http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2', 'TrainingCenterDatabasev2.xsd')}\n` +
      `${imp('http://www.garmin.com/xmlschemas/ActivityExtension/v2', 'ActivityExtensionv2.xsd')}\n</xsd:schema>\n`,
  );
  return wrapper;
}

/** xmllint's verdict on many TCX files in one run: the files it did not validate, with its errors. */
export function validateTcxFiles(files: string[], xsdDir: string): { failed: string[]; errors: string } {
  requireTool('xmllint');
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', tcxSchema(xsdDir), ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const failed = files.filter((f) => r.stderr.includes(`${f} fails to validate`) || !r.stderr.includes(`${f} validates`));
  return {
    failed,
    errors: r.stderr
      .split('\n')
      .filter((l) => !l.endsWith(' validates'))
      .slice(0, 20)
      .join('\n'),
  };
}

/** Track points gpsbabel reads from TCX files (`-i gtrnctr`, all in one run), as unicsv rows without the header. */
export function gpsbabelTcxRows(files: string[]): string[] {
  requireTool('gpsbabel');
  const r = spawnSync('gpsbabel', ['-t', '-i', 'gtrnctr', ...files.flatMap((f) => ['-f', f]), '-o', 'unicsv,utc=0', '-F', '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`gpsbabel could not read ${files.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout.split(/\r?\n/).filter(Boolean).slice(1);
}
