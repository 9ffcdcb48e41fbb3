/** Error and diagnostic kinds shared by every part of fitkit's core. */

export type Severity = 'error' | 'warning' | 'info';

/**
 * Problems found inside a file (a {@link Diagnostic}'s code). Each can become an error's code
 * too: a fatal diagnostic is thrown as a FitkitError.
 */
export const DIAGNOSTIC_CODES = [
  'activity_no_summary',
  'architecture',
  'bad_definition',
  'chained',
  'checked_before_stop',
  'course_missing',
  'course_no_lap',
  'course_no_records',
  'course_point_distance',
  'course_point_order',
  'course_point_position',
  'course_point_time',
  'course_point_type',
  'course_record_position',
  'course_record_time',
  'crc_mismatch',
  'crc_missing',
  'data_size_mismatch',
  'data_size_past_end',
  'data_size_short',
  'data_size_zero',
  'field_size',
  'file_id_missing',
  'file_id_not_first',
  'file_type_missing',
  'file_type_unknown',
  'header_crc_mismatch',
  'header_crc_unset',
  'header_size',
  'location_position',
  'locations_empty',
  'message_index_missing',
  'message_index_sequence',
  'monitoring_empty',
  'monitoring_info_missing',
  'monitoring_time_order',
  'not_fit',
  'protocol_version',
  'records_past_data_size',
  'settings_empty',
  'trailing_bytes',
  'truncated',
  'undefined_local_message',
  'workout_missing',
  'workout_no_steps',
  'workout_repeat_target',
  'workout_step_count',
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/**
 * Every code a FitkitError carries: what scripts see as `error.code` under `--json`. Add a new
 * kind here (sorted); never pass a free string.
 */
export const ERROR_CODES = [
  ...DIAGNOSTIC_CODES,
  'ant_closed',
  'ant_response',
  'ant_stick_access',
  'ant_stick_busy',
  'ant_stick_unusable',
  'ant_timeout',
  'ant_usb',
  'antfs_bad_directory',
  'antfs_bad_network_key',
  'antfs_closed',
  'antfs_connect_failed',
  'antfs_download_failed',
  'antfs_download_refused',
  'antfs_erase_failed',
  'antfs_file_changed',
  'antfs_file_given_up',
  'antfs_file_timeout',
  'antfs_link_failed',
  'antfs_no_network_key',
  'antfs_no_response',
  'antfs_no_watch',
  'antfs_pairing_disabled',
  'antfs_pairing_rejected',
  'antfs_pairing_required',
  'antfs_pairing_timeout',
  'antfs_passkey_file',
  'antfs_passkey_rejected',
  'antfs_unsupported_legacy',
  'archive_corrupt',
  'archive_many_files',
  'archive_member_corrupt',
  'archive_member_name',
  'archive_member_too_big',
  'archive_too_deep',
  'archive_too_many_entries',
  'bad_export_state',
  'bad_gpx',
  'bad_install_option',
  'bad_offset',
  'bad_profile_extra',
  'bad_csv',
  'bad_remote_file',
  'bad_tcx',
  'bad_time_zone',
  'bad_user_file',
  'broken_pipe',
  'busy',
  'cancelled',
  'device_file_truncated',
  'device_file_unsafe',
  'device_gone',
  'device_read_denied',
  'device_read_failed',
  'device_remove_failed',
  'edit_empty',
  'edit_not_activity',
  'edit_option',
  'edit_sport_mismatch',
  'encode_base_type',
  'encode_definition',
  'encode_finished',
  'encode_range',
  'encode_timestamp',
  'encode_unknown_field',
  'encode_unknown_message',
  'encode_value',
  'exists',
  'from_not_folder',
  'from_not_found',
  'install_dir_missing',
  'install_write_failed',
  'internal_error',
  'invalid',
  'io_error',
  'is_directory',
  'library_locked',
  'mtp_claim_busy',
  'mtp_dataset',
  'mtp_no_garmin_folder',
  'mtp_no_interface',
  'mtp_protocol',
  'mtp_response',
  'mtp_size_mismatch',
  'mtp_stall',
  'mtp_unsupported',
  'name_too_long',
  'names_exhausted',
  'no_device',
  'no_files',
  'no_records',
  'no_space',
  'not_archive',
  'not_directory',
  'not_found',
  'not_regular',
  'nothing_to_salvage',
  'output_failed',
  'output_folder_missing',
  'output_is_input',
  'permission_denied',
  'read_only',
  'short',
  'symlink',
  'symlink_loop',
  'sync_incomplete',
  'system_error',
  'timeout',
  'too_large',
  'too_long',
  'too_many_columns',
  'too_many_laps',
  'too_many_open',
  'unknown_command',
  'unreadable',
  'unsafe_path',
  'usage',
  'usb_io',
  'usb_overflow',
  'usb_stall',
  'worker_failed',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A problem found while reading a file; decoding goes on where it can. */
export interface Diagnostic {
  level: Severity;
  /** Stable machine-readable kind, e.g. `crc_mismatch`, `truncated`. */
  code: ErrorCode;
  message: string;
  /** Byte offset in the input where the problem was found. */
  offset: number;
}

export interface FitkitErrorOptions {
  file?: string;
  offset?: number;
  cause?: unknown;
  exitCode?: number;
}

/** An error with a stable code and, where known, the file and byte offset it concerns. */
export class FitkitError extends Error {
  readonly code: ErrorCode;
  file?: string;
  readonly offset?: number;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, opts: FitkitErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FitkitError';
    this.code = code;
    if (opts.file !== undefined) this.file = opts.file;
    if (opts.offset !== undefined) this.offset = opts.offset;
    this.exitCode = opts.exitCode ?? 1;
  }

  /** One line: `file: message (byte N)`. */
  oneLine(): string {
    const where = this.offset === undefined ? '' : ` (at byte ${this.offset})`;
    return `${this.file ? this.file + ': ' : ''}${this.message}${where}`;
  }
}

/**
 * The device went away (unplugged, unmounted, re-enumerated, out of radio range for good):
 * every transport raises it with code `device_gone` (a UsbError of kind `no_device` has that
 * code too), and the sync engine ends the run on it without blaming the file.
 */
export function isDeviceGone(e: unknown): e is FitkitError {
  return e instanceof FitkitError && e.code === 'device_gone';
}

export function diagnosticToError(d: Diagnostic, file?: string): FitkitError {
  return new FitkitError(d.code, d.message, { file, offset: d.offset });
}
