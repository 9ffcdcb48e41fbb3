/** Renders a FIT file as a FitCSVTool CSV in memory, for conformance tests. */
import type { Diagnostic } from '../../src/core/errors.js';
import type { Profile } from '../../src/core/fit/profile/profile.js';
import { scanFrames } from '../../src/core/fit/decode/raw.js';
import { createFitCsvDecoder, type FitCsvOptions } from '../../src/core/formats/fitcsv.js';

export interface Rendered {
  csv: string;
  diagnostics: Diagnostic[];
  /** Profile names of fields stored in fewer bytes than their base type (and their subfields). */
  misalignedNames: Set<string>;
}

export function renderCsv(bytes: Uint8Array, profile: Profile, opts: FitCsvOptions & { expandComponents?: boolean } = {}): Rendered {
  const rows: string[] = [];
  const { decoder, writer } = createFitCsvDecoder({ ...opts, profile }, (l) => rows.push(l));
  decoder.push(bytes);
  decoder.end();
  const csv = rows.length ? '\uFEFF' + writer.headerRow() + '\n' + rows.join('\n') + '\n' : '';

  const misalignedNames = new Set<string>();
  scanFrames(bytes, (f) => {
    if (f.kind !== 'definition') return;
    for (const fd of f.fields) {
      if (!fd.baseType || fd.size >= fd.baseType.size) continue;
      const def = profile.field(f.globalNum, fd.num);
      if (!def) continue;
      misalignedNames.add(def.name);
      for (const s of def.subfields) misalignedNames.add(s.name);
    }
  }, { values: false });
  return { csv, diagnostics: decoder.diagnostics, misalignedNames };
}
