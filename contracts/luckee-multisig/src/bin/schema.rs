//! Writes the JSON schema of the multisig's messages (cw3-fixed-multisig's) to `./schema`.

use cosmwasm_schema::write_api;
use luckee_multisig::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    write_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
}
