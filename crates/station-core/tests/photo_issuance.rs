//! A photo taken at the desk travels in the issuance as Entra documents it
//! (a claim holding the JPEG in base64url), and nowhere else.

use station_core::flow::FlowState;
use station_core::provider::phone_capture::RecipientPhoto;
use station_core::UiError;
use station_testkit::station::{
    astronaut_photo, failure, megan, scan_and_accept, shown, station, Options, ENTRA_PHOTO_TEMPLATE,
};

#[tokio::test]
async fn the_photo_goes_as_a_base64url_jpeg_claim_and_not_into_history() {
    let s = station(Options {
        extra_toml: ENTRA_PHOTO_TEMPLATE.into(),
        ..Options::default()
    })
    .await;
    let photo = astronaut_photo();
    let flow = s
        .engine
        .issue_with_photo("staff", &megan(), Some(RecipientPhoto::Camera(photo.clone())))
        .unwrap();
    let request = shown(&flow).await;
    let sent = s.sandbox.received(&request.request_id).unwrap();
    assert_eq!(sent["claims"]["photo"], photo.to_claim_value());
    assert_eq!(sent["claims"]["given_name"], "Megan");
    assert!(matches!(
        scan_and_accept(&s, &flow, &request).await,
        FlowState::Issued { .. }
    ));
    let held = s.wallet.credentials().await.unwrap();
    assert_eq!(held[0].claims["photo"], photo.to_claim_value());

    s.engine.history().flush();
    let claim = photo.to_claim_value();
    let marker = &claim.as_bytes()[100..160];
    for entry in std::fs::read_dir(s.data_dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker),
            "the photo reached the data directory"
        );
        assert!(
            !bytes.windows(4).any(|w| w == [0xFF, 0xD8, 0xFF, 0xE0]),
            "a JPEG reached the data directory"
        );
    }
}

#[tokio::test]
async fn a_photo_template_needs_a_photo_and_others_take_none() {
    let s = station(Options {
        extra_toml: ENTRA_PHOTO_TEMPLATE.into(),
        ..Options::default()
    })
    .await;
    let missing = s.engine.issue("staff", &megan()).err().unwrap();
    assert_eq!(UiError::from(&missing).code, "engine.photo_required");
    let stray = s
        .engine
        .issue_with_photo(
            "expert",
            &megan(),
            Some(RecipientPhoto::Camera(astronaut_photo())),
        )
        .err()
        .unwrap();
    assert_eq!(UiError::from(&stray).code, "engine.photo_not_used");
    assert!(s.sandbox.received_requests().is_empty());
}

const DOOR_TEMPLATE: &str = r#"
[templates.door]
kind = "presentation"
service = "desk"
credential_type = "StaffBadge"
authority = "did:web:verifier.example"
accepted_issuers = ["did:web:issuer.example"]
face_check = { source_photo_claim = "photo", match_confidence_threshold = 70 }
"#;

#[tokio::test]
async fn face_check_at_the_door_passes_and_fails_on_the_score() {
    let s = station(Options {
        extra_toml: format!("{ENTRA_PHOTO_TEMPLATE}{DOOR_TEMPLATE}"),
        ..Options::default()
    })
    .await;
    let flow = s
        .engine
        .issue_with_photo("staff", &megan(), Some(RecipientPhoto::Camera(astronaut_photo())))
        .unwrap();
    let request = shown(&flow).await;
    assert!(matches!(
        scan_and_accept(&s, &flow, &request).await,
        FlowState::Issued { .. }
    ));

    let door = s.engine.verify("door").unwrap();
    let request = shown(&door).await;
    s.wallet.open(&request.url).await.unwrap();
    s.wallet.present(&request.request_id).await.unwrap();
    let FlowState::Verified { presentation, .. } = door.finished().await else {
        panic!("{:?}", door.state())
    };
    assert_eq!(presentation.credentials[0].face_check_score, Some(95.0));

    s.sandbox.set_face_check_score(40.0);
    let door = s.engine.verify("door").unwrap();
    let request = shown(&door).await;
    s.wallet.open(&request.url).await.unwrap();
    s.wallet.present(&request.request_id).await.unwrap();
    let (code, message) = failure(&door).await;
    assert_eq!(code, "service.claimValidationError");
    assert!(message.contains("40"), "{message}");
}
