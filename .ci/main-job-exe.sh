#!/usr/bin/env bash
# Runs the main job with the single executable (npm run build), as on the
# air-gapped side: the executable alone in an empty folder, no node_modules,
# no node on PATH, no network. Usage: .ci/main-job-exe.sh [dist/airlock]
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
EXE="$(realpath "${1:-$REPO/dist/airlock}")"
FIX="$(realpath "${AIRLOCK_FIXTURES:-$REPO/../shared/fixtures}")"
TUF="$FIX/tuf/sigstore-2026-08-21"
PKG="$FIX/pypi/pypi_attestations-0.0.19.tar.gz"
NOW=2026-08-22T00:00:00Z

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/gap" "$WORK/empty-path" "$WORK/home"
cp "$EXE" "$WORK/gap/airlock"
cp "$REPO/examples/demo-bundle.tar" "$WORK/demo-bundle.tar"
cd "$WORK/gap"

airlock() {
  echo "+ airlock $*"
  env -i PATH="$WORK/empty-path" HOME="$WORK/home" ./airlock "$@"
}

airlock --help
airlock --version
airlock inspect "$WORK/demo-bundle.tar"
cp "$REPO/examples/policy.toml" "$WORK/policy.toml"
airlock verify "$WORK/demo-bundle.tar" --policy "$WORK/policy.toml" --now "$NOW" --state "$WORK/state"
airlock export "$WORK/demo-bundle.tar" --to "$WORK/mirror" --policy "$WORK/policy.toml" --now "$NOW" \
  --state "$WORK/state"
test -f "$WORK/mirror/simple/pypi-attestations/index.json"
airlock trust verify "$TUF" --instance public-good --now "$NOW" --state "$WORK/state"
airlock attest verify "$PKG" --provenance "$PKG.provenance" --trust-dir "$TUF" --now "$NOW" \
  --state "$WORK/state" --repository https://github.com/trailofbits/pypi-attestations --workflow release.yml
test "$(ls -A "$WORK/gap")" = airlock || { echo "main-job-exe: the executable left files beside itself" >&2; exit 1; }
echo "main-job-exe: the executable ran the main job alone"
