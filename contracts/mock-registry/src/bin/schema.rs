//! Writes the JSON schema of the registry's messages to `./schema`.

use cosmwasm_schema::write_api;
use mock_registry::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    write_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
}
