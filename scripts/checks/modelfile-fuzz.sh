#!/usr/bin/env bash
# Smoke run of the weight-file reader fuzzer: builds ModelFileFuzz with libFuzzer and
# AddressSanitizer in .build-fuzz, then fuzzes for 45 s from fresh seeds (valid small models of
# every architecture and precision, plus header-level inputs behind a valid zstd frame) and
# fails on any crash, sanitizer report, leak or timeout.
# Cost: a second, sanitized debug build of ModelFile and its dependencies into .build-fuzz (14 min
# wall on the shared 2-core dev box at load average 15-19; an idle machine should need far less,
# not measured) plus 45 s of fuzzing (~66,000 executions here).
set -euo pipefail
cd "$(dirname "$0")/../.."
# Kept on failure so the crashing inputs can be replayed.
export FUZZ_DIR=$(mktemp -d)
scripts/fuzz "${MODELFILE_FUZZ_SECONDS:-45}"
rm -rf "$FUZZ_DIR"
