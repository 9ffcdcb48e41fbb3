/**
 * The real device providers `fitkit sync` uses: mass storage (mounted volumes, or the folders
 * named with --from), MTP and ANT-FS over the real USB backend. With --from only those folders
 * are synced. The USB backend (native module) is loaded only when a USB transport is wanted.
 */
import { AntProvider } from './sources/antfs-source.js';
import { MscProvider } from './sources/msc-source.js';
import { MtpProvider } from './sources/mtp-source.js';
import { nodeUsbBackend } from '../usb/node-usb.js';
import type { DeviceProvider, Transport } from './device-source.js';

export interface RealProviderOptions {
  transports: ReadonlySet<Transport>;
  /** --from: mass-storage folders; when given, nothing else is synced. */
  from?: readonly string[];
  /** ANT-FS progress lines (never the network key). */
  log?: (line: string) => void;
}

export function realProviders(o: RealProviderOptions): DeviceProvider[] {
  if (o.from?.length) return [new MscProvider({ roots: [...o.from] })];
  const out: DeviceProvider[] = [];
  if (o.transports.has('msc')) out.push(new MscProvider());
  if (o.transports.has('mtp') || o.transports.has('ant')) {
    const usb = nodeUsbBackend();
    if (o.transports.has('mtp')) out.push(new MtpProvider(usb));
    if (o.transports.has('ant')) out.push(new AntProvider(usb, { log: o.log }));
  }
  return out;
}
