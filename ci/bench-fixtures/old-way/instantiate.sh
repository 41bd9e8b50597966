#!/usr/bin/env bash
# THE OLD WAY (benchmark fixture) — the seed's instantiate_luckee_incentive.sh, for the whole
# stack: registry, FT (deployer as minter), incentive, then `update_minter` to hand the FT to
# the incentive and `register_contract` for the reporter. One tx per step, each waited for.
source "$(dirname "$0")/common.sh"
source "$ENV_FILE"

instantiate() { # CODE_ID MSG LABEL → contract address
  tx wasm instantiate "$1" "$2" --label "$3" --admin "$ADMIN_ADDRESS" | event_attr instantiate _contract_address
}

echo "实例化 registry..." >&2
DD_REGISTRY_CONTRACT=$(instantiate "$MOCK_REGISTRY_CODE_ID" \
  '{"admin":"'"$ADMIN_ADDRESS"'","members":'"$MEMBERS"'}' "$REGISTRY_LABEL")
echo "DD_REGISTRY_CONTRACT=$DD_REGISTRY_CONTRACT" >>"$ENV_FILE"

echo "实例化 FT..." >&2
LUCKY_FT_CONTRACT=$(instantiate "$MOCK_FT_CODE_ID" \
  '{"name":"Luckee Token","symbol":"LUCKY","decimals":6,"initial_balances":[],"mint":{"minter":"'"$ADMIN_ADDRESS"'"}}' \
  "$FT_LABEL")
echo "LUCKY_FT_CONTRACT=$LUCKY_FT_CONTRACT" >>"$ENV_FILE"

echo "实例化 Luckee Incentive..." >&2
LUCKY_INCENTIVE_CONTRACT=$(instantiate "$LUCKY_INCENTIVE_CODE_ID" '{
  "admin": "'"$ADMIN_ADDRESS"'",
  "ft_contract": "'"$LUCKY_FT_CONTRACT"'",
  "registry_contract": "'"$DD_REGISTRY_CONTRACT"'",
  "config": {
    "enabled": true,
    "emergency_paused": false
  },
  "rules": '"$RULES"'
}' "$INCENTIVE_LABEL")
echo "LUCKY_INCENTIVE_CONTRACT=$LUCKY_INCENTIVE_CONTRACT" >>"$ENV_FILE"

echo "移交 FT minter..." >&2
tx wasm execute "$LUCKY_FT_CONTRACT" '{"update_minter":{"new_minter":"'"$LUCKY_INCENTIVE_CONTRACT"'"}}' >/dev/null

echo "注册 reporter..." >&2
tx wasm execute "$LUCKY_INCENTIVE_CONTRACT" \
  '{"register_contract":{"address":"'"$REPORTER_ADDRESS"'","label":"devnet reporter"}}' >/dev/null
echo "Luckee Incentive Contract Address: $LUCKY_INCENTIVE_CONTRACT" >&2
