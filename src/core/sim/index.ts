/**
 * `fitkit/sim`: simulated devices for tests and `sync --simulate` — a USB bus, an MTP watch, an
 * ANT stick with its watch (and Garmin's FR310XT capture), a mounted mass-storage volume — and
 * the FIT files they carry, made in code. They stand behind the transports (usb/, mtp/, ant/,
 * msc/) and know nothing of sync or the library; sync/simulate.ts wires them to the providers
 * and is the only production code that loads this module, on demand.
 */
export { SimUsbBus, SimUsbDevice, type SimFaults } from './usb-sim.js';
export { SimMtpWatch, type SimMtpWatchOptions, type MtpWatchFaults } from './mtp-watch.js';
export { SimAntStick, simulatedAnt, type SimulatedAnt, type SimAntStickOptions, type SimAntStickFaults } from './ant-stick.js';
export { SimAntWatch, type SimAntWatchOptions, type SimAntWatchFaults, type SimAntFile } from './ant-watch.js';
export { captureRig, type CaptureRig, type CaptureRigOptions } from './fr310xt-capture.js';
export { SimMscVolume, type SimMscOptions, type SimDeviceXml } from './msc-volume.js';
export { VirtualClock } from './ant-clock.js';
export { WATCH_MODELS, watchFiles, garminDeviceXml, type WatchModel, type WatchFile } from './watch-files.js';
