#!/usr/bin/env bash
# THE OLD WAY (benchmark fixture) — the seed's verify_luckee_incentive.sh: one get_config query.
source "$(dirname "$0")/common.sh"
source "$ENV_FILE"
"$WASMD" query wasm contract-state smart "$LUCKY_INCENTIVE_CONTRACT" '{"get_config":{}}' "${Q_FLAGS[@]}" | jq '.'
