/**
 * The PTP datasets fitkit reads (docs/mtp.md): DeviceInfo, StorageInfo, ObjectInfo
 * and the u32 arrays of StorageIDs/ObjectHandles. Decoders are for the client, encoders for the
 * simulated watch; both pure.
 */
import { ObjectFormat } from './codes.js';
import { DatasetReader, DatasetWriter } from './dataset-io.js';
import { MtpError } from './errors.js';

export interface DeviceInfo {
  standardVersion: number;
  vendorExtensionId: number;
  vendorExtensionVersion: number;
  vendorExtensionDesc: string;
  functionalMode: number;
  operations: number[];
  events: number[];
  deviceProperties: number[];
  captureFormats: number[];
  playbackFormats: number[];
  manufacturer: string;
  model: string;
  deviceVersion: string;
  serialNumber: string;
}

export interface StorageInfo {
  storageType: number;
  filesystemType: number;
  accessCapability: number;
  maxCapacity: number;
  freeSpaceInBytes: number;
  freeSpaceInObjects: number;
  description: string;
  volumeIdentifier: string;
}

export interface ObjectInfo {
  storageId: number;
  format: number;
  protectionStatus: number;
  /** 0xFFFFFFFF when the object is 4 GiB or more (ask property ObjectSize). */
  compressedSize: number;
  thumbFormat: number;
  thumbCompressedSize: number;
  thumbPixWidth: number;
  thumbPixHeight: number;
  imagePixWidth: number;
  imagePixHeight: number;
  imageBitDepth: number;
  /** 0 (or 0xFFFFFFFF on some stacks) for root-level objects. */
  parent: number;
  associationType: number;
  associationDesc: number;
  sequenceNumber: number;
  filename: string;
  dateCreated: string;
  dateModified: string;
  keywords: string;
}

/** Folders are format 0x3001 whatever their AssociationDesc (Garmin uses 1). */
export function isFolder(info: Pick<ObjectInfo, 'format'>): boolean {
  return info.format === ObjectFormat.Association;
}

export function decodeDeviceInfo(bytes: Uint8Array): DeviceInfo {
  const r = new DatasetReader(bytes, 'DeviceInfo');
  return {
    standardVersion: r.u16('StandardVersion'),
    vendorExtensionId: r.u32('VendorExtensionID'),
    vendorExtensionVersion: r.u16('VendorExtensionVersion'),
    vendorExtensionDesc: r.string('VendorExtensionDesc'),
    functionalMode: r.u16('FunctionalMode'),
    operations: r.u16Array('OperationsSupported'),
    events: r.u16Array('EventsSupported'),
    deviceProperties: r.u16Array('DevicePropertiesSupported'),
    captureFormats: r.u16Array('CaptureFormats'),
    playbackFormats: r.u16Array('PlaybackFormats'),
    // libmtp treats the trailing strings as optional; so do we.
    manufacturer: r.optionalString('Manufacturer'),
    model: r.optionalString('Model'),
    deviceVersion: r.optionalString('DeviceVersion'),
    serialNumber: r.optionalString('SerialNumber'),
  };
}

export function encodeDeviceInfo(d: DeviceInfo): Uint8Array {
  return new DatasetWriter()
    .u16(d.standardVersion)
    .u32(d.vendorExtensionId)
    .u16(d.vendorExtensionVersion)
    .string(d.vendorExtensionDesc)
    .u16(d.functionalMode)
    .u16Array(d.operations)
    .u16Array(d.events)
    .u16Array(d.deviceProperties)
    .u16Array(d.captureFormats)
    .u16Array(d.playbackFormats)
    .string(d.manufacturer)
    .string(d.model)
    .string(d.deviceVersion)
    .string(d.serialNumber)
    .bytes();
}

