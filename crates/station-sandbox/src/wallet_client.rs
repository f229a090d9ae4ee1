//! An HTTP client for the simulated wallet's API, so the CLI and tests
//! drive the wallet over the network the same way, and see its refusals as
//! [`SandboxError::Api`] with the sandbox's code and message. It also plays
//! the recipient's phone on a Verified Orchestration photo capture page.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::SandboxError;
use crate::error_body::WalletErrorBody;
use crate::wallet_api::{
    HeldCredential, OpenBody, OpenedRequest, PendingRequest, PinBody, PinOutcome, RequestIdBody,
    WalletActionOutcome,
};

/// The portrait the simulated phone takes: Eileen Collins, NASA, public
/// domain (see `assets/README.md`).
const PHONE_PHOTO: &[u8] = include_bytes!("../assets/phone-photo.jpg");

/// Longer than the sandbox's 10 s callback timeout, which an action may wait out.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Drives the sandbox's simulated wallet.
#[derive(Debug, Clone)]
pub struct WalletClient {
    base_url: String,
    http: reqwest::Client,
}

impl WalletClient {
    /// `base_url` is the sandbox's [`crate::Sandbox::base_url`].
    pub fn new(base_url: &str) -> WalletClient {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .unwrap_or_default();
        WalletClient {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
        }
    }

    /// Scans a request: `url` is what the station shows (the QR content).
    pub async fn open(&self, url: &str) -> Result<OpenedRequest, SandboxError> {
        self.post("open", &OpenBody { url: url.to_owned() }).await
    }

    pub async fn enter_pin(&self, request_id: &str, pin: &str) -> Result<PinOutcome, SandboxError> {
        let body = PinBody {
            request_id: request_id.to_owned(),
            pin: pin.to_owned(),
        };
        self.post("pin", &body).await
    }

    pub async fn accept(&self, request_id: &str) -> Result<WalletActionOutcome, SandboxError> {
        self.post("accept", &id_body(request_id)).await
    }

    pub async fn decline(&self, request_id: &str) -> Result<WalletActionOutcome, SandboxError> {
        self.post("decline", &id_body(request_id)).await
    }

    pub async fn present(&self, request_id: &str) -> Result<WalletActionOutcome, SandboxError> {
        self.post("present", &id_body(request_id)).await
    }

    /// Open requests, newest first.
    pub async fn pending(&self) -> Result<Vec<PendingRequest>, SandboxError> {
        self.get("requests").await
    }

    pub async fn credentials(&self) -> Result<Vec<HeldCredential>, SandboxError> {
        self.get("credentials").await
    }

    /// The recipient's simulated phone: opens a photo capture page, as a
    /// scan of its QR code would, and sends a built-in portrait from it.
    pub async fn take_phone_photo(&self, page_url: &str) -> Result<(), SandboxError> {
        let opened = self.http.get(page_url).send().await?;
        if !opened.status().is_success() {
            return Err(SandboxError::Api {
                status: opened.status().as_u16(),
                code: "notFound".into(),
                message: "this photo capture link is not valid any more (used, expired or never created)"
                    .into(),
            });
        }
        let sent = self
            .http
            .post(page_url)
            .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
            .body(PHONE_PHOTO)
            .send()
            .await?;
        read::<serde_json::Value>(sent).await.map(|_| ())
    }

    fn url(&self, action: &str) -> String {
        format!("{}/wallet/{action}", self.base_url)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        action: &str,
        body: &B,
    ) -> Result<T, SandboxError> {
        read(self.http.post(self.url(action)).json(body).send().await?).await
    }

    async fn get<T: DeserializeOwned>(&self, action: &str) -> Result<T, SandboxError> {
        read(self.http.get(self.url(action)).send().await?).await
    }
}

fn id_body(request_id: &str) -> RequestIdBody {
    RequestIdBody {
        request_id: request_id.to_owned(),
    }
}

async fn read<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, SandboxError> {
    let status = response.status();
    let text = response.text().await?;
    let unexpected = || SandboxError::UnexpectedResponse {
        status: status.as_u16(),
        body: text.chars().take(500).collect(),
    };
    if status.is_success() {
        return serde_json::from_str(&text).map_err(|_| unexpected());
    }
    match serde_json::from_str::<WalletErrorBody>(&text) {
        Ok(body) => Err(SandboxError::Api {
            status: status.as_u16(),
            code: body.error.code,
            message: body.error.message,
        }),
        Err(_) => Err(unexpected()),
    }
}
