#!/usr/bin/env bash
# Smoke run of the weight-file reader fuzzer: builds ModelFileFuzz with libFuzzer and
# AddressSanitizer in .build-fuzz, then fuzzes for 45 s from fresh seeds (valid small models of
# every architecture and precision, plus header-level inputs behind a valid zstd frame) and
# fails on any crash, sanitizer report, leak or timeout.
# Cost in CI: about 4-6 min to build (swift-crypto is compiled again with coverage) plus 45 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Kept on failure so the crashing inputs can be replayed.
export FUZZ_DIR=$(mktemp -d)
scripts/fuzz "${MODELFILE_FUZZ_SECONDS:-45}"
rm -rf "$FUZZ_DIR"
