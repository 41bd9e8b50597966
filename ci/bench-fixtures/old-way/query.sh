#!/usr/bin/env bash
# THE OLD WAY (benchmark fixture) — the smart query of the seed's health check and verify
# scripts: `get_config` of the incentive through the wasmd CLI.
source "$(dirname "$0")/common.sh"
source "$ENV_FILE"
"$WASMD" query wasm contract-state smart "$LUCKY_INCENTIVE_CONTRACT" '{"get_config":{}}' "${Q_FLAGS[@]}"
