//! Engine → UI: every change of a flow's state becomes a
//! `flow://<id>/state` event, so the UI never polls. A slow UI sees the
//! newest state, not a queue of old ones. The UI asks for the stream once
//! it listens, so it misses nothing: the current state comes first.

use std::sync::Arc;

use station_core::flow::FlowHandle;
use tauri::{AppHandle, Emitter, Runtime};

use crate::view::FlowView;

pub fn event_name(flow_id: &str) -> String {
    format!("flow://{flow_id}/state")
}

pub fn forward<R: Runtime>(app: AppHandle<R>, flow: Arc<FlowHandle>) {
    let mut states = flow.watch();
    tauri::async_runtime::spawn(async move {
        let name = event_name(flow.id());
        loop {
            let state = states.borrow_and_update().clone();
            if let Err(error) = app.emit(&name, FlowView::new(flow.id(), flow.kind(), &state)) {
                tracing::warn!(%error, "could not send a flow state to the window");
            }
            if state.is_terminal() || states.changed().await.is_err() {
                return;
            }
        }
    });
}
