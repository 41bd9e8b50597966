#!/usr/bin/env bash
# THE OLD WAY (benchmark fixture) — the seed's backup_luckee_incentive.sh made complete: instead
# of three smart queries, every raw key/value of each contract, paged with
# `wasmd query wasm contract-state all --limit 100 --page-key NEXT_KEY` (wasmd >= 0.42 serves at
# most 100 entries per page, whatever the limit asked) and appended to
# <contract>.state.jsonl ({"key":HEX,"value":BASE64} per line, as wasmd prints them).
# Pages are not pinned to one height (the seed's script has no notion of it).
source "$(dirname "$0")/common.sh"
source "$ENV_FILE"

BACKUP_DIR="${BACKUP_DIR:-$WORK/backups/$(date +%Y%m%d_%H%M%S)}"
mkdir -p "$BACKUP_DIR"

backup_state() { # NAME ADDRESS
  local out="$BACKUP_DIR/$1.state.jsonl" page next=""
  : >"$out"
  while :; do
    page=$("$WASMD" query wasm contract-state all "$2" --limit 100 ${next:+--page-key "$next"} "${Q_FLAGS[@]}")
    jq -c '.models[]' <<<"$page" >>"$out"
    next=$(jq -r '.pagination.next_key // empty' <<<"$page")
    [ -n "$next" ] || break
  done
  echo "$1: $(wc -l <"$out") entries" >&2
}

backup_state mock_registry "$DD_REGISTRY_CONTRACT"
backup_state mock_ft "$LUCKY_FT_CONTRACT"
backup_state luckee_incentive "$LUCKY_INCENTIVE_CONTRACT"
echo "备份完成: $BACKUP_DIR" >&2
