-- The event archive of `luckee events sync` (the same schema on SQLite and PostgreSQL).

-- The last fully archived height, written in the same transaction as that height's rows.
CREATE TABLE sync_cursor (
    id INTEGER PRIMARY KEY,        -- always 1
    chain_id TEXT NOT NULL,
    height BIGINT NOT NULL
);

-- Every tx that touched one of our contracts, failed ones included.
CREATE TABLE txs (
    tx_hash TEXT PRIMARY KEY,      -- upper-case hex
    height BIGINT NOT NULL,
    block_time TEXT NOT NULL,      -- RFC 3339 UTC
    tx_index INTEGER NOT NULL,     -- position in the block
    code INTEGER NOT NULL,         -- 0 = success
    codespace TEXT NOT NULL,       -- of a failure
    log TEXT,                      -- the chain's log of a failure
    gas_wanted BIGINT NOT NULL,
    gas_used BIGINT NOT NULL,
    fee TEXT NOT NULL,             -- e.g. 11887ustake
    signer TEXT NOT NULL,          -- sender of the first message
    memo TEXT NOT NULL
);
CREATE INDEX txs_height ON txs (height);

-- The messages of those txs (what a failed tx attempted, too).
CREATE TABLE msgs (
    tx_hash TEXT NOT NULL,
    msg_index INTEGER NOT NULL,
    type_url TEXT NOT NULL,
    contract TEXT NOT NULL,        -- empty for an instantiate
    action TEXT NOT NULL,          -- distribute_reward, mint_for_points, migrate, update_admin, …
    PRIMARY KEY (tx_hash, msg_index)
);
CREATE INDEX msgs_action ON msgs (action);

-- The wasm events of our contracts in successful txs.
CREATE TABLE events (
    tx_hash TEXT NOT NULL,
    msg_index INTEGER NOT NULL,
    event_index INTEGER NOT NULL,  -- position among the tx's events
    height BIGINT NOT NULL,
    kind TEXT NOT NULL,            -- wasm or wasm-<custom>
    contract TEXT NOT NULL,
    action TEXT,
    attributes TEXT NOT NULL,      -- JSON object
    PRIMARY KEY (tx_hash, msg_index, event_index)
);
CREATE INDEX events_action ON events (action);
