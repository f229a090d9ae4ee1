# Les mots de la fenêtre elle-même, dits côté Rust (src-tauri/l10n.rs).

window-ready-title = Prêt : appelez { $recipient }
