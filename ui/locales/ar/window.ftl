# كلمات النافذة نفسها، يقولها جانب Rust ‏(src-tauri/l10n.rs).

window-ready-title = جاهز: نادِ { $recipient }
