#!/usr/bin/env bash
# Installs the PyTorch the reference scripts run on: Debian's CPU build, with the threaded OpenBLAS
# (the single-threaded default would make --threads meaningless). Safe to run again: it only installs
# when /usr/bin/python3 cannot import torch. Installing needs root.
set -euo pipefail

if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 -c 'import torch; print("torch", torch.__version__, "already installed")'
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: /usr/bin/python3 has no torch; run this script as root to apt-get install python3-torch" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__, "installed")'
