# Shared by ./run and ./test: install what is missing, and nothing else, so both are safe to re-run.
# Sourced, not executed.

# Debian packages Qt needs on a bare machine (offscreen tests and the window alike).
QT_PACKAGES=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0)
# What the tests need on top: a real PostgreSQL server for the sync store (started by the tests on
# a temporary directory and a loopback port) and a real Secret Service keyring under a private
# D-Bus session; poppler's pdftotext and pdftoppm to read reports back as a reader would (pdftotext
# honours ActualText, which carries the words of shaped scripts); espeak-ng, a real voice the read-aloud
# tests write to a file.
TEST_PACKAGES=(postgresql gnome-keyring dbus-daemon poppler-utils espeak-ng)
# What the window needs on top, under X11 or Xvfb.
X11_PACKAGES=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
              libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xinerama0)

ensure_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "setup: not a Debian-family system; make sure these are installed: $*" >&2
        return 0
    fi
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "setup: installing system packages: ${missing[*]}" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
            echo "setup: please install as root: apt-get install ${missing[*]}" >&2; return 1
        fi
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A Python >= 3.11 with venv; on Debian the venv module is a package of its own.
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    echo "setup: Python 3.11 or newer is needed (apt-get install python3)" >&2
    return 1
}

# Create .venv (once) and install the project with the given extras when pyproject.toml changed.
ensure_venv() {
    local extras="$1" python stamp
    python=$(find_python)
    if [ ! -x .venv/bin/python ]; then
        if ! "$python" -m venv .venv 2>/dev/null; then
            rm -rf .venv
            ensure_system_packages python3-venv
            "$python" -m venv .venv
        fi
    fi
    stamp=".venv/.installed${extras}"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        echo "setup: installing Python packages into .venv" >&2
        .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
        .venv/bin/python -m pip install --quiet -e ".${extras}"
        touch "$stamp"
    fi
}
