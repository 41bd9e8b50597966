//! Every message, response and shared state type of the three Luckee contracts.
//!
//! The contracts (`contracts/*`) and the deploy CLI (`deploy-cli`) both depend on this crate, so
//! the JSON interface is defined exactly once:
//!
//! * [`incentive`] — the Luckee Incentive contract (reward rules, activity reporting, points).
//! * [`registry`] — the member registry the incentive contract asks "is this address a member?".
//! * [`ft`] — the LUCKY fungible token: a plain cw20-base contract, re-exported here.
//! * [`migrate`] — the migration rule all three share (same name, no downgrade).
//!
//! All amounts of FT are in base units (`Uint128`, 6 decimals for LUCKY: `1_000_000` = 1 LUCKY).
//! Points are plain integer counts, also carried as `Uint128` (JSON strings).
//!
//! Input types (messages and what they carry) reject unknown fields, so a typo such as
//! `"enabeld"` fails loudly instead of silently taking a default. Responses accept them.

pub mod ft;
pub mod incentive;
pub mod migrate;
pub mod registry;

/// Default page size of every paginated list query when `limit` is omitted.
///
/// Large enough that the seed's backup scripts (`{"get_rules":{}}`,
/// `{"get_registered_contracts":{}}`) get the whole list for any realistic deployment.
pub const DEFAULT_PAGE_LIMIT: u32 = 100;

/// Largest page size a list query returns; a larger `limit` is clamped to this.
pub const MAX_PAGE_LIMIT: u32 = 500;

/// The page size a list query uses for a requested `limit`: [`DEFAULT_PAGE_LIMIT`] when omitted,
/// at most [`MAX_PAGE_LIMIT`].
pub fn page_limit(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT) as usize
}

/// Seconds in a UTC day; `block_time_seconds / SECONDS_PER_DAY` is the "UTC day" number used by
/// daily caps and daily statistics (day 0 = 1970-01-01).
pub const SECONDS_PER_DAY: u64 = 86_400;

/// The UTC day number (days since the Unix epoch) of a block time.
pub fn utc_day(time: cosmwasm_std::Timestamp) -> u64 {
    time.seconds() / SECONDS_PER_DAY
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::Timestamp;

    #[test]
    fn utc_day_splits_at_midnight() {
        assert_eq!(super::utc_day(Timestamp::from_seconds(86_399)), 0);
        assert_eq!(super::utc_day(Timestamp::from_seconds(86_400)), 1);
    }
}
