// `node --import ./test/helpers/import-trace.mjs ...`: every module URL the process resolves is
// appended, one per line, to the file FITKIT_IMPORT_TRACE names (Node's module customisation hooks).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.FITKIT_IMPORT_TRACE) appendFileSync(process.env.FITKIT_IMPORT_TRACE, r.url + '\\n');
  return r;
}`),
);
