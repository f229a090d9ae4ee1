//! `station staff set-pin`: sets the staff PIN that unlocks Settings,
//! History, the Queue and leaving kiosk mode in the window. Typed twice on
//! a terminal (not shown), or two lines on standard input when it is not
//! one; only its argon2id hash goes into the config file.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use clap::Subcommand;
use station_core::config::ConfigLocation;
use station_core::staff::{write_pin_hash, PinHash, StaffError, StaffPin, MAX_DIGITS, MIN_DIGITS};
use zeroize::Zeroizing;

#[derive(Subcommand)]
pub enum StaffAction {
    /// Set the staff PIN (4 to 12 digits), typed twice; stored as an argon2id hash in the config file.
    SetPin,
}

pub fn run(config_path: Option<PathBuf>, action: StaffAction) -> Result<u8, String> {
    match action {
        StaffAction::SetPin => set_pin(&ConfigLocation::find(config_path)),
    }
}

fn set_pin(location: &ConfigLocation) -> Result<u8, String> {
    let (first, second) = read_twice().map_err(|e| format!("cannot read the PIN: {e}"))?;
    let pin = StaffPin::new(&first).map_err(|e| e.to_string())?;
    if StaffPin::new(&second).map_or(true, |second| !pin.same_as(&second)) {
        return Err(StaffError::PinMismatch.to_string());
    }
    let hash = PinHash::of(&pin).map_err(|e| e.to_string())?;
    write_pin_hash(&location.path, &hash).map_err(|e| e.to_string())?;
    println!(
        "The staff PIN is set: its hash is in {} ([staff] pin_hash). A running station uses it from the next unlock.",
        location.path.display()
    );
    Ok(0)
}

fn read_twice() -> std::io::Result<(Zeroizing<String>, Zeroizing<String>)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let first = Zeroizing::new(rpassword::prompt_password(format!(
            "New staff PIN ({MIN_DIGITS} to {MAX_DIGITS} digits, not shown as you type): "
        ))?);
        let second = Zeroizing::new(rpassword::prompt_password("The same PIN again: ")?);
        return Ok((first, second));
    }
    let mut lines = stdin.lock();
    let mut read = || -> std::io::Result<Zeroizing<String>> {
        let mut line = Zeroizing::new(String::new());
        lines.read_line(&mut line)?;
        Ok(Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned()))
    };
    let first = read()?;
    let second = read()?;
    Ok((first, second))
}
