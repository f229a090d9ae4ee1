//! The Request Service's callback body (seeds 001–003; Verified
//! Orchestration forwards the same shape), decoded into a [`FlowEvent`].
//!
//! Microsoft's own documentation shows callback bodies with curly quotes and
//! trailing commas, so a body that is not strict JSON is repaired once before
//! it is given up on.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{FlowEvent, VerifiedCredential, VerifiedPresentation};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackBody {
    pub request_id: String,
    /// Current API; the preview API called it `code`.
    #[serde(alias = "code")]
    pub request_status: String,
    /// Absent in Verified Orchestration's subscription events of requests
    /// created without a callback.
    #[serde(default)]
    pub state: String,
    pub error: Option<CallbackError>,
    pub subject: Option<String>,
    #[serde(default)]
    pub verified_credentials_data: Vec<CredentialData>,
}

#[derive(Debug, Deserialize)]
pub struct CallbackError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialData {
    #[serde(default)]
    pub issuer: String,
    #[serde(rename = "type", default)]
    pub types: Vec<String>,
    #[serde(default)]
    pub claims: BTreeMap<String, serde_json::Value>,
    pub credential_state: Option<CredentialState>,
    pub domain_validation: Option<DomainValidation>,
    pub face_check: Option<FaceCheckResult>,
    pub issuance_date: Option<String>,
    pub expiration_date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialState {
    pub revocation_status: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DomainValidation {
    pub url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaceCheckResult {
    pub match_confidence_score: Option<f64>,
}

/// Parses a callback body, repairing the documentation's typographic slips
/// (curly quotes, trailing commas) if strict parsing fails. Total: any bytes
/// give `Some` or `None`, never a panic (it is a fuzz target), in time
/// linear in their length.
pub fn parse(bytes: &[u8]) -> Option<CallbackBody> {
    if let Ok(body) = serde_json::from_slice(bytes) {
        return Some(body);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    serde_json::from_str(&repair_json(text)).ok()
}

fn repair_json(text: &str) -> String {
    let straightened: String = text
        .chars()
        .map(|c| match c {
            '\u{201C}' | '\u{201D}' => '"',
            other => other,
        })
        .collect();
    let mut repaired = String::with_capacity(straightened.len());
    let chars: Vec<char> = straightened.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        repaired.push(c);
    }
    repaired
}

impl CallbackBody {
    /// The flow event this callback means, or `None` for a status this
    /// station does not act on.
    pub fn to_event(&self) -> Option<FlowEvent> {
        match self.request_status.to_ascii_lowercase().as_str() {
            "request_retrieved" => Some(FlowEvent::Retrieved),
            "issuance_successful" => Some(FlowEvent::Issued),
            "presentation_verified" => Some(FlowEvent::Verified(self.presentation())),
            "issuance_error" | "presentation_error" => {
                let (code, message) = self
                    .error
                    .as_ref()
                    .map(|e| (e.code.clone(), e.message.clone()))
                    .unwrap_or_default();
                Some(FlowEvent::Failed {
                    code: if code.is_empty() {
                        self.request_status.clone()
                    } else {
                        code
                    },
                    message,
                })
            }
            _ => None,
        }
    }

    fn presentation(&self) -> VerifiedPresentation {
        VerifiedPresentation {
            subject: self.subject.clone(),
            credentials: self
                .verified_credentials_data
                .iter()
                .map(|data| VerifiedCredential {
                    issuer: data.issuer.clone(),
                    types: data.types.clone(),
                    claims: data.claims.clone(),
                    revocation_status: data
                        .credential_state
                        .as_ref()
                        .and_then(|s| s.revocation_status.clone()),
                    linked_domain: data.domain_validation.as_ref().and_then(|d| d.url.clone()),
                    face_check_score: data.face_check.as_ref().and_then(|f| f.match_confidence_score),
                    issued_at: data.issuance_date.clone(),
                    expires_at: data.expiration_date.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_retrieved_callback() {
        let body = parse(br#"{"requestId": "799f23ea-5241-45af-99ad-cf8e5018814e", "requestStatus":"request_retrieved", "state": "de19cb6b-36c1-45fe-9409-909a51292a9c"}"#).unwrap();
        assert_eq!(body.state, "de19cb6b-36c1-45fe-9409-909a51292a9c");
        assert_eq!(body.to_event(), Some(FlowEvent::Retrieved));
    }

    #[test]
    fn documented_error_callback_with_curly_quote_and_trailing_comma() {
        // Verbatim shape of seed 001's issuance_error example.
        let text = "{\n \"requestId\": \"799f23ea\",\n \"requestStatus\": \"issuance_error\",\n \"state\": \"s\",\n \"error\": {\n \"code\":\"IssuanceFlowFailed\",\n \"message\":\"issuance_service_error\u{201D},\n }\n}";
        let body = parse(text.as_bytes()).unwrap();
        assert_eq!(
            body.to_event(),
            Some(FlowEvent::Failed {
                code: "IssuanceFlowFailed".into(),
                message: "issuance_service_error".into()
            })
        );
    }

    #[test]
    fn preview_callbacks_use_code() {
        let body = parse(br#"{"requestId":"87e1","code":"issuance_successful","state":"f3d9"}"#).unwrap();
        assert_eq!(body.to_event(), Some(FlowEvent::Issued));
    }

    #[test]
    fn documented_presentation_verified_callback() {
        let text = r#"{
          "requestId": "e4ef27ca-eb8c-4b63-823b-3b95140eac11",
          "requestStatus": "presentation_verified",
          "state": "92d076dd-450a-4247-aa5b-d2e75a1a5d58",
          "subject": "did:web:verifiedid.contoso.com",
          "verifiedCredentialsData": [{
              "issuer": "did:web:issuer...",
              "type": ["VerifiableCredential", "VerifiedCredentialExpert"],
              "claims": {"firstName": "Megan", "lastName": "Bowen"},
              "credentialState": {"revocationStatus": "VALID"},
              "domainValidation": {"url": "https://contoso.com/"},
              "issuanceDate": "yyyy-MM-ddTHH:mm:ssZ",
              "expirationDate": "yyyy-MM-ddTHH:mm:ssZ"
          }],
          "receipt": {"id_token": "eyJraWQiOiJkaWQ6aW<SNIP>", "vp_token": "...", "state": "..."}
        }"#;
        let Some(FlowEvent::Verified(presentation)) = parse(text.as_bytes()).unwrap().to_event() else {
            panic!("not a verified event");
        };
        assert_eq!(
            presentation.subject.as_deref(),
            Some("did:web:verifiedid.contoso.com")
        );
        let credential = &presentation.credentials[0];
        assert_eq!(credential.claims["firstName"], "Megan");
        assert_eq!(credential.revocation_status.as_deref(), Some("VALID"));
        assert_eq!(credential.linked_domain.as_deref(), Some("https://contoso.com/"));
        assert_eq!(credential.types[1], "VerifiedCredentialExpert");
    }

    #[test]
    fn unknown_status_is_not_an_event() {
        let body = parse(br#"{"requestId":"r","requestStatus":"something_new","state":"s"}"#).unwrap();
        assert_eq!(body.to_event(), None);
    }

    /// `parse` is a fuzz target (`fuzz_targets.rs`): it must return for any
    /// bytes. A quick stand-in for the fuzzer: deep nesting, every prefix of
    /// a real body, and pseudo-random bytes.
    #[test]
    fn any_bytes_are_answered_without_panicking() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(deep.as_bytes()).is_none());
        let curly = "{\u{201C}requestId\u{201D}: \u{201C}r\u{201D}, ,,, \"requestStatus\":\"x\",}";
        let _ = parse(curly.as_bytes());
        let real = br#"{"requestId":"r","requestStatus":"issuance_error","state":"s","error":{"code":"c","message":"m",},}"#;
        for end in 0..=real.len() {
            let _ = parse(&real[..end]);
        }
        let alphabet = b"{}[],:\"\\ ,\xe2\x80\x9d0aZ";
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2_000 {
            let bytes: Vec<u8> = (0..64)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            let _ = parse(&bytes);
        }
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(parse(b"not json at all").is_none());
        assert!(parse(br#"{"requestStatus":"request_retrieved"}"#).is_none());
    }
}
