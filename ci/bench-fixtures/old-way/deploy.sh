#!/usr/bin/env bash
# THE OLD WAY (benchmark fixture): the full stack as an operator runs the seed's scripts.
set -euo pipefail
d="$(dirname "$0")"
"$d/upload.sh"
"$d/instantiate.sh"
"$d/verify.sh" >/dev/null
