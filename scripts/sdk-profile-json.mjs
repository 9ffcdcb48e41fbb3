// Writes the profile extract (dist/core/fit/profile/sdk-extract.js says what and why) into dist/
// for runs from the repo. Generated from the installed package, never committed; `files` in
// package.json keeps it out of the published package, whose users get it in their cache instead.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Profile } from '@garmin/fitsdk';
import { extractSdkProfile, packSdkProfile, serializeSdkProfile } from '../dist/core/fit/profile/sdk-extract.js';

const out = 'dist/core/fit/profile/sdk-profile.json';
mkdirSync('dist/core/fit/profile', { recursive: true });
writeFileSync(out + '.tmp', serializeSdkProfile(packSdkProfile(extractSdkProfile(Profile))));
renameSync(out + '.tmp', out);
