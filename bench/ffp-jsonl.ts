/**
 * The peer of `fitkit dump --json` in the bench: fit-file-parser (default options) on the whole
 * file, then one JSON line per message on stdout. Usage: node ffp-jsonl.js FILE.fit
 */
import { readFileSync } from 'node:fs';

const { default: FitParser } = await import('fit-file-parser');
const data = (await new FitParser().parseAsync(readFileSync(process.argv[2]))) as unknown as Record<string, unknown>;
let buf = '';
for (const [type, list] of Object.entries(data)) {
  if (!Array.isArray(list)) continue;
  for (const m of list) {
    buf += JSON.stringify({ type, ...(m as object) }) + '\n';
    if (buf.length > 1 << 20) {
      process.stdout.write(buf);
      buf = '';
    }
  }
}
process.stdout.write(buf);
