// A CommonJS bundle run by src/cli/bundle-loader.ts gets `import()` from the loader: its
// `await import(x)` calls become `await __fitkitImport(x)` (the loader explains why). Any other
// form of import() left in the bundle would fail at run time, so it fails the build here.
import { readFileSync, writeFileSync } from 'node:fs';

export function serveDynamicImports(file) {
  const text = readFileSync(file, 'utf8').replaceAll(/\bawait import\(/g, 'await __fitkitImport(');
  const left = text.replaceAll('"import()"', '').match(/(?<![\w$.])import\(/g);
  if (left) throw new Error(`${file}: ${left.length} import() calls the bundle loader cannot serve`);
  writeFileSync(file, text);
}
