#!/usr/bin/env python3
"""Checks the workspace's declared MSRV (`rust-version` in Cargo.toml)
against every locked dependency's own: no other toolchain can be installed
here to build with it, but a dependency that needs a newer Rust than we
declare is caught. Clippy's `incompatible_msrv` lint does the same for the
standard library calls in our own code."""

import json
import subprocess
import sys


def version(text):
    parts = [int(part) for part in text.split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    members = set(metadata["workspace_members"])
    packages = metadata["packages"]
    declared = {p["rust_version"] for p in packages if p["id"] in members}
    if len(declared) != 1 or None in declared:
        sys.exit(f"every workspace crate must inherit one rust-version; found {sorted(map(str, declared))}")
    msrv = declared.pop()
    newer = sorted(
        f"{p['name']} {p['version']} needs Rust {p['rust_version']}"
        for p in packages
        if p["id"] not in members and p.get("rust_version") and version(p["rust_version"]) > version(msrv)
    )
    if newer:
        print(f"The workspace declares rust-version {msrv}, but:", *newer, sep="\n  ", file=sys.stderr)
        sys.exit(f"raise rust-version in Cargo.toml's [workspace.package], or pin those crates lower")
    print(f"MSRV {msrv}: all {len(packages) - len(members)} locked dependencies build with it, as far as they declare")


if __name__ == "__main__":
    main()
