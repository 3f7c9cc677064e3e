#!/usr/bin/env bash
# Install what tinbai needs, and nothing twice: the Debian packages (when run as
# root), a virtual environment in .venv/ and the hash-locked Python packages.
# Sourced by ./start and ./test; quick when nothing changed (a stamp per step).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEBIAN_PACKAGES=(
  dovecot-core dovecot-imapd            # real IMAP server for the tests
  tesseract-ocr tesseract-ocr-vie       # OCR of scanned official documents
  antiword catdoc                       # Word 97 .doc / .ppt text
  unar libarchive-tools p7zip-full zip unzip  # RAR/7z members; fixtures
  ffmpeg                                # ffprobe: video duration and codec
  libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui  # .ppt -> .pptx; Word 97 fixtures
  chromium                              # browser tests of the review pages
  poppler-utils                         # pdftoppm: the reports rendered to pictures in the tests
  libmagic1 fonts-dejavu-core openssl
)

log() { printf '[bootstrap] %s\n' "$*" >&2; }

install_debian_packages() {
  command -v dpkg-query >/dev/null || return 0
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    [[ "$p" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages (run as root to install them): ${missing[*]}"
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_packages() {
  local py=${PYTHON:-python3}
  if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv"
    "$py" -m venv .venv
  fi
  local want have=""
  want=$(sha256sum requirements.lock | cut -d' ' -f1)
  [[ -f .venv/.lock-sha256 ]] && have=$(cat .venv/.lock-sha256)
  if [[ "$want" != "$have" ]]; then
    log "installing the locked Python packages (requirements.lock)"
    .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
    echo "$want" > .venv/.lock-sha256
  fi
}

install_debian_packages
install_python_packages
