/**
 * Counts what the library and sync do to bytes: files written and SHA-256 passes. Injected
 * (`meter` options) so tests can show that a synced file is written once and hashed once; the
 * default counts into an object nobody reads.
 */
export class IoMeter {
  writes = 0;
  bytesWritten = 0;
  hashes = 0;
  bytesHashed = 0;

  wrote(bytes: number): void {
    this.writes++;
    this.bytesWritten += bytes;
  }

  hashed(bytes: number): void {
    this.hashes++;
    this.bytesHashed += bytes;
  }
}
