# Shared settings for the ci/ scripts. Source it; do not run it.
# Everything cached lives outside the clone, under $LUCKEE_CACHE (default ~/.cache/luckee),
# so a fresh clone reuses the wasmd build, npm tools and cargo target of earlier runs.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LUCKEE_CACHE="${LUCKEE_CACHE:-$HOME/.cache/luckee}"
WASMD_VERSION="${WASMD_VERSION:-v0.61.14}"
WASMD_DIR="$LUCKEE_CACHE/wasmd/$WASMD_VERSION"
WASMD="${WASMD:-$WASMD_DIR/bin/wasmd}"
TOOLS_DIR="$LUCKEE_CACHE/tools"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$TOOLS_DIR/cargo/bin:$TOOLS_DIR/bin:$PATH"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
