#!/usr/bin/env bash
# Installs the PyTorch the reference scripts run on: Debian's CPU build, with the threaded OpenBLAS.
# Debian's torch runs on whatever libblas.so.3 the system selects; the reference BLAS that comes with
# python3-torch alone is about six times slower for DCGAN-28, and the single-threaded OpenBLAS would make --threads
# meaningless, so a torch without the threaded OpenBLAS is not a fair reference. Safe to run again: it
# installs only what is missing. Installing needs root.
set -euo pipefail

blas() { update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p'; }
have_torch() { /usr/bin/python3 -c 'import torch' 2>/dev/null; }
have_blas() { case "$(blas)" in *openblas-pthread*) return 0 ;; *) return 1 ;; esac; }

if have_torch && have_blas; then
  /usr/bin/python3 -c 'import torch; print("torch", torch.__version__, "already installed")'
  echo "BLAS: $(blas)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: /usr/bin/python3 needs torch on the threaded OpenBLAS (now: torch $(have_torch && echo yes || echo no), BLAS $(blas || true)); run this script as root to apt-get install python3-torch libopenblas0-pthread" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread
# An earlier install may have selected another BLAS by hand: point the alternative at OpenBLAS.
lib=$(update-alternatives --list libblas.so.3-x86_64-linux-gnu | grep openblas-pthread | head -n 1)
update-alternatives --set libblas.so.3-x86_64-linux-gnu "$lib"
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__, "installed")'
echo "BLAS: $(blas)"
