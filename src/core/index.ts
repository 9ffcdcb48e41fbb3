/**
 * fitkit's library surface: everything the commands use, usable without the CLI.
 */
export { FitkitError, isDeviceGone, type Diagnostic, type Severity } from './errors.js';
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
export {
  ColumnDecoder,
  decodeFitColumns,
  decodeFitColumnsStream,
  columnRows,
  cellAt,
  type ColumnDecodeOptions,
  type ColumnDecodeResult,
  type MessageColumns,
  type Column,
  type NumberColumn,
  type TimeColumn,
  type StringColumn,
  type ArrayColumn,
  type ValuesColumn,
} from './fit/decode/columns.js';
export { sortIntoLibrary, type SortOptions } from './library/sorter.js';
export { Library, type Admission, type Admitted, type LibraryOptions } from './library/library.js';
export { analyseBytes, type Analysis } from './library/analyse.js';
export type { SortReport, SortedFile, SortTotals } from './library/sort-report.js';
export { readFileId, readFileIdFromFile } from './library/file-id.js';
export { LibraryIndex } from './library/library-index.js';
export { LibraryLock } from './library/lock.js';
export { placeDir, deviceDir, typeDir, parseTypeFilter, type FileIdInfo } from './library/layout.js';
export { sanitiseFileName } from './library/sanitise.js';
export { fitToGpx, readLocations, type FitToGpxOptions, type FitToGpxResult } from './activity/gpx/fit-gpx.js';
export { validateBytes, type FileReport } from './validate/validate-file.js';
export { validateMany, type ValidateManyOptions } from './validate/validate-pool.js';
export { activityChecklist, passesRequired, type CheckResult, type CheckStatus } from './activity/checks/checklist.js';
export { salvageFit, type SalvageResult, type SalvagedFile } from './activity/repair/salvage.js';
export { FitEncoder, encodeFit } from './fit/encode/encoder.js';
export { BufferSink, type FitSink } from './fit/encode/sink.js';
export { parseTcx } from './formats/tcx.js';
export { tcxToFit } from './activity/tcx/tcx-to-fit.js';
export { repairFit, type RepairOptions, type RepairResult } from './activity/repair/repair.js';
export { missingSummary } from './activity/summaries/summary.js';
export { UsbError, isUsbError, type UsbBackend, type UsbDevice, type UsbDeviceInfo, type UsbErrorKind } from './usb/backend.js';
export { nodeUsbBackend } from './usb/node-usb.js';
export type { DeviceCandidate, DeviceIdentity, DeviceProvider, DeviceSession, RemoteFile, Transport } from './sync/device-source.js';
export { syncDevice, type DeviceSyncReport, type SyncDeviceOptions, type SyncedFile, type SyncEvent } from './sync/sync-device.js';
export { SyncService, type SyncServiceOptions, type DeviceError } from './sync/sync-service.js';
export { realProviders } from './sync/providers.js';
export { MtpProvider, type MtpProviderOptions } from './sync/sources/mtp-source.js';
export { MscProvider, type MscProviderOptions } from './sync/sources/msc-source.js';
export { AntProvider, type AntProviderOptions } from './sync/sources/antfs-source.js';
export { installPlan, udevRules, systemdUnit, type InstallOptions } from './sync/install.js';
export { installFiles } from './sync/install-files.js';
export { startSimulation, SIMULATIONS, type Simulation, type SimulationOptions } from './sync/simulate.js';
