//! The commands through Tauri's mock runtime: no display needed. The app
//! starts against the in-process sandbox, as with no config file.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

fn invoke(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn commands_start_an_issuance_and_report_errors_as_code_and_message() {
    let data = tempfile::tempdir().unwrap();
    let location = station_core::config::ConfigLocation {
        path: data.path().join("absent.toml"),
        explicit: false,
    };
    let state = issuance_station_app::AppState::new(location, data.path().to_path_buf());
    tauri::async_runtime::block_on(state.start());
    let app = issuance_station_app::configure(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();

    let info = invoke(&webview, "station_info", json!({})).unwrap();
    assert_eq!(info["sandbox"], true);
    assert!(info["templates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "badge"));

    let problems = invoke(
        &webview,
        "check_claims",
        json!({"template": "badge", "claims": {"given_name": "Megan"}}),
    )
    .unwrap();
    assert_eq!(problems[0]["claim"], "family_name");

    let error = invoke(
        &webview,
        "start_issuance",
        json!({"template": "badge", "claims": {}}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "engine.invalid_claims");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("'given_name' is required"));

    let started = invoke(
        &webview,
        "start_issuance",
        json!({"template": "badge", "claims": {"given_name": "Megan", "family_name": "Bowen"}}),
    )
    .unwrap();
    let flow_id = started["flowId"].as_str().unwrap().to_owned();
    invoke(&webview, "follow_flow", json!({"flowId": flow_id})).unwrap();
    invoke(&webview, "cancel_flow", json!({"flowId": flow_id})).unwrap();
    invoke(&webview, "forget_flow", json!({"flowId": flow_id})).unwrap();
    let gone = invoke(&webview, "cancel_flow", json!({"flowId": flow_id})).unwrap_err();
    assert_eq!(gone["code"], "app.unknown_flow");

    let wallet = invoke(
        &webview,
        "wallet_action",
        json!({"flowId": "nope", "action": "open"}),
    )
    .unwrap_err();
    assert_eq!(wallet["code"], "app.unknown_flow");
}
