//! Finds the SeetaFace frontal face model inside the `rustface` package (it
//! ships there, BSD-2 licensed) and copies it into OUT_DIR, so the engine
//! embeds it: no download and no model file to install at run time.

use std::path::{Path, PathBuf};

const MODEL: &str = "seeta_fd_frontal_v1.0.bin";
const PACKAGE: &str = "rustface-0.1.7";

fn candidates() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        roots.push(PathBuf::from(home));
    }
    if let Some(home) = std::env::var_os("HOME") {
        roots.push(Path::new(&home).join(".cargo"));
    }
    let mut found = Vec::new();
    for root in roots {
        // registry/src/<index>/rustface-x.y.z/model/…
        let Ok(indexes) = std::fs::read_dir(root.join("registry").join("src")) else {
            continue;
        };
        for index in indexes.flatten() {
            found.push(index.path().join(PACKAGE).join("model").join(MODEL));
        }
    }
    // A vendored dependency tree.
    if let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") {
        found.push(
            Path::new(&manifest)
                .join("../../vendor")
                .join(PACKAGE.trim_end_matches("-0.1.7"))
                .join("model")
                .join(MODEL),
        );
    }
    found
}

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join(MODEL);
    let Some(model) = candidates().into_iter().find(|path| path.is_file()) else {
        panic!("the face model {MODEL} was not found in the {PACKAGE} package; run `cargo fetch` and build again");
    };
    if let Err(error) = std::fs::copy(&model, &out) {
        panic!("cannot copy {} to {}: {error}", model.display(), out.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
