#!/usr/bin/env bash
# Installs the peers of benches/validate_vs_jsonschema.py that are not
# Python: Node.js and npm (Debian packages, when missing) and ajv with
# ajv-formats at the versions pinned in benches/package-lock.json (npm ci,
# into benches/node_modules). The bench runs it; safe to run again (npm ci
# runs only when the lock file is newer than the installed tree). Not part of
# scripts/test.sh: the tests need no Node.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "installing Node.js and npm (apt)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 16 ]; then
  echo "Node.js $(node --version) is too old for ajv 8 (16 or later needed)" >&2
  exit 1
fi
installed=benches/node_modules/.package-lock.json
if [ ! -f "$installed" ] || [ benches/package-lock.json -nt "$installed" ]; then
  npm ci --prefix benches --no-audit --no-fund --loglevel=error
fi
