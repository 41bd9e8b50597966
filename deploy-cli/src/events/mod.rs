//! The event archive of `luckee events sync` / `events stats`: every tx that touched one of
//! our contracts (failed ones included) with its messages and wasm events, in SQLite (the
//! embedded default) or PostgreSQL, through sqlx's `Any` driver, with the same schema on both
//! (`deploy-cli/migrations/`, versioned and applied on open).
//!
//! Idempotent and resumable: rows are inserted with `ON CONFLICT DO NOTHING` on their natural
//! keys (`txs.tx_hash`, `(tx_hash, msg_index)`, `(tx_hash, msg_index, event_index)`), and the
//! last fully archived height (`sync_cursor`) is written in the same transaction as that
//! height's rows: a killed sync resumes after it with no gap and no duplicate.

pub mod decode;
pub mod stats;

use futures::TryStreamExt;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Row};

use self::decode::{attributes_json, ArchivedTx};
use self::stats::{Counters, EventRow, MsgRow, Stats};
use crate::error::{Error, Result};

/// An open, migrated archive.
#[derive(Debug, Clone)]
pub struct Archive {
    pool: AnyPool,
    postgres: bool,
    /// The URL without a password, for messages.
    pub shown: String,
}

/// What one consistent read of the archive sees ([`Archive::snapshot`]).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The cursor: last fully archived height (`None` before the first sync).
    pub cursor: Option<u64>,
    /// The rows pruned so far: `(up_to_height, their counters)`.
    pub pruned: Option<(u64, Counters)>,
    /// The rows above the requested height up to the cursor, per day.
    pub stats: Stats,
}

/// All-time counters of an archive kept up to date incrementally ([`Archive::refresh`]), for
/// `ops monitor --events-db`.
#[derive(Debug, Clone)]
pub struct Tally {
    incentive: String,
    folded_to: u64,
    /// The counters so far (pruned rows included).
    pub total: Counters,
}

impl Tally {
    /// An empty tally of the incentive at `incentive`.
    pub fn new(incentive: &str) -> Tally {
        Tally {
            incentive: incentive.into(),
            folded_to: 0,
            total: Counters::default(),
        }
    }
}

/// `url` with any password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some(s) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[s + 3..];
    // The authority ends at the first `/` or `?`; its credentials at the last `@` in it (a
    // password may contain `@`, as URL parsers read it).
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let mut out = match rest[..end].rfind('@') {
        Some(at) => match rest[..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &rest[at..]),
            None => url.to_string(),
        },
        None => url.to_string(),
    };
    // A `password=` query parameter too.
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out = format!("{base}{}", query.join("&"));
    }
    out
}

