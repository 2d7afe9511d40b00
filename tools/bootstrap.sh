#!/usr/bin/env bash
# Installs every build and test dependency of cornerforge from Debian's packages, then the
# pinned Python reference venv (setup_python_venv, used through tools/pyref).
# Idempotent: packages already present are skipped, so a second run costs ~1 s.
set -euo pipefail

# The reference venv (tools/pyref): pinned HF packages over Debian's python3-torch, for the
# reference tests. Skipped when every pin is installed; pip's cache makes a re-install offline.
setup_python_venv() {
  local venv=${CF_VENV:-/opt/cf-venv} req
  req="$(cd "$(dirname "$0")" && pwd)/python-requirements.txt"
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" - "$req" <<'PY'
import sys
from importlib.metadata import version
pins = [l.split("==") for l in open(sys.argv[1]) if "==" in l and not l.startswith("#")]
try:
    sys.exit(any(version(n.strip()) != v.strip() for n, v in pins))
except Exception:
    sys.exit(1)
PY
  then
    echo "bootstrap: python venv $venv has the pinned packages"
    return
  fi
  echo "bootstrap: creating python venv $venv"
  # Debian's interpreter, whatever python3 is first on PATH: only it sees python3-torch.
  if [ -f "$venv/pyvenv.cfg" ]; then rm -rf "$venv"; fi  # an old venv (e.g. from another python3)
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  "$venv/bin/python" -c 'import torch' || { echo "bootstrap: $venv cannot import torch (python3-torch)" >&2; exit 1; }
  "$venv/bin/pip" install -q -r "$req"
}

# Real photographs for tests/mpi/real_photos.sh: the sample images of Debian's python3-skimage
# (street scenes, portraits, grayscale, textures and a truncated JPEG), unpacked from the .deb
# without installing it (it would pull scipy). Skipped when every photo is already there.
TEST_PHOTOS=(astronaut.png chelsea.png coffee.png motorcycle_left.png motorcycle_right.png rocket.jpg
             retina.jpg hubble_deep_field.jpg camera.png moon.png brick.png grass.png gravel.png truncated.jpg)
fetch_test_photos() {
  local dir=${CF_TEST_DATA:-/var/cache/cornerforge}/photos f tmp
  for f in "${TEST_PHOTOS[@]}"; do [ -f "$dir/$f" ] || break; done
  if [ -f "$dir/$f" ]; then echo "bootstrap: test photos present in $dir"; return; fi
  echo "bootstrap: fetching test photos (python3-skimage's data) into $dir"
  tmp=$(mktemp -d)
  if ! (cd "$tmp" && apt-get download -qq python3-skimage 2>/dev/null && dpkg-deb -x python3-skimage_*.deb x); then
    echo "bootstrap: could not download python3-skimage; tests/mpi/real_photos.sh will be skipped" >&2
    rm -rf "$tmp"
    return
  fi
  mkdir -p "$dir"
  for f in "${TEST_PHOTOS[@]}"; do cp "$tmp/x/usr/lib/python3/dist-packages/skimage/data/$f" "$dir/"; done
  rm -rf "$tmp"
}

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git clang-format
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
  python3-h5py python3-numpy python3-torch python3-venv python3-pip
  libpcre2-dev libicu-dev
  slurm-wlm munge
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#PACKAGES[@]} packages present"
  setup_python_venv
  fetch_test_photos
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
setup_python_venv
fetch_test_photos
echo "bootstrap: done"
