#!/usr/bin/env bash
# Installs every build and test dependency of cornerforge from Debian's packages.
# Idempotent: packages already present are skipped, so a second run costs ~1 s.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev hdf5-tools
  libtorch-dev libopenblas0-pthread
  libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libfaiss-dev
  libopencv-dev
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
  libcurl4-openssl-dev libcpp-httplib-dev
  libsentencepiece-dev sentencepiece
  gnuplot-nox
  python3-h5py python3-numpy python3-torch
  slurm-wlm munge
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "bootstrap: done"