/// Whether a database error means the server went away or refuses connections (PostgreSQL
/// SQLSTATE class 08, or 57P01–57P03: shut down by an administrator, crashed, starting up).
fn is_connection_loss(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

fn db_error(shown: &str, e: sqlx::Error) -> Error {
    match &e {
        e if is_connection_loss(e) => Error::network(format!(
            "database {shown} unreachable: {e} (nothing after the archive's cursor was kept; run again once it is back)"
        )),
        sqlx::Error::Configuration(_) => Error::usage(format!("database {shown}: {e}")),
        _ => Error::Chain(format!("database {shown}: {e}")),
    }
}

impl Archive {
    /// Opens `url` (`sqlite:PATH`, created if missing, or `postgres://…`) and applies the
    /// migrations.
    ///
    /// Errors: exit 2 for a URL of another scheme or a SQLite file that cannot be created
    /// (its directory missing or not writable); exit 4 when a PostgreSQL server cannot be
    /// reached.
    pub async fn open(url: &str) -> Result<Archive> {
        sqlx::any::install_default_drivers();
        let shown = redact(url);
        let connect = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            if path.is_empty() {
                return Err(Error::usage("--db sqlite:PATH: the path is empty"));
            }
            let p = std::path::Path::new(path);
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            if !dir.is_dir() {
                return Err(Error::usage(format!(
                    "--db {shown}: directory {} does not exist",
                    dir.display()
                )));
            }
            format!("sqlite://{path}?mode=rwc")
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            url.to_string()
        } else {
            return Err(Error::usage(format!(
                "--db {shown}: expected sqlite:PATH or postgres://USER@HOST:PORT/DB"
            )));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(&connect)
            .await
            .map_err(|e| {
                if is_connection_loss(&e) {
                    db_error(&shown, e)
                } else {
                    // A wrong password, a missing database, an uncreatable SQLite file.
                    Error::usage(format!("--db {shown}: cannot open: {e}"))
                }
            })?;
        if url.starts_with("sqlite:") {
            // Readers (stats, ops monitor --events-db) never block the writer, nor it them.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(|e| db_error(&shown, e))?;
        }
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| Error::usage(format!("database {shown}: migrations: {e}")))?;
        Ok(Archive {
            pool,
            postgres: !url.starts_with("sqlite:"),
            shown,
        })
    }

    /// The last fully archived height of `chain_id`, if any. Errors: exit 2 if the archive
    /// belongs to another chain-id.
    pub async fn cursor(&self, chain_id: &str) -> Result<Option<u64>> {
        let mut c = self
            .pool
            .acquire()
            .await
            .map_err(|e| db_error(&self.shown, e))?;
        self.cursor_in(&mut c, chain_id).await
    }

    async fn cursor_in(&self, conn: &mut AnyConnection, chain_id: &str) -> Result<Option<u64>> {
        let row: Option<AnyRow> =
            sqlx::query("SELECT chain_id, height FROM sync_cursor WHERE id = 1")
                .fetch_optional(&mut *conn)
                .await
                .map_err(|e| db_error(&self.shown, e))?;
        let Some(row) = row else { return Ok(None) };
        let stored: String = row.try_get(0).map_err(|e| db_error(&self.shown, e))?;
        if stored != chain_id {
            return Err(Error::usage(format!(
                "archive {} holds chain-id {stored}, not {chain_id}",
                self.shown
            )));
        }
        let h: i64 = row.try_get(1).map_err(|e| db_error(&self.shown, e))?;
        Ok(Some(h as u64))
    }

    /// Records the archived txs of every height up to `height` and moves the cursor to
    /// `height`, in one transaction (all or nothing).
    pub async fn record(&self, chain_id: &str, height: u64, txs: &[ArchivedTx]) -> Result<()> {
        let e = |err| db_error(&self.shown, err);
        let mut t = self.pool.begin().await.map_err(e)?;
        for tx in txs {
            sqlx::query(
                "INSERT INTO txs (tx_hash, height, block_time, tx_index, code, codespace, log, \
                 gas_wanted, gas_used, fee, signer, memo) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING",
            )
            .bind(&tx.hash)
            .bind(tx.height as i64)
            .bind(&tx.time)
            .bind(tx.index as i32)
            .bind(tx.code as i32)
            .bind(&tx.codespace)
            .bind(tx.log.clone())
            .bind(tx.gas_wanted)
            .bind(tx.gas_used)
            .bind(&tx.fee)
            .bind(&tx.signer)
            .bind(&tx.memo)
            .execute(&mut *t)
            .await
            .map_err(e)?;
            for m in &tx.msgs {
                sqlx::query(
                    "INSERT INTO msgs (tx_hash, msg_index, type_url, contract, action, items) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(&tx.hash)
                .bind(m.index as i32)
                .bind(&m.type_url)
                .bind(&m.contract)
                .bind(&m.action)
                .bind(m.items as i32)
                .execute(&mut *t)
                .await
                .map_err(e)?;
            }
            for ev in &tx.events {
                sqlx::query(
                    "INSERT INTO events (tx_hash, msg_index, event_index, height, kind, contract, \
                     action, attributes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(&tx.hash)
                .bind(ev.msg_index as i32)
                .bind(ev.event_index as i32)
                .bind(tx.height as i64)
                .bind(&ev.kind)
                .bind(&ev.contract)
                .bind(ev.action.clone())
                .bind(attributes_json(&ev.attributes))
                .execute(&mut *t)
                .await
                .map_err(e)?;
            }
        }
        sqlx::query(
            "INSERT INTO sync_cursor (id, chain_id, height) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET height = excluded.height \
             WHERE sync_cursor.height < excluded.height",
        )
        .bind(chain_id)
        .bind(height as i64)
        .execute(&mut *t)
        .await
        .map_err(e)?;
        t.commit().await.map_err(e)
    }

    /// Every archived message with its tx's hash and result code, in height order:
    /// `(tx_hash, code, action)`.
    pub async fn actions(&self) -> Result<Vec<(String, i64, String)>> {
        let rows = sqlx::query(
            "SELECT t.tx_hash, t.code, m.action FROM txs t JOIN msgs m ON m.tx_hash = t.tx_hash \
             ORDER BY t.height, t.tx_index, m.msg_index",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_error(&self.shown, e))?;
        rows.iter()
            .map(|r| {
                let code: i32 = r.try_get(1)?;
                Ok((r.try_get(0)?, code as i64, r.try_get(2)?))
            })
            .collect::<std::result::Result<_, sqlx::Error>>()
            .map_err(|e| db_error(&self.shown, e))
    }

    /// One consistent read (a REPEATABLE READ transaction on PostgreSQL, a read transaction
    /// on SQLite): the cursor, what was pruned, and the rows of heights `after+1 ..= cursor`
    /// folded into per-day [`Stats`] (`incentive`: the incentive's address). A prune or a sync
    /// committing meanwhile is either wholly seen or not at all, so counters never go down.
    pub async fn snapshot(&self, chain_id: &str, incentive: &str, after: u64) -> Result<Snapshot> {
        let e = |err| db_error(&self.shown, err);
        let mut t = self.pool.begin().await.map_err(e)?;
        if self.postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *t)
                .await
                .map_err(e)?;
        }
        let cursor = self.cursor_in(&mut t, chain_id).await?;
        let pruned = self.pruned_in(&mut t).await?;
        let stats = match cursor {
            Some(c) if c > after => fold(&mut t, &self.shown, incentive, after, c, None).await?,
            _ => Stats::default(),
        };
        t.commit().await.map_err(e)?;
        Ok(Snapshot {
            cursor,
            pruned,
            stats,
        })
    }

    /// What `events prune` deleted so far: the height up to which every row is gone and the
    /// sum of their counters (`None` before the first prune).
    pub async fn pruned(&self) -> Result<Option<(u64, Counters)>> {
        let mut c = self
            .pool
            .acquire()
            .await
            .map_err(|e| db_error(&self.shown, e))?;
        self.pruned_in(&mut c).await
    }

    async fn pruned_in(&self, conn: &mut AnyConnection) -> Result<Option<(u64, Counters)>> {
        let e = |err| db_error(&self.shown, err);
        let row = sqlx::query("SELECT up_to_height, counters FROM pruned_totals WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await
            .map_err(e)?;
        let Some(row) = row else { return Ok(None) };
        let h: i64 = row.try_get(0).map_err(e)?;
        let json: String = row.try_get(1).map_err(e)?;
        let c = serde_json::from_str(&json)
            .map_err(|err| Error::chain(format!("archive {}: pruned_totals: {err}", self.shown)))?;
        Ok(Some((h as u64, c)))
    }

    /// Deletes every row of blocks before UTC day `cutoff` (`YYYY-MM-DD`), about `batch` txs
    /// per transaction (whole heights: up to the height of the `batch`-th oldest tx), folding
    /// what each transaction deletes into `pruned_totals` in that same transaction, which
    /// first takes the archive's write lock (so two prunes never lose each other's totals, and
    /// all-time counters never go down). Never touches the cursor. Returns the txs deleted.
    pub async fn prune(&self, incentive: &str, cutoff: &str, batch: u64) -> Result<u64> {
        let e = |err| db_error(&self.shown, err);
        let cut = format!("{cutoff}T00:00:00Z");
        let mut deleted = 0u64;
        loop {
            let mut t = self.pool.begin().await.map_err(e)?;
            let lock = if self.postgres {
                "LOCK TABLE pruned_totals IN SHARE ROW EXCLUSIVE MODE"
            } else {
                // Any write statement takes SQLite's write lock, even one changing no row.
                "UPDATE pruned_totals SET id = id WHERE id = 1"
            };
            sqlx::query(lock).execute(&mut *t).await.map_err(e)?;
            // The height of the batch-th oldest tx to delete, else of the newest one.
            let mut hb: Option<i64> = sqlx::query(
                "SELECT height FROM txs WHERE block_time < $1 ORDER BY height LIMIT 1 OFFSET $2",
            )
            .bind(&cut)
            .bind(batch.max(1) as i64 - 1)
            .fetch_optional(&mut *t)
            .await
            .map_err(e)?
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(e)?;
            if hb.is_none() {
                hb = sqlx::query("SELECT MAX(height) FROM txs WHERE block_time < $1")
                    .bind(&cut)
                    .fetch_one(&mut *t)
                    .await
                    .map_err(e)?
                    .try_get(0)
                    .map_err(e)?;
            }
            let Some(hb) = hb else { break };
            let (done, mut carry) = self.pruned_in(&mut t).await?.unwrap_or_default();
            let gone = fold(&mut t, &self.shown, incentive, 0, hb as u64, None).await?;
            carry.add(&gone.total());
            sqlx::query("DELETE FROM events WHERE height <= $1")
                .bind(hb)
                .execute(&mut *t)
                .await
                .map_err(e)?;
            sqlx::query(
                "DELETE FROM msgs WHERE tx_hash IN (SELECT tx_hash FROM txs WHERE height <= $1)",
            )
            .bind(hb)
            .execute(&mut *t)
            .await
            .map_err(e)?;
            let n = sqlx::query("DELETE FROM txs WHERE height <= $1")
                .bind(hb)
                .execute(&mut *t)
                .await
                .map_err(e)?
                .rows_affected();
            sqlx::query(
                "INSERT INTO pruned_totals (id, up_to_height, counters) VALUES (1, $1, $2) \
                 ON CONFLICT (id) DO UPDATE SET up_to_height = excluded.up_to_height, \
                 counters = excluded.counters",
            )
            .bind((done as i64).max(hb))
            .bind(serde_json::to_string(&carry).expect("counters serialize"))
            .execute(&mut *t)
            .await
            .map_err(e)?;
            t.commit().await.map_err(e)?;
            deleted += n;
            tracing::info!(up_to_height = hb, txs = n, "pruned");
        }
        Ok(deleted)
    }

    /// Txs of blocks before UTC day `cutoff` (what [`Archive::prune`] would delete).
    pub async fn count_before(&self, cutoff: &str) -> Result<u64> {
        let e = |err| db_error(&self.shown, err);
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM txs WHERE block_time < $1")
            .bind(format!("{cutoff}T00:00:00Z"))
            .fetch_one(&self.pool)
            .await
            .map_err(e)?
            .try_get(0)
            .map_err(e)?;
        Ok(n as u64)
    }

    /// The oldest archived block time (RFC 3339), if any row is left.
    pub async fn oldest(&self) -> Result<Option<String>> {
        let e = |err| db_error(&self.shown, err);
        sqlx::query("SELECT MIN(block_time) FROM txs")
            .fetch_one(&self.pool)
            .await
            .map_err(e)?
            .try_get(0)
            .map_err(e)
    }

    /// Brings `tally` up to the archive's cursor, reading only the rows archived since its
    /// last call (the first call also adds what `events prune` carried), in one consistent
    /// read ([`Archive::snapshot`]). Returns the cursor.
    pub async fn refresh(&self, chain_id: &str, tally: &mut Tally) -> Result<Option<u64>> {
        let mut snap = self
            .snapshot(chain_id, &tally.incentive, tally.folded_to)
            .await?;
        let Some(cursor) = snap.cursor else {
            return Ok(None);
        };
        if cursor < tally.folded_to {
            // The archive was rebuilt: start over (a counter reset, as Prometheus expects).
            *tally = Tally::new(&tally.incentive);
            snap = self.snapshot(chain_id, &tally.incentive, 0).await?;
        }
        if tally.folded_to == 0 {
            tally.total = snap.pruned.map(|(_, c)| c).unwrap_or_default();
        }
        tally.total.add(&snap.stats.total());
        tally.folded_to = snap.cursor.unwrap_or(cursor);
        Ok(snap.cursor)
    }

    /// Closes the pool (waits for its connections to finish).
    pub async fn close(&self) {
        self.pool.close().await
    }

    /// Rows per table: `(txs, msgs, events)`.
    pub async fn counts(&self) -> Result<(i64, i64, i64)> {
        let mut out = [0i64; 3];
        for (i, table) in ["txs", "msgs", "events"].into_iter().enumerate() {
            let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&self.pool)
                .await
                .map_err(|e| db_error(&self.shown, e))?;
            out[i] = row.try_get(0).map_err(|e| db_error(&self.shown, e))?;
        }
        Ok((out[0], out[1], out[2]))
    }
}

