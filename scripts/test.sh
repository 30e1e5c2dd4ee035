#!/usr/bin/env bash
# Install the test dependencies and run every test, on a fresh machine or an old one.
# Python packages come from requirements-dev.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Debian's packages the browser and serve tests need: chromium (Playwright's own browser
# download is not used) and HAProxy (python -m explorer serve), installed when missing.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "warning: ${missing[*]} missing and cannot be installed; the browser and serve" \
         "tests will skip (under CI=true they fail)" >&2
  fi
fi

# Every test: pyproject.toml leaves the slow ones out of a bare `pytest`.
python3 -m pytest -m "slow or not slow" "$@"
