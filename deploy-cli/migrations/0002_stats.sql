-- `events stats` and `events prune` (issue 13, second part).

-- Activities a message reports: the items of a batch_distribute, else 1, so that a failed
-- batch counts every activity it attempted. Rows archived before this migration keep 1.
ALTER TABLE msgs ADD COLUMN items INTEGER NOT NULL DEFAULT 1;

-- What `events prune` deleted, summed, so that the all-time counters never go down.
CREATE TABLE pruned_totals (
    id INTEGER PRIMARY KEY,        -- always 1
    up_to_height BIGINT NOT NULL,  -- every archived row at or below it was pruned
    counters TEXT NOT NULL         -- JSON of luckee's stats Counters (amounts as strings)
);

-- Prune and stats read txs by time.
CREATE INDEX txs_block_time ON txs (block_time);
CREATE INDEX events_height ON events (height);
