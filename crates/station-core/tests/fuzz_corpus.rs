//! Replays every fuzz corpus (`fuzz/corpus/<target>/`, grown by
//! `cargo +nightly fuzz run <target>`, and holding each input that once
//! crashed a parser) through the same entries the fuzzers call, on the
//! stable toolchain: a parser that panics on any of them fails CI.

use std::path::PathBuf;

use station_core::fuzz_targets::TARGETS;

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

#[test]
fn every_target_has_a_corpus_and_survives_it() {
    for (name, run) in TARGETS {
        let dir = corpus_dir(name);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut replayed = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&input));
            assert!(outcome.is_ok(), "target {name} panicked on {}", path.display());
            replayed += 1;
        }
        assert!(
            replayed > 0,
            "target {name} has an empty corpus at {}",
            dir.display()
        );
        println!("{name}: {replayed} inputs");
    }
}

#[test]
fn every_fuzz_binary_names_a_target() {
    let binaries = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(binaries)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let mut targets: Vec<String> = TARGETS.iter().map(|(n, _)| (*n).to_owned()).collect();
    targets.sort();
    assert_eq!(
        names, targets,
        "fuzz/fuzz_targets and station_core::fuzz_targets::TARGETS differ"
    );
}
