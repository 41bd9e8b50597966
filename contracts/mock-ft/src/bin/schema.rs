//! Writes the JSON schema of the token's messages (cw20-base's) to `./schema`.

use cosmwasm_schema::write_api;
use mock_ft::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    write_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
}
