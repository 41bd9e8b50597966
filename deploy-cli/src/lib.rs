//! `luckee`: deploys and operates the Luckee Incentive contracts (library half of the CLI).
