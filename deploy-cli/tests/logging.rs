//! `--log-format json`: every command's stderr is one JSON object per line (timestamp, level,
//! target, fields), also at `-vvv` and for the final error, and the signer's mnemonic appears in
//! no output of any command, whatever the log level.

mod stack;
mod support;

use serde_json::Value;
use stack::Stack;

#[test]
fn json_logs_of_every_command_are_json_lines_without_secrets() {
    let s = Stack::deploy();
    let w = &s.w;
    let backup_dir = w.path().join("b");
    let backup_dir = backup_dir.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["deploy", "upload", "--dry-run"],
        vec!["deploy", "instantiate", "--dry-run"],
        vec!["deploy", "verify"],
        vec!["deploy", "migrate", "--dry-run"],
        vec!["deploy", "rollback", "--dry-run"],
        vec!["plan"],
        vec!["apply", "--dry-run"],
        vec!["ops", "status"],
        vec!["ops", "health"],
        vec!["ops", "gas"],
        vec!["ops", "admin", "show"],
        vec!["ops", "pause", "--dry-run"],
        vec!["ops", "resume", "--dry-run"],
        vec!["backup", "--dir", backup_dir],
        vec!["ops", "monitor", "--listen", "0.0.0.0:9"],
    ];
    let words: Vec<&str> = w.mnemonic.split_whitespace().collect();
    // Any 4 consecutive words of the mnemonic would already be a leak.
    let fragments: Vec<String> = words.windows(4).map(|x| x.join(" ")).collect();
    let mut levels = std::collections::BTreeSet::new();
    for args in commands {
        let mut full = vec!["-vvv", "--log-format", "json"];
        full.extend(args.iter());
        let r = w.luckee(&full);
        let (out, err) = (r.stdout(), r.stderr());
        for f in &fragments {
            assert!(
                !out.contains(f.as_str()) && !err.contains(f.as_str()),
                "luckee {args:?} printed part of the mnemonic"
            );
        }
        assert!(
            !err.trim().is_empty(),
            "luckee {args:?}: -vvv logs something"
        );
        for line in err.lines() {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| {
                panic!("luckee {args:?}: stderr line is not JSON ({e}): {line}")
            });
            for key in ["timestamp", "level", "target", "fields"] {
                assert!(v.get(key).is_some(), "luckee {args:?}: no {key} in {line}");
            }
            levels.insert(v["level"].as_str().unwrap_or_default().to_string());
        }
        if r.code() != Some(0) {
            let last: Value = serde_json::from_str(err.lines().last().unwrap()).unwrap();
            assert_eq!(last["level"], "ERROR", "luckee {args:?}: {last}");
            assert_eq!(last["fields"]["exit_code"], r.code().unwrap(), "{last}");
        }
    }
    assert!(
        levels.contains("DEBUG") || levels.contains("TRACE"),
        "-vvv logs debug lines: {levels:?}"
    );
}
