/**
 * Where the FIT profile extract comes from: dist/ in the repo (written by the build), else the
 * user's cache (written here on first run from the installed `@garmin/fitsdk`, keyed by its
 * version), else the package itself. Writing the cache is best effort: a read-only home still works.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/**
 * The installed `@garmin/fitsdk`'s Profile, loaded synchronously, so that no fitkit module needs a
 * top-level await (the CLI's plain runs are CommonJS bundles, which cannot hold one). The SDK is ES
 * modules only: a Node that can require them (20.19 and later) does; an older one imports the SDK
 * in a child Node that prints the Profile as JSON (plain data).
 */
export function garminSdkProfile(requireModule = (process.features as { require_module?: boolean }).require_module === true): Parameters<typeof extractSdkProfile>[0] {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@garmin/fitsdk');
  if (requireModule) return (require(path) as typeof import('@garmin/fitsdk')).Profile;
  const script = `const { Profile } = await import(${JSON.stringify(pathToFileURL(path).href)}); process.stdout.write(JSON.stringify(Profile));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Parameters<typeof extractSdkProfile>[0];
}

export function loadSdkProfile(buildExtract: URL, env: NodeJS.ProcessEnv = process.env): PackedSdkProfile {
  const built = readExtract(buildExtract);
  if (built) return built;
  const cached = join(cacheDir(env), `sdk-profile-${sdkPackageVersion()}-f${PACKED_FORMAT}.json`);
  const hit = readExtract(cached);
  if (hit) return hit;
  const extract = packSdkProfile(extractSdkProfile(garminSdkProfile()));
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
