/**
 * Fixed glibc malloc thresholds for bench child processes (ignored off glibc).
 *
 * With glibc's default (dynamic) thresholds, whether a freed buffer (an MTP transfer, a typed
 * array's backing store) is reused or handed back to the kernel and faulted in again (256 page
 * faults per MiB) depends on when the GC frees it. Measured: 0 to 16,000 faults per 64 MiB MTP
 * download (17 to 300 ms of CPU for the same work); 24 h columnar decode at 5 or 30 ms a run by
 * the same luck. Fixed thresholds keep freed memory for reuse, so each side measures its work,
 * not the allocator's.
 */
export const MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: String(16 << 20), MALLOC_TRIM_THRESHOLD_: String(1 << 30) };
