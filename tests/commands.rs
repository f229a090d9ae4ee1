//! The commands through Tauri's mock runtime: no display needed. The app
//! starts against the in-process sandbox, as with no config file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

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

/// The app on the mock runtime, started against the sandbox, with its
/// window; the data directory lives as long as the app.
fn mock_app() -> (
    tempfile::TempDir,
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    mock_app_with_config(None)
}

/// As [`mock_app`], with `config` (when given) as the station's config
/// file, `station.toml` in the data directory.
fn mock_app_with_config(
    config: Option<&str>,
) -> (
    tempfile::TempDir,
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let data = tempfile::tempdir().unwrap();
    let location = match config {
        Some(text) => {
            let path = data.path().join("station.toml");
            std::fs::write(&path, text).unwrap();
            station_core::config::ConfigLocation { path, explicit: true }
        }
        None => station_core::config::ConfigLocation {
            path: data.path().join("absent.toml"),
            explicit: false,
        },
    };
    let state = issuance_station_app::AppState::new(location, data.path().to_path_buf());
    tauri::async_runtime::block_on(state.start());
    let app = issuance_station_app::configure(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (data, app, webview)
}

#[test]
fn commands_start_an_issuance_and_report_errors_as_code_and_message() {
    let (_data, _app, webview) = mock_app();

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

#[test]
fn an_issuance_is_a_job_in_the_queue_and_the_queue_roster_and_connection_commands_answer() {
    let (_data, _app, webview) = mock_app();
    assert_eq!(
        invoke(&webview, "queue_list", json!({"limit": 10})).unwrap(),
        json!([])
    );
    assert_eq!(
        invoke(&webview, "roster_search", json!({"text": "Megan", "limit": 5})).unwrap(),
        json!([])
    );
    let connection = invoke(&webview, "connection_status", json!({})).unwrap();
    assert_eq!(connection["unreachable"], json!([]), "{connection}");
    assert_eq!(connection["queued"], 0, "{connection}");
    assert_eq!(connection["ready"], 0, "{connection}");

    let nobody = invoke(
        &webview,
        "start_issuance",
        json!({"template": "badge", "claims": {"given_name": "Megan", "family_name": "Bowen"}, "personId": 404}),
    )
    .unwrap_err();
    assert_eq!(nobody["code"], "queue.unknown_person", "{nobody}");

    let started = invoke(
        &webview,
        "start_issuance",
        json!({"template": "badge", "claims": {"given_name": "Megan", "family_name": "Bowen"}}),
    )
    .unwrap();
    let jobs = invoke(&webview, "queue_list", json!({"limit": 10})).unwrap();
    assert_eq!(jobs.as_array().unwrap().len(), 1, "{jobs}");
    assert_eq!(jobs[0]["jobId"], started["flowId"], "{jobs}");
    assert_eq!(jobs[0]["recipient"], "Megan Bowen", "{jobs}");
    assert_eq!(jobs[0]["route"], "desk", "{jobs}");
    let counts = invoke(&webview, "queue_counts", json!({})).unwrap();
    assert_eq!(counts["atDesk"], 1, "{counts}");

    // On screen, so neither retried nor started again.
    let job_id = started["flowId"].clone();
    for command in ["queue_retry", "queue_start"] {
        let refused = invoke(&webview, command, json!({"jobId": job_id})).unwrap_err();
        assert_eq!(refused["code"], "queue.wrong_state", "{command}: {refused}");
    }
    let unknown = invoke(&webview, "queue_cancel", json!({"jobId": "no-such-job"})).unwrap_err();
    assert_eq!(unknown["code"], "queue.not_found", "{unknown}");

    // A walk-in whose issuance staff cancel on screen is not called back later.
    invoke(&webview, "cancel_flow", json!({"flowId": job_id})).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let jobs = invoke(&webview, "queue_list", json!({"limit": 10})).unwrap();
        if jobs[0]["status"] == "cancelled" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{jobs}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Whether the runtime found no command of that name: the one failure that
/// says nothing about the command's own arguments or work.
fn is_unknown_command(error: &Value, command: &str) -> bool {
    error
        .as_str()
        .is_some_and(|text| text == format!("Command {command} not found"))
}

#[test]
fn every_command_in_the_list_reaches_its_handler() {
    let (_data, _app, webview) = mock_app();
    let nonsense = invoke(&webview, "no_such_command", json!({})).unwrap_err();
    assert!(is_unknown_command(&nonsense, "no_such_command"), "{nonsense}");
    for command in issuance_station_app::COMMANDS {
        // Arguments are left out on purpose: a command that needs some
        // answers that it misses them, which only its own handler can say.
        if let Err(error) = invoke(&webview, command, json!({})) {
            assert!(!is_unknown_command(&error, command), "{command}: {error}");
        }
    }
}

#[test]
fn the_ui_lists_exactly_the_commands_the_app_offers_each_once() {
    let api = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/js/api.js")).unwrap();
    let mut listed: Vec<&str> = api
        .match_indices("command(\"")
        .map(|(at, opening)| {
            let name = &api[at + opening.len()..];
            &name[..name.find('"').unwrap()]
        })
        .collect();
    let count = listed.len();
    listed.sort_unstable();
    listed.dedup();
    assert_eq!(listed.len(), count, "a command is listed twice in ui/js/api.js");
    let mut offered = issuance_station_app::COMMANDS.to_vec();
    offered.sort_unstable();
    assert_eq!(
        listed, offered,
        "ui/js/api.js and src-tauri/command_list.rs disagree"
    );
}

#[test]
fn the_capability_grants_exactly_the_listed_commands_and_no_stale_permission_is_left() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |path: &str| std::fs::read_to_string(format!("{root}/{path}")).unwrap();
    let mut expected: Vec<String> = issuance_station_app::COMMANDS
        .iter()
        .map(|command| format!("allow-{}", command.replace('_', "-")))
        .collect();
    expected.sort_unstable();

    let set = read("permissions/station-commands.toml");
    let mut granted: Vec<String> = set
        .lines()
        .filter_map(|line| {
            line.trim()
                .strip_prefix('"')?
                .strip_suffix("\",")
                .map(str::to_owned)
        })
        .collect();
    granted.sort_unstable();
    assert_eq!(granted, expected, "permissions/station-commands.toml");

    let capability: Value = serde_json::from_str(&read("src-tauri/capabilities/main.json")).unwrap();
    let permissions: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(permissions.contains(&"station-commands"), "{permissions:?}");
    assert!(
        permissions
            .iter()
            .all(|p| p.starts_with("core:") || *p == "station-commands"),
        "the capability grants app commands only through the set: {permissions:?}"
    );

    // tauri-build writes a file per command but never deletes one.
    let mut generated: Vec<String> = std::fs::read_dir(format!("{root}/permissions/autogenerated"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .map(|stem| format!("allow-{}", stem.replace('_', "-")))
        .collect();
    generated.sort_unstable();
    assert_eq!(
        generated, expected,
        "permissions/autogenerated has a file for a command not in the list"
    );
}

#[test]
fn the_attendant_stats_have_the_shape_the_attendant_screen_reads() {
    let (_data, _app, webview) = mock_app();
    let empty = invoke(&webview, "attendant_stats", json!({})).unwrap();
    let hours = empty["hours"].as_array().unwrap();
    assert_eq!(hours.len(), 12, "{empty}");
    for (earlier, later) in hours.iter().zip(&hours[1..]) {
        assert_eq!(
            later["startMs"].as_i64().unwrap() - earlier["startMs"].as_i64().unwrap(),
            3_600_000,
            "{empty}"
        );
    }
    assert_eq!(hours[11]["issued"], 0, "{empty}");
    assert_eq!(hours[11]["failed"], 0, "{empty}");
    assert_eq!(empty["successRate"], Value::Null, "{empty}");
    assert_eq!(empty["failuresByReason"], json!([]), "{empty}");
    assert_eq!(empty["queueDepth"], 0, "{empty}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let generated = u128::from(empty["generatedAtMs"].as_u64().unwrap());
    assert!(now.abs_diff(generated) < 60_000, "{empty}");
    let current = u128::from(hours[11]["startMs"].as_u64().unwrap());
    assert!(current <= generated && generated < current + 3_600_000, "{empty}");

    // What the screen sums as the queue's open jobs, by status.
    invoke(
        &webview,
        "start_issuance",
        json!({"template": "badge", "claims": {"given_name": "Megan", "family_name": "Bowen"}}),
    )
    .unwrap();
    let busy = invoke(&webview, "attendant_stats", json!({})).unwrap();
    for status in ["queued", "sending", "sent", "ready", "atDesk", "uncertain"] {
        let expected = u64::from(status == "atDesk");
        assert_eq!(busy["queue"][status].as_u64(), Some(expected), "{status}: {busy}");
    }
    assert_eq!(busy["queueDepth"], 1, "{busy}");
}

/// Settings as the Settings screen sends them: the sandbox, every field there.
fn sandbox_settings() -> Value {
    json!({
        "useSandbox": true, "service": "entra",
        "entra": {"tenant": "", "clientId": "", "authority": "", "manifest": ""},
        "orchestration": {"apiUrl": "", "wsUrl": "", "tokenUrl": "", "clientId": "", "scope": "", "events": "", "contractId": ""},
        "oid4vci": {"apiBase": "", "pollIntervalMs": null, "offerLifetimeSecs": null, "urlScheme": "", "credentialDefinitionId": "", "issuanceMode": ""},
        "credentialType": "", "callbackPublicUrl": "", "kiosk": false, "resultResetSecs": 15,
        "cameraDevice": "", "cameraWidth": 1280, "cameraHeight": 720
    })
}

/// Every staff command, with arguments it takes.
fn staff_commands() -> Vec<(&'static str, Value)> {
    vec![
        ("get_settings", json!({})),
        (
            "save_settings",
            json!({"change": {"settings": sandbox_settings(), "secret": null}}),
        ),
        ("test_connection", json!({})),
        ("list_cameras", json!({})),
        ("history", json!({"limit": 10})),
        ("history_timeline", json!({"flowId": "no-such-flow"})),
        ("queue_list", json!({"limit": 10})),
        ("queue_retry", json!({"jobId": "no-such-job"})),
        ("queue_cancel", json!({"jobId": "no-such-job"})),
        ("queue_start", json!({"jobId": "no-such-job"})),
        ("attendant_stats", json!({})),
    ]
}

#[test]
fn with_a_staff_pin_every_staff_command_refuses_until_unlocked_and_again_after_lock() {
    let hash =
        station_core::staff::PinHash::of(&station_core::staff::StaffPin::new("4826").unwrap()).unwrap();
    let (_data, _app, webview) = mock_app_with_config(Some(&format!(
        "[station]\nuse_sandbox = true\n\n[staff]\npin_hash = \"{}\"\ndelay_ms = 0\n",
        hash.as_str()
    )));

    assert_eq!(
        invoke(&webview, "staff_status", json!({})).unwrap()["state"],
        "locked"
    );
    for (command, args) in staff_commands() {
        let refused = invoke(&webview, command, args).unwrap_err();
        assert_eq!(refused["code"], "staff.locked", "{command}: {refused}");
    }
    let wrong = invoke(&webview, "staff_unlock", json!({"pin": "1111"})).unwrap_err();
    assert_eq!(wrong["code"], "staff.wrong_pin", "{wrong}");
    assert_eq!(
        invoke(&webview, "staff_status", json!({})).unwrap()["triesLeft"],
        4
    );

    let unlocked = invoke(&webview, "staff_unlock", json!({"pin": "4826"})).unwrap();
    assert_eq!(unlocked["state"], "unlocked", "{unlocked}");
    // Two minutes from the unlock, less the milliseconds since.
    let locks_in = unlocked["locksInMs"].as_u64().unwrap();
    assert!((119_000..=120_000).contains(&locks_in), "{unlocked}");
    for (command, args) in staff_commands() {
        if let Err(error) = invoke(&webview, command, args) {
            assert_ne!(error["code"], "staff.locked", "{command}: {error}");
        }
    }
    // Saving Settings restarted the station: staff are still in.
    assert!(invoke(&webview, "get_settings", json!({})).is_ok());

    invoke(&webview, "staff_lock", json!({})).unwrap();
    let refused = invoke(&webview, "history", json!({"limit": 10})).unwrap_err();
    assert_eq!(refused["code"], "staff.locked", "{refused}");
}

#[test]
fn staff_set_a_new_pin_from_settings_and_only_it_unlocks_then() {
    let (data, _app, webview) =
        mock_app_with_config(Some("# the desk's own notes\n[station]\nuse_sandbox = true\n"));
    let config = data.path().join("station.toml");

    // A desk station without a PIN is open, as before the gate.
    assert_eq!(
        invoke(&webview, "staff_status", json!({})).unwrap()["state"],
        "open"
    );
    assert!(invoke(&webview, "history", json!({"limit": 5})).is_ok());

    let mismatch = invoke(
        &webview,
        "staff_set_pin",
        json!({"pin": "2468", "repeat": "2469"}),
    )
    .unwrap_err();
    assert_eq!(mismatch["code"], "staff.pin_mismatch", "{mismatch}");
    let rules = invoke(&webview, "staff_set_pin", json!({"pin": "24", "repeat": "24"})).unwrap_err();
    assert_eq!(rules["code"], "staff.pin_rules", "{rules}");
    assert!(
        rules["message"].as_str().unwrap().contains("4 to 12 digits"),
        "{rules}"
    );

    // Whoever set it stays in; the file holds its hash, never the PIN.
    let set = invoke(
        &webview,
        "staff_set_pin",
        json!({"pin": "2468", "repeat": "2468"}),
    )
    .unwrap();
    assert_eq!(set["state"], "unlocked", "{set}");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.starts_with("# the desk's own notes\n"), "{text}");
    assert!(text.contains("pin_hash = \"$argon2id$"), "{text}");
    assert!(!text.contains("2468"), "{text}");

    invoke(&webview, "staff_lock", json!({})).unwrap();
    let refused = invoke(&webview, "get_settings", json!({})).unwrap_err();
    assert_eq!(refused["code"], "staff.locked", "{refused}");
    let old = invoke(&webview, "staff_unlock", json!({"pin": "4826"})).unwrap_err();
    assert_eq!(old["code"], "staff.wrong_pin", "{old}");
}
