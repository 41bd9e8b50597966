#!/usr/bin/env bash
# THE OLD WAY (benchmark fixture) — the seed's upload_luckee_incentive.sh, for all three codes:
# one `wasmd tx wasm store` per contract, each waited for, code id read from the events.
source "$(dirname "$0")/common.sh"
mkdir -p "$WORK"
: >"$ENV_FILE"

upload() { # CONTRACT VARIABLE
  echo "上传 $1 合约..." >&2
  local code_id
  code_id=$(tx wasm store "$ARTIFACTS/$1.wasm" | event_attr store_code code_id)
  [ -n "$code_id" ] && [ "$code_id" != null ] || { echo "no code id for $1" >&2; exit 1; }
  echo "$2=$code_id" >>"$ENV_FILE"
  echo "$1 Code ID: $code_id" >&2
}

upload mock_registry MOCK_REGISTRY_CODE_ID
upload mock_ft MOCK_FT_CODE_ID
upload luckee_incentive LUCKY_INCENTIVE_CODE_ID
