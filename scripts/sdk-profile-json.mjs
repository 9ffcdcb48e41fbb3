// Extracts what fitkit reads of @garmin/fitsdk's Profile into dist/ as JSON at build time: the
// CLI then parses ~0.5 MB of JSON at start instead of evaluating the SDK's 1 MB profile module
// (a tenth of a second and ~10 MB on a small machine). Generated from the package, never edited
// or committed; src/core/fit/profile/sdk-profile.ts falls back to the package without it.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Profile } from '@garmin/fitsdk';

const pick = (o, keys) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
const SUB = ['name', 'type', 'baseType', 'scale', 'offset', 'units', 'bits', 'components', 'map'];
const FIELD = ['num', 'name', 'type', 'baseType', 'array', 'scale', 'offset', 'units', 'bits', 'components', 'isAccumulated'];

const messages = Object.fromEntries(
  Object.entries(Profile.messages).map(([k, m]) => [
    k,
    {
      num: m.num,
      name: m.name,
      fields: Object.fromEntries(
        Object.entries(m.fields).map(([n, f]) => [n, { ...pick(f, FIELD), subFields: f.subFields.map((s) => pick(s, SUB)) }]),
      ),
    },
  ]),
);
const out = 'dist/core/fit/profile/sdk-profile.json';
mkdirSync('dist/core/fit/profile', { recursive: true });
writeFileSync(out + '.tmp', JSON.stringify({ version: Profile.version, messages, types: Profile.types }));
renameSync(out + '.tmp', out);
