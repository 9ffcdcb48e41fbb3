/**
 * What the sync engine needs from a device, whatever the transport: who it is, which FIT files
 * it has, and their bytes. Each transport (MTP, mass storage, ANT-FS) has an adapter in
 * ./sources/ that turns its client into these; the engine never sees protocol details.
 */

export type Transport = 'mtp' | 'msc' | 'ant';

export interface DeviceIdentity {
  transport: Transport;
  /**
   * Stable across plug-ins and reboots, unique per device and transport: the sync state is
   * keyed by it. E.g. `mtp:091e:4b48:0000ec919e07`, `msc:3996731245`, `ant:3812345678`.
   */
  key: string;
  /** Human name, e.g. "Forerunner 945"; may be undefined before the device says. */
  model?: string;
  /** The unit id (serial number) as decimal text, when the device reports it. */
  serial?: string;
  partNumber?: string;
}

export interface RemoteFile {
  /**
   * Where the file is on the device, `/`-separated (e.g. `GARMIN/Activity/2024-05-01-07-12-44.fit`).
   * For state keys and messages only: device-supplied, never trusted as a library path.
   */
  path: string;
  /** Size the device claims (bytes). */
  size: number;
  /** Modification time the device claims (ms since epoch), if any. */
  mtimeMs?: number;
  /** Transport-private handle (MTP object handle, ANT-FS index, absolute path). */
  ref: unknown;
}

export interface DownloadOptions {
  /** Aborts the transfer (timeout, shutdown); the download then rejects. */
  signal?: AbortSignal;
  /** Resume: the first byte wanted (bytes before it are already held by the caller). */
  offset?: number;
}

export interface DeviceSession {
  readonly identity: DeviceIdentity;
  /** The device's FIT files (`.fit`, any case), every folder. */
  listFiles(signal?: AbortSignal): Promise<RemoteFile[]>;
  /**
   * Streams the file's bytes, in order, from `offset`, to `sink`; resolves after the last byte.
   * A sink that throws aborts the transfer. Implementations stop at the claimed size.
   */
  download(file: RemoteFile, sink: (chunk: Uint8Array) => void | Promise<void>, options?: DownloadOptions): Promise<void>;
  /** Deletes the file on the device. Absent when the transport cannot delete. */
  remove?(file: RemoteFile): Promise<void>;
  /** Ends the session politely (close session, release interface). Never throws. */
  close(): Promise<void>;
}

/** A device that is present and can be opened. */
export interface DeviceCandidate {
  transport: Transport;
  /** Where it is now (USB location, mount point): for de-bouncing hotplug events and messages. */
  location: string;
  /** What to call it before it is opened, e.g. "Garmin MTP 091e:4b48 at 1-1.2". */
  label: string;
  open(signal?: AbortSignal): Promise<DeviceSession>;
}

export interface DeviceProvider {
  readonly transport: Transport;
  /** The devices of this transport present now. */
  scan(): Promise<DeviceCandidate[]>;
  /**
   * Calls `changed` whenever devices may have come or gone (USB hotplug, mount table change);
   * returns a function that stops watching.
   */
  watch(changed: () => void): () => void;
}
