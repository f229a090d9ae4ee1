//! WebKitGTK's memory settings for a window that shows the app's own few
//! pages all day: nothing to cache for a later visit, nothing to keep for
//! going back. The idle memory is measured with `scripts/bench-idle.sh`.

use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};

/// Applies the settings to the window's view (and its web context).
pub fn configure(view: &webkit2gtk::WebView) {
    if let Some(context) = view.context() {
        // The smallest memory and disk caches: the pages come from the app,
        // not the network, and are never revisited from a cache.
        context.set_cache_model(CacheModel::DocumentViewer);
    }
    if let Some(settings) = view.settings() {
        // The back/forward cache would keep a whole page alive; the app
        // never navigates back.
        settings.set_enable_page_cache(false);
    }
}
