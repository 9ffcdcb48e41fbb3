/** Counts in words; lives in core (formats/plural.ts) so core messages and the CLI say them alike. */
export { plural } from '../core/formats/plural.js';
