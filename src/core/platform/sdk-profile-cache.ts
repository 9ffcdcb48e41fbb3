/**
 * Where the FIT profile extract comes from: dist/ in the repo (written by the build), else the
 * user's cache (written here on first run from the installed `@garmin/fitsdk`, keyed by its
 * version), else the package itself. Writing the cache is best effort: a read-only home still works.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { extractSdkProfile, packSdkProfile, parseSdkProfile, serializeSdkProfile, PACKED_FORMAT, type PackedSdkProfile } from '../fit/profile/sdk-extract.js';
import { cacheDir } from './xdg.js';

function readExtract(path: string | URL): PackedSdkProfile | undefined {
  try {
    // A file in an older layout is passed over (a cache one is made again).
    return parseSdkProfile(readFileSync(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A damaged cache file is made again; a damaged build output is a build problem.
    if (typeof path === 'string' && e instanceof SyntaxError) return undefined;
    throw e;
  }
}

function sdkPackageVersion(): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve('@garmin/fitsdk/package.json'), 'utf8')) as { version: string }).version;
}

export async function loadSdkProfile(buildExtract: URL, env: NodeJS.ProcessEnv = process.env): Promise<PackedSdkProfile> {
  const built = readExtract(buildExtract);
  if (built) return built;
  const cached = join(cacheDir(env), `sdk-profile-${sdkPackageVersion()}-f${PACKED_FORMAT}.json`);
  const hit = readExtract(cached);
  if (hit) return hit;
  const extract = packSdkProfile(extractSdkProfile((await import('@garmin/fitsdk')).Profile));
  try {
    mkdirSync(cacheDir(env), { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, serializeSdkProfile(extract));
    renameSync(tmp, cached);
  } catch {
    // No cache: the next run extracts again.
  }
  return extract;
}
