#!/bin/sh
# A long fuzz campaign over every library entry point (test/core/entry-points-fuzz.test.ts),
# outside the suite: every case is run, and the smallest input of each distinct failure is kept.
# Usage: scripts/fuzz-entry-points.sh [RUNS] [SEED] [OUTDIR]   (defaults 20000, 1, fuzz-out/)
# Copy what it finds into fixtures/regress/ under a name saying what it caught.
set -e
cd "$(dirname "$0")/.."
FITKIT_FUZZ_RUNS="${1:-20000}" FITKIT_FUZZ_SEED="${2:-1}" FITKIT_FUZZ_SAVE="${3:-fuzz-out}" \
  exec npx vitest run test/core/entry-points-fuzz.test.ts -t campaign
