# THE OLD WAY (benchmark fixture): settings shared by the baseline scripts. Source it.
# What the seed's scripts do with the wasmd CLI, made to work on SDK 0.53 (see README.md).
set -euo pipefail

: "${WASMD:=wasmd}" "${WASMD_HOME:?}" "${NODE:?}" "${CHAIN_ID:?}" "${ADMIN_ADDRESS:?}" "${WORK:?}"
: "${ARTIFACTS:=artifacts}"
ENV_FILE="$WORK/contract_addresses.env"

# The plan of ci/demo.luckee.toml, written out by hand as a script would.
REGISTRY_LABEL="Luckee Registry (mock) v1.0"
FT_LABEL="Luckee FT (mock) v1.0"
INCENTIVE_LABEL="Luckee Incentive v1.0"
REPORTER_ADDRESS="wasm1dpq5p4y4lz5cj54mx6hdrh9vvvwtfat9c43vlg"
MEMBERS='["wasm13kune8fn5zfdqs74vudnh0hhuznlltq3an07wl","wasm1yrwt0n4eaqng35f46wjy3ncjljezlkt3d3yvq8"]'
RULES='[{"id":"daily_checkin","reward":"1000000","points":"10","daily_cap":1},{"id":"game_win","reward":"5000000","points":"50"}]'

TX_FLAGS=(--from "$ADMIN_ADDRESS" --keyring-backend test --home "$WASMD_HOME"
  --chain-id "$CHAIN_ID" --node "$NODE"
  --gas auto --gas-adjustment 1.3 --gas-prices 0.025ustake --yes --output json)
Q_FLAGS=(--node "$NODE" --output json)

# wait_tx HASH — print the tx's result once it is in a block. `wasmd query wait-tx` looks the tx
# up, then subscribes to new txs: one included in between is missed and it times out, so after
# a short timeout the tx is looked up again (polled), as a careful script must.
wait_tx() {
  "$WASMD" query wait-tx "$1" --timeout 3s "${Q_FLAGS[@]}" 2>/dev/null && return 0
  echo "wait-tx missed $1; polling wasmd query tx" >&2
  local i
  for i in $(seq 1 60); do
    "$WASMD" query tx "$1" "${Q_FLAGS[@]}" 2>/dev/null && return 0
    sleep 1
  done
  return 1
}

# tx ARGS… — broadcast one tx (sync: CheckTx only, no logs on SDK >= 0.50), then wait until it
# is in a block and print the full result (with events). Fails on a CheckTx or DeliverTx error.
tx() {
  local out hash res
  out=$("$WASMD" tx "$@" "${TX_FLAGS[@]}" 2>"$WORK/.tx.err") \
    || { echo "wasmd tx $1 $2 failed: $(cat "$WORK/.tx.err") $out" >&2; return 1; }
  if [ "$(jq -r '.code' <<<"$out")" != 0 ]; then echo "CheckTx failed: $out" >&2; return 1; fi
  hash=$(jq -r '.txhash' <<<"$out")
  res=$(wait_tx "$hash") || { echo "tx $hash not included" >&2; return 1; }
  if [ "$(jq -r '.code' <<<"$res")" != 0 ]; then echo "DeliverTx failed: $(jq -r .raw_log <<<"$res")" >&2; return 1; fi
  echo "$res"
}

# event_attr TYPE KEY — first value of attribute KEY of event TYPE in a tx result on stdin.
event_attr() {
  jq -r --arg t "$1" --arg k "$2" '[.events[] | select(.type == $t) | .attributes[] | select(.key == $k) | .value][0]'
}
