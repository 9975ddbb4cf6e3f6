#!/usr/bin/env bash
# WeasyPrint (the PDFs of the policy's versions and Legal's evidence packs) needs Pango and
# HarfBuzz from the system; pip cannot install them. Installs Debian's packages when they are
# missing and this runs as root (CI, the project's machines); otherwise says what to install.
# Usage: tools/pdf-libs.sh [PYTHON]   (default .venv/bin/python)
set -euo pipefail
python=${1:-.venv/bin/python}
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1)

loads() { "$python" -c "import weasyprint" >/dev/null 2>&1; }

loads && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "WeasyPrint cannot load Pango: installing ${packages[*]} from Debian."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
fi
if ! loads; then
  "$python" -c "import weasyprint" || true
  echo "WeasyPrint needs Pango for PDFs. Install it, then run make again:" >&2
  echo "  Debian/Ubuntu: sudo apt-get install ${packages[*]}" >&2
  echo "  macOS: brew install pango" >&2
  exit 1
fi
