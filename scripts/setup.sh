#!/usr/bin/env bash
# Installs what normalcy needs on a fresh Debian machine with Node 20 and root,
# then builds the libtorch addon and the TypeScript. Safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
# libtorch-dev: the engine; libopenblas0-pthread: a fast BLAS under it (the
# default reference BLAS is several times slower); libsvm-dev: One-Class SVM;
# postgresql, redis-server: the database-source and fleet tests start private servers.
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  libtorch-dev libopenblas0-pthread libsvm-dev g++ make python3 chromium dataset-fashion-mnist \
  postgresql redis-server
# npm ci builds too: the install script compiles the addon, `prepare` the TypeScript.
npm ci --no-audit --no-fund
