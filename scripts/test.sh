#!/usr/bin/env bash
# Install the test dependencies and run every test, on a fresh machine or an old one.
# Python packages come from requirements-dev.txt; the browser test needs Debian's
# chromium, installed here when missing (Playwright's own browser download is not used).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "warning: chromium is missing and cannot be installed; the browser test will" \
         "skip (under CI=true it fails)" >&2
  fi
fi

# Every test: pyproject.toml leaves the slow ones out of a bare `pytest`.
python3 -m pytest -m "slow or not slow" "$@"
