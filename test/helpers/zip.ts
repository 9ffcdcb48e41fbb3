/** Zip files made in tests (yazl): `[name, bytes, compress = true]` entries, in order. */
import yazl from 'yazl';

export function zipOf(entries: readonly (readonly [string, Uint8Array, boolean?])[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes, compress = true] of entries) zip.addBuffer(Buffer.from(bytes), name, { compress });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
