#!/usr/bin/env bash
# Builds the Horovod 0.28.1 wheel for the training venv, caches it, and installs it: a second
# `make train-env` installs the cached wheel instead of rebuilding.
#
# Usage: build_horovod.sh PYTHON WHEEL_CACHE_DIR
#   PYTHON           the training venv's python (torch and tensorflow already installed in it)
#   WHEEL_CACHE_DIR  where built wheels are kept, e.g. .cache/wheels
#
# Horovod 0.28.1 is the newest release and PyPI has only its sdist. Two fixes make it build:
#  1. Its CMake files ask for C++14; torch >= 2.1 headers need C++17 (fixed upstream in
#     horovod PR 3998, never released), so the standard is raised to 17.
#  2. Its TensorFlow extension fails against TensorFlow 2.21 on xla_mpi_ops.cc (a missing
#     highwayhash header). That source only registers XLA custom calls, used when
#     HOROVOD_ENABLE_XLA_OPS is set, so it is left out of the build.
set -euo pipefail

PYTHON=${1:?usage: build_horovod.sh PYTHON WHEEL_CACHE_DIR}
CACHE_DIR=${2:?usage: build_horovod.sh PYTHON WHEEL_CACHE_DIR}

HOROVOD_VERSION=0.28.1
# sha256 of horovod-0.28.1.tar.gz on PyPI: the sdist we patch must be the one we checked.
HOROVOD_SDIST_SHA256=92a43f5a94c43907a56805bad15f19700c62ffc83b7ca483f9e104e229f67ef0

# The wheel links against the exact torch and TensorFlow it was built with, so the cache key
# names both; a change of either pin builds a new wheel.
versions=$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("torch").split("+")[0], m.version("tensorflow"))')
read -r TORCH_VERSION TF_VERSION <<<"$versions"
WHEEL_DIR="$CACHE_DIR/horovod-$HOROVOD_VERSION-torch$TORCH_VERSION-tf$TF_VERSION"

install_cached_wheel() {
    "$PYTHON" -m pip install --quiet --no-deps --force-reinstall "$WHEEL_DIR"/horovod-"$HOROVOD_VERSION"-*.whl
    echo "build_horovod: installed $(basename "$WHEEL_DIR"/horovod-"$HOROVOD_VERSION"-*.whl) from $WHEEL_DIR"
}

if compgen -G "$WHEEL_DIR/horovod-$HOROVOD_VERSION-*.whl" >/dev/null; then
    install_cached_wheel
    exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -m pip download --quiet --no-deps --no-binary :all: \
    "horovod==$HOROVOD_VERSION" -d "$WORK"
SDIST="$WORK/horovod-$HOROVOD_VERSION.tar.gz"
echo "$HOROVOD_SDIST_SHA256  $SDIST" | sha256sum --check --quiet
tar -xzf "$SDIST" -C "$WORK"
SRC="$WORK/horovod-$HOROVOD_VERSION"

# Fix 1: C++17 for the core and the torch extension.
sed -i 's/set(CMAKE_CXX_STANDARD 14)/set(CMAKE_CXX_STANDARD 17)/' \
    "$SRC/CMakeLists.txt" "$SRC/horovod/torch/CMakeLists.txt"
grep -q 'set(CMAKE_CXX_STANDARD 14)' "$SRC/CMakeLists.txt" "$SRC/horovod/torch/CMakeLists.txt" \
    && { echo "build_horovod: C++ standard patch did not apply" >&2; exit 1; }
# Fix 2: no XLA MPI ops source in the TensorFlow extension.
sed -i '/xla_mpi_ops\.cc/d' "$SRC/horovod/tensorflow/CMakeLists.txt"

# The venv's cmake (pinned in requirements.txt), not whatever the machine has.
export PATH="$(dirname "$PYTHON"):$PATH"
echo "build_horovod: building horovod $HOROVOD_VERSION against torch $TORCH_VERSION, tensorflow $TF_VERSION"
start=$(date +%s)
# Gloo as the only controller (no MPI on Synapse's CPU side nor here); torch and TF extensions.
HOROVOD_WITH_PYTORCH=1 HOROVOD_WITH_TENSORFLOW=1 \
HOROVOD_WITHOUT_MPI=1 HOROVOD_WITHOUT_MXNET=1 HOROVOD_WITH_GLOO=1 \
HOROVOD_CPU_OPERATIONS=gloo MAKEFLAGS=${MAKEFLAGS:--j2} \
    "$PYTHON" -m pip wheel --quiet --no-build-isolation --no-deps -w "$WORK/dist" "$SRC"
echo "build_horovod: built in $(($(date +%s) - start)) s"

mkdir -p "$WHEEL_DIR"
cp "$WORK"/dist/horovod-"$HOROVOD_VERSION"-*.whl "$WHEEL_DIR/"
install_cached_wheel
