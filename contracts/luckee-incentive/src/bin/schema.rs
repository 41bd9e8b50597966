//! Writes the JSON schema of the incentive contract's messages to `./schema`.

use cosmwasm_schema::write_api;
use luckee_incentive::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    write_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
}