/// Folds the rows of heights `after+1 ..= up_to` (and block days from `since`, when given)
/// into per-day [`Stats`], on `conn` (inside the caller's transaction). Streams the rows, so
/// memory stays flat however large the archive.
async fn fold(
    conn: &mut AnyConnection,
    shown: &str,
    incentive: &str,
    after: u64,
    up_to: u64,
    since: Option<&str>,
) -> Result<Stats> {
    let e = |err| db_error(shown, err);
    let since = since.unwrap_or("");
    let mut out = Stats::default();
    {
        let mut rows = sqlx::query(
            "SELECT t.tx_hash, substr(t.block_time, 1, 10), t.code, m.msg_index, m.contract, \
             m.action, m.items, t.log FROM txs t JOIN msgs m ON m.tx_hash = t.tx_hash \
             WHERE t.height > $1 AND t.height <= $2 AND t.block_time >= $3 \
             ORDER BY t.height, t.tx_index, m.msg_index",
        )
        .bind(after as i64)
        .bind(up_to as i64)
        .bind(since)
        .fetch(&mut *conn);
        while let Some(r) = rows.try_next().await.map_err(e)? {
            let row = (|| {
                let (code, msg_index, items): (i32, i32, i32) =
                    (r.try_get(2)?, r.try_get(3)?, r.try_get(6)?);
                let log: Option<String> = r.try_get(7)?;
                Ok::<_, sqlx::Error>(MsgRow {
                    tx_hash: r.try_get(0)?,
                    day: r.try_get(1)?,
                    code: code as i64,
                    msg_index: msg_index as u32,
                    contract: r.try_get(4)?,
                    action: r.try_get(5)?,
                    items: items as u32,
                    log: log.unwrap_or_default(),
                })
            })()
            .map_err(e)?;
            out.add_msg(incentive, &row);
        }
    }
    let mut rows = sqlx::query(
        "SELECT substr(t.block_time, 1, 10), e.kind, e.attributes FROM events e \
         JOIN txs t ON t.tx_hash = e.tx_hash \
         WHERE e.height > $1 AND e.height <= $2 AND t.block_time >= $3 AND e.contract = $4 \
         AND (e.kind = 'wasm-luckee_batch_item' \
              OR e.action IN ('distribute_reward', 'mint_for_points')) \
         ORDER BY e.height, e.tx_hash, e.event_index",
    )
    .bind(after as i64)
    .bind(up_to as i64)
    .bind(since)
    .bind(incentive)
    .fetch(&mut *conn);
    while let Some(r) = rows.try_next().await.map_err(e)? {
        let row = (|| {
            Ok::<_, sqlx::Error>(EventRow {
                day: r.try_get(0)?,
                kind: r.try_get(1)?,
                attributes: r.try_get(2)?,
            })
        })()
        .map_err(e)?;
        out.add_event(&row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://luckee:s3cret@db:5432/x"),
            "postgres://luckee:***@db:5432/x"
        );
        assert_eq!(redact("postgres://luckee@db/x"), "postgres://luckee@db/x");
        assert_eq!(redact("sqlite:/a/b.sqlite"), "sqlite:/a/b.sqlite");
        // A password with `@` (URL parsers split at the last `@` of the authority).
        assert_eq!(
            redact("postgres://u:p@ss@db:5432/x?sslmode=require"),
            "postgres://u:***@db:5432/x?sslmode=require"
        );
        assert_eq!(
            redact("postgres://u@db/x?sslmode=disable&password=s3cret"),
            "postgres://u@db/x?sslmode=disable&password=***"
        );
        assert_eq!(
            redact("postgres://db/x?user=u@corp"),
            "postgres://db/x?user=u@corp"
        );
    }
}