export function decodeStorageInfo(bytes: Uint8Array): StorageInfo {
  const r = new DatasetReader(bytes, 'StorageInfo');
  return {
    storageType: r.u16('StorageType'),
    filesystemType: r.u16('FilesystemType'),
    accessCapability: r.u16('AccessCapability'),
    maxCapacity: r.u64('MaxCapacity'),
    freeSpaceInBytes: r.u64('FreeSpaceInBytes'),
    freeSpaceInObjects: r.u32('FreeSpaceInObjects'),
    description: r.optionalString('StorageDescription'),
    volumeIdentifier: r.optionalString('VolumeIdentifier'),
  };
}

export function encodeStorageInfo(s: StorageInfo): Uint8Array {
  return new DatasetWriter()
    .u16(s.storageType)
    .u16(s.filesystemType)
    .u16(s.accessCapability)
    .u64(s.maxCapacity)
    .u64(s.freeSpaceInBytes)
    .u32(s.freeSpaceInObjects)
    .string(s.description)
    .string(s.volumeIdentifier)
    .bytes();
}

/** Bytes before the first string of an ObjectInfo. */
export const OBJECT_INFO_FIXED = 52;

export function decodeObjectInfo(bytes: Uint8Array): ObjectInfo {
  // Samsung's 64-bit size field shifts everything by 4 (§3.5): the filename count byte reads 0
  // while the byte 4 further on does not. Refuse rather than mis-parse every later field.
  if (bytes.length > OBJECT_INFO_FIXED + 4 && bytes[OBJECT_INFO_FIXED] === 0 && bytes[OBJECT_INFO_FIXED + 4] !== 0) {
    throw new MtpError('mtp_dataset', 'ObjectInfo looks shifted by 4 bytes (a 64-bit size field); not a standard ObjectInfo', { offset: OBJECT_INFO_FIXED });
  }
  const r = new DatasetReader(bytes, 'ObjectInfo');
  return {
    storageId: r.u32('StorageID'),
    format: r.u16('ObjectFormat'),
    protectionStatus: r.u16('ProtectionStatus'),
    compressedSize: r.u32('ObjectCompressedSize'),
    thumbFormat: r.u16('ThumbFormat'),
    thumbCompressedSize: r.u32('ThumbCompressedSize'),
    thumbPixWidth: r.u32('ThumbPixWidth'),
    thumbPixHeight: r.u32('ThumbPixHeight'),
    imagePixWidth: r.u32('ImagePixWidth'),
    imagePixHeight: r.u32('ImagePixHeight'),
    imageBitDepth: r.u32('ImageBitDepth'),
    parent: r.u32('ParentObject'),
    associationType: r.u16('AssociationType'),
    associationDesc: r.u32('AssociationDesc'),
    sequenceNumber: r.u32('SequenceNumber'),
    filename: r.string('Filename'),
    dateCreated: r.optionalString('DateCreated'),
    dateModified: r.optionalString('DateModified'),
    keywords: r.optionalString('Keywords'),
  };
}

export function encodeObjectInfo(o: ObjectInfo): Uint8Array {
  return new DatasetWriter()
    .u32(o.storageId)
    .u16(o.format)
    .u16(o.protectionStatus)
    .u32(o.compressedSize)
    .u16(o.thumbFormat)
    .u32(o.thumbCompressedSize)
    .u32(o.thumbPixWidth)
    .u32(o.thumbPixHeight)
    .u32(o.imagePixWidth)
    .u32(o.imagePixHeight)
    .u32(o.imageBitDepth)
    .u32(o.parent)
    .u16(o.associationType)
    .u32(o.associationDesc)
    .u32(o.sequenceNumber)
    .string(o.filename)
    .string(o.dateCreated)
    .string(o.dateModified)
    .string(o.keywords)
    .bytes();
}

/** StorageIDs and ObjectHandles: a u32 array. */
export function decodeU32Array(bytes: Uint8Array, what: string): number[] {
  return new DatasetReader(bytes, what).u32Array(what);
}

export function encodeU32Array(values: readonly number[]): Uint8Array {
  return new DatasetWriter().u32Array(values).bytes();
}
