# The window's own words, said by the Rust side (src-tauri/l10n.rs) in the
# language the page last chose: the desktop notification of a desk job
# that is ready.

# $recipient: the person to call to the desk, e.g. "Megan Bowen".
window-ready-title = Ready: call { $recipient }
