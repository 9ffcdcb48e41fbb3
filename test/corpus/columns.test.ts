/**
 * The columnar decoder holds, cell for cell and in file order, what the object decoder gives
 * (dates as FIT seconds, enums as numbers) on every corpus file.
 */
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { standardProfile } from '../../src/core/fit/profile/profile.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../helpers/corpus.js';
import { expectSameAsObjects } from '../helpers/columns-same.js';

const profile = standardProfile();

describeCorpus('decodeFitColumns equals decodeFitObjects over the corpus', () => {
  for (const rel of corpusFitFiles()) it(rel, () => void expectSameAsObjects(readFileSync(corpusPath('fit', rel + '.fit')), profile));
});
