#!/usr/bin/env bash
# Install the system tools the test suite needs, from Debian's packages and the
# npm registry. Idempotent: what is present is not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages, one per line: package [command that proves it is installed]
APT_PACKAGES=(
  "chromium /usr/bin/chromium"
  "default-jre-headless /usr/bin/java"
  # outputs for libraries (EPUB check, PDF with XeLaTeX, PDF inspection)
  "epubcheck /usr/bin/epubcheck"
  "texlive-xetex /usr/bin/xelatex"
  "texlive-latex-recommended"
  "texlive-fonts-recommended"
  "latexmk /usr/bin/latexmk"
  "fonts-dejavu-core /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
  "fonts-dejavu-extra /usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf"
  "poppler-utils /usr/bin/pdffonts"
)

missing=()
for entry in "${APT_PACKAGES[@]}"; do
  read -r pkg probe <<<"$entry"
  if [ -n "${probe:-}" ] && [ -e "$probe" ]; then continue; fi
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test-deps: please install the Debian packages: ${missing[*]}" >&2
    exit 1
  fi
  echo "test-deps: installing Debian packages: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages for the quality gates, installed into tools/node_modules (not committed).
# Reinstalled whenever the lock file changes (its checksum is kept beside the modules).
lock_sum=$(cat tools/package.json tools/package-lock.json 2>/dev/null | cksum | cut -d' ' -f1)
if [ -f tools/package.json ] && [ "$(cat tools/node_modules/.lock-sum 2>/dev/null)" != "$lock_sum" ]; then
  echo "test-deps: installing npm packages" >&2
  (cd tools && npm ci --silent --no-audit --no-fund 2>/dev/null || npm install --silent --no-audit --no-fund)
  echo "$lock_sum" > tools/node_modules/.lock-sum
fi
