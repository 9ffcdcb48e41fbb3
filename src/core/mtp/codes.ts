/**
 * PTP/MTP code tables (docs/mtp.md): container types, the operations fitkit
 * uses or must recognise, response and event codes, object formats and the PTP class requests.
 * Each table is an `as const` object so one name serves as value and type; `*Name()` turns a
 * code into text for errors and traces.
 */

export const ContainerType = {
  Command: 1,
  Data: 2,
  Response: 3,
  Event: 4,
} as const;
export type ContainerType = (typeof ContainerType)[keyof typeof ContainerType];

export const Operation = {
  GetDeviceInfo: 0x1001,
  OpenSession: 0x1002,
  CloseSession: 0x1003,
  GetStorageIDs: 0x1004,
  GetStorageInfo: 0x1005,
  GetNumObjects: 0x1006,
  GetObjectHandles: 0x1007,
  GetObjectInfo: 0x1008,
  GetObject: 0x1009,
  GetThumb: 0x100a,
  DeleteObject: 0x100b,
  SendObjectInfo: 0x100c,
  SendObject: 0x100d,
  GetDevicePropDesc: 0x1014,
  GetDevicePropValue: 0x1015,
  SetDevicePropValue: 0x1016,
  ResetDevicePropValue: 0x1017,
  MoveObject: 0x1019,
  GetPartialObject: 0x101b,
  GetObjectPropsSupported: 0x9801,
  GetObjectPropDesc: 0x9802,
  GetObjectPropValue: 0x9803,
  SetObjectPropValue: 0x9804,
  /** Broken on Garmin (§3.8): fitkit never sends it. */
  GetObjPropList: 0x9805,
  GetObjectReferences: 0x9810,
  SetObjectReferences: 0x9811,
  /** Android extension; not advertised by Garmin. */
  GetPartialObject64: 0x95c1,
} as const;

export const Response = {
  OK: 0x2001,
  GeneralError: 0x2002,
  SessionNotOpen: 0x2003,
  InvalidTransactionID: 0x2004,
  OperationNotSupported: 0x2005,
  ParameterNotSupported: 0x2006,
  IncompleteTransfer: 0x2007,
  InvalidStorageID: 0x2008,
  InvalidObjectHandle: 0x2009,
  DevicePropNotSupported: 0x200a,
  InvalidObjectFormatCode: 0x200b,
  StoreFull: 0x200c,
  ObjectWriteProtected: 0x200d,
  StoreReadOnly: 0x200e,
  AccessDenied: 0x200f,
  NoThumbnailPresent: 0x2010,
  SelfTestFailed: 0x2011,
  PartialDeletion: 0x2012,
  StoreNotAvailable: 0x2013,
  SpecificationByFormatUnsupported: 0x2014,
  NoValidObjectInfo: 0x2015,
  InvalidCodeFormat: 0x2016,
  UnknownVendorCode: 0x2017,
  CaptureAlreadyTerminated: 0x2018,
  DeviceBusy: 0x2019,
  InvalidParentObject: 0x201a,
  InvalidDevicePropFormat: 0x201b,
  InvalidDevicePropValue: 0x201c,
  InvalidParameter: 0x201d,
  SessionAlreadyOpen: 0x201e,
  TransactionCancelled: 0x201f,
  SpecificationOfDestinationUnsupported: 0x2020,
  InvalidObjectPropCode: 0xa801,
  InvalidObjectPropFormat: 0xa802,
  InvalidObjectPropValue: 0xa803,
  InvalidObjectReference: 0xa804,
  InvalidDataset: 0xa806,
  SpecificationByGroupUnsupported: 0xa807,
  SpecificationByDepthUnsupported: 0xa808,
  ObjectTooLarge: 0xa809,
  ObjectPropNotSupported: 0xa80a,
} as const;

export const Event = {
  CancelTransaction: 0x4001,
  ObjectAdded: 0x4002,
  ObjectRemoved: 0x4003,
  StoreAdded: 0x4004,
  StoreRemoved: 0x4005,
  DevicePropChanged: 0x4006,
  ObjectInfoChanged: 0x4007,
  DeviceInfoChanged: 0x4008,
  StoreFull: 0x400a,
  DeviceReset: 0x400b,
  StorageInfoChanged: 0x400c,
  UnreportedStatus: 0x400e,
} as const;

export const ObjectFormat = {
  Undefined: 0x3000,
  Association: 0x3001,
  Text: 0x3004,
} as const;

/** MTP object property codes used with GetObjectPropValue. */
export const ObjectProp = {
  ObjectSize: 0xdc04,
  ObjectFileName: 0xdc07,
} as const;

/** PTP still-image class requests (bRequest), sent to the interface (§3.2). */
export const ClassRequest = {
  Cancel: 0x64,
  GetExtendedEventData: 0x65,
  DeviceReset: 0x66,
  GetDeviceStatus: 0x67,
} as const;

/** The code that opens a Cancel Request's 6-byte payload. */
export const CANCEL_REQUEST_CODE = 0x4001;

/** GetObjectHandles parent: root level only. Also the "all storages" storage id. */
export const ALL = 0xffffffff;

function namer(table: Record<string, number>): (code: number) => string {
  const names = new Map<number, string>();
  for (const [k, v] of Object.entries(table)) names.set(v, k);
  return (code) => names.get(code) ?? '0x' + code.toString(16).padStart(4, '0');
}

export const operationName = namer(Operation);
export const responseName = namer(Response);

/** `GeneralError (0x2002)`: name and hex, for messages. */
export function describeResponse(code: number): string {
  return `${responseName(code)} (0x${code.toString(16).padStart(4, '0')})`;
}
