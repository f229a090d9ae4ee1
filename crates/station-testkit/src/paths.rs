//! Where the workspace keeps what tests read: the interop peers and the
//! photo fixtures.

use std::path::{Path, PathBuf};

/// The workspace's root directory (this crate is `crates/station-testkit`).
fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("station-testkit is two levels below the workspace root")
}

/// `tests/interop`: the node scripts and their pinned npm packages.
pub(crate) fn interop_dir() -> PathBuf {
    workspace_root().join("tests/interop")
}

/// A photo of `crates/station-core/tests/fixtures/photos` (copies of
/// `../shared/fixtures/photos`; see the README there).
pub fn photo(name: &str) -> PathBuf {
    workspace_root()
        .join("crates/station-core/tests/fixtures/photos")
        .join(name)
}
