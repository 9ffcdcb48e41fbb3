/** Renders a FIT file as a FitCSVTool CSV in memory, for conformance tests. */
import type { Diagnostic } from '../../src/core/errors.js';
import type { Profile } from '../../src/core/fit/profile/profile.js';
import { scanFrames } from '../../src/core/fit/decode/raw.js';
import { createFitCsvDecoder, headerRow, type FitCsvOptions } from '../../src/core/formats/fitcsv.js';
import { FitCsvPrescan } from '../../src/core/formats/fitcsv-width.js';

export interface Rendered {
  csv: string;
  diagnostics: Diagnostic[];
  /** Profile names of fields stored in fewer bytes than their base type (and their subfields). */
  misalignedNames: Set<string>;
}

/**
 * The header comes from the pre-scan the CLI streams with (fitcsv-width.ts), and must equal the
 * widest row the rows then make: every conformance test checks the pre-scan too.
 */
export function renderCsv(bytes: Uint8Array, profile: Profile, opts: FitCsvOptions & { expandComponents?: boolean } = {}): Rendered {
  const rows: string[] = [];
  const scan = new FitCsvPrescan({ ...opts, profile });
  scan.push(bytes);
  const width = scan.end();
  const { decoder, writer } = createFitCsvDecoder({ ...opts, profile }, (l) => rows.push(l));
  decoder.push(bytes);
  decoder.end();
  if (writer.width !== width.width) throw new Error(`pre-scan width ${width.width}, rows ${writer.width}`);
  if (rows.length !== width.rows) throw new Error(`pre-scan counted ${width.rows} rows, there are ${rows.length}`);
  const csv = rows.length ? '\uFEFF' + headerRow(width.width) + '\n' + rows.join('\n') + '\n' : '';

  const misalignedNames = new Set<string>();
  scanFrames(
    bytes,
    (f) => {
      if (f.kind !== 'definition') return;
      for (const fd of f.fields) {
        if (!fd.baseType || fd.size >= fd.baseType.size) continue;
        const def = profile.field(f.globalNum, fd.num);
        if (!def) continue;
        misalignedNames.add(def.name);
        for (const s of def.subfields) misalignedNames.add(s.name);
      }
    },
    { values: false },
  );
  return { csv, diagnostics: decoder.diagnostics, misalignedNames };
}
