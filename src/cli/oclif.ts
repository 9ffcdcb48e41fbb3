/**
 * The one door to oclif. The build (scripts/bundle-oclif.mjs) replaces this module's output with
 * one pre-linked file of `@oclif/core` and its dependencies: loading ~160 small CommonJS files
 * one by one was most of every command's start-up. Import oclif from here, never from the package,
 * so the CLI holds one copy of its classes (instanceof checks on its errors depend on that).
 */
export { Args, Command, Config, Errors, Flags, execute, run } from '@oclif/core';
export type { Hook, Interfaces } from '@oclif/core';
