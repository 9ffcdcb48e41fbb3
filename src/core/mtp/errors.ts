/**
 * MTP failures above the USB layer. USB failures (unplug, timeout, stall that could not be
 * recovered) stay `UsbError`s so the sync engine can tell "device gone" from "device said no";
 * everything the device *said* or got wrong becomes an MtpError with a stable `code`.
 */
import { FitkitError } from '../errors.js';
import { describeResponse, operationName } from './codes.js';

export type MtpErrorCode =
  /** The device answered an operation with a non-OK response code (`response`). */
  | 'mtp_response'
  /** The device broke the container protocol (bad length, type, code or transaction id). */
  | 'mtp_protocol'
  /** A dataset (DeviceInfo, ObjectInfo…) could not be parsed. */
  | 'mtp_dataset'
  /** The device does not advertise an operation we need. */
  | 'mtp_unsupported'
  /** Another program has claimed the interface. */
  | 'mtp_claim_busy'
  /** No MTP interface on the USB device. */
  | 'mtp_no_interface'
  /** No storage with a GARMIN folder. */
  | 'mtp_no_garmin_folder'
  /** The object's bytes did not match the size it claimed. */
  | 'mtp_size_mismatch'
  /** An endpoint stalled mid-transfer; it was recovered but the transfer is incomplete. */
  | 'mtp_stall';

export interface MtpErrorOptions {
  operation?: number;
  response?: number;
  /** Bytes of the data phase already handed to the caller when the error struck. */
  delivered?: number;
  file?: string;
  offset?: number;
  cause?: unknown;
}

export class MtpError extends FitkitError {
  declare readonly code: MtpErrorCode;
  readonly operation?: number;
  readonly response?: number;
  readonly delivered?: number;

  constructor(code: MtpErrorCode, message: string, options: MtpErrorOptions = {}) {
    super(code, message, { file: options.file, offset: options.offset, cause: options.cause });
    this.name = 'MtpError';
    if (options.operation !== undefined) this.operation = options.operation;
    if (options.response !== undefined) this.response = options.response;
    if (options.delivered !== undefined) this.delivered = options.delivered;
  }

  /** A non-OK response to `operation`. */
  static response(operation: number, response: number, what?: string): MtpError {
    return new MtpError('mtp_response', `${operationName(operation)}${what ? ' ' + what : ''} failed: ${describeResponse(response)}`, { operation, response });
  }
}

export function isMtpError(e: unknown, code?: MtpErrorCode): e is MtpError {
  return e instanceof MtpError && (code === undefined || e.code === code);
}
