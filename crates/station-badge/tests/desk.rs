//! A badge for a real issuance on the sandbox: issued with a photo, the
//! badge of its job is saved (no printer set) under the data directory
//! with the recipient's name, its QR code names the job and no person, and
//! what is not issued has no badge.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::process::Command;

use station_badge::{BadgeDesk, BadgeOutcome, BADGE_FOLDER};
use station_core::error::ErrorCode;
use station_core::flow::FlowState;
use station_core::provider::phone_capture::RecipientPhoto;
use station_testkit::station::{astronaut_photo, megan, scan_and_accept, shown, station, Options};

const PASS_TEMPLATE: &str = r#"
[templates.pass]
service = "desk"
display_name = "Staff pass"
credential_type = "StaffPass"
manifest = "https://example.com/manifest"
authority = "did:web:issuer.example"
photo_claim = "photo"
badge = "cr80"
claims = [ { name = "given_name", required = true }, { name = "family_name", required = true } ]

[badge]
event = "Contoso Developer Conference 2026"
"#;

#[tokio::test]
async fn an_issued_badge_is_saved_with_the_name_and_a_check_in_code_without_it() {
    let s = station(Options {
        extra_toml: PASS_TEMPLATE.into(),
        ..Options::default()
    })
    .await;
    let flow = s
        .engine
        .issue_with_photo("pass", &megan(), Some(RecipientPhoto::Camera(astronaut_photo())))
        .unwrap();
    let request = shown(&flow).await;
    let desk = BadgeDesk::new(&s.engine);
    let early = desk.print(flow.id()).unwrap_err();
    assert_eq!(
        early.code(),
        "queue.wrong_state",
        "no badge before the credential is issued"
    );
    assert!(matches!(
        scan_and_accept(&s, &flow, &request).await,
        FlowState::Issued { .. }
    ));

    let card = desk.card(flow.id()).unwrap();
    assert_eq!(
        card.check_in,
        format!("issuance-station://check-in?template=StaffPass&job={}", flow.id())
    );
    assert_eq!(card.credential, "Staff pass");
    assert!(card.photo_jpeg.is_some());

    let BadgeOutcome::Saved { path } = desk.print(flow.id()).unwrap() else {
        panic!("no printer is set: the badge is saved");
    };
    assert_eq!(
        path,
        s.data_dir
            .path()
            .join(BADGE_FOLDER)
            .join(format!("{}.pdf", flow.id()))
    );
    let text = Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    // The card wraps long lines; the words are what matter here.
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Megan Bowen"), "{text}");
    assert!(text.contains("Contoso Developer Conference 2026"), "{text}");
    assert_eq!(desk.sweep(), 0, "a fresh badge stays for the grace period");

    let unknown = desk.print("no-such-job").unwrap_err();
    assert_eq!(unknown.code(), "queue.not_found");
}
