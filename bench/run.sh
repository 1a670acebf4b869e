#!/usr/bin/env bash
# Runs every benchmark in bench/ against the given dust binary; each prints ratios against its peers.
set -euo pipefail
cd "$(dirname "$0")/.."
DUST=${1:-build/dust}
export DUST_BIN=$(realpath "$DUST")
for b in bench/*_bench.py; do
  echo "== $b"
  python3 "$b" --dust "$DUST_BIN"
done
