/**
 * fitkit's library surface: everything the commands use, usable without the CLI.
 */
export { FitkitError, type Diagnostic, type Severity } from './errors.js';
export { crc16 } from './bytes/crc16.js';
export { BaseType, BASE_TYPES, type BaseTypeInfo } from './fit/proto/base-types.js';
export { Profile, standardProfile } from './fit/profile/profile.js';
export type { ProfileExtra } from './fit/profile/extra.js';
export type { FieldDef, MessageDef, SubField, Component, TypeDef } from './fit/profile/types.js';
export type { Frame, HeaderFrame, DefinitionFrame, DataFrame, CrcFrame, RawValue, RawScalar } from './fit/decode/frames.js';
export { RawDecoder, scanFrames, type RawDecoderOptions } from './fit/decode/raw.js';
export { Interpreter, type InterpretOptions } from './fit/decode/interpret.js';
export type { FitMessage, FitField, FieldKind } from './fit/decode/message.js';
export { decodeFit, decodeFitStream, scanFit, type DecodeOptions, type DecodeResult, type ScanResult } from './fit/decode/decoder.js';
export { dateFromFitTime, isoFromFitTime, fitTimeFromDate, FIT_EPOCH_S } from './fit/kit/time.js';
export { FitCsvWriter, createFitCsvDecoder, type FitCsvOptions } from './formats/fitcsv.js';
export { fieldValue, messageToObject, jsonReplacer, type Value, type ValueOptions, type MessageObject } from './fit/decode/values.js';
export { ObjectDecoder, decodeFitObjects, decodeFitObjectsStream, type ObjectDecodeOptions, type ObjectDecodeResult } from './fit/decode/objects.js';
export { sortIntoLibrary, type SortOptions } from './library/sorter.js';
export type { SortReport, SortedFile, SortTotals } from './library/sort-report.js';
export { readFileId, readFileIdFromFile } from './library/file-id.js';
export { LibraryIndex } from './library/library-index.js';
export { LibraryLock } from './library/lock.js';
export { placeDir, deviceDir, typeDir, parseTypeFilter, type FileIdInfo } from './library/layout.js';
export { sanitiseFileName } from './library/sanitise.js';
export { fitToGpx, readLocations, type FitToGpxOptions, type FitToGpxResult } from './activity/fit-gpx.js';
export { validateBytes, type FileReport } from './validate/validate-file.js';
export { validateMany, type ValidateManyOptions } from './validate/validate-pool.js';
export { activityChecklist, passesRequired, type CheckResult, type CheckStatus } from './activity/checklist.js';
export { salvageFit, type SalvageResult, type SalvagedFile } from './activity/salvage.js';
export { FitEncoder, encodeFit } from './fit/encode/encoder.js';
export { BufferSink, type FitSink } from './fit/encode/sink.js';
export { parseTcx } from './formats/tcx.js';
export { tcxToFit } from './activity/tcx-to-fit.js';
