//! A callback receiver standing in for the station's listener: it records
//! every callback a service sends and answers 200.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;

/// One callback the receiver got.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub headers: HeaderMap,
    pub body: Value,
}

/// Records every callback and answers 200.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Delivered>>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let got: Arc<Mutex<Vec<Delivered>>> = Arc::default();
        let app = Router::new()
            .route("/callback", post(record))
            .with_state(Arc::clone(&got));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("receiver serves");
        });
        Receiver {
            url: format!("http://{addr}/callback"),
            got,
        }
    }

    pub fn received(&self) -> Vec<Delivered> {
        self.got.lock().expect("lock").clone()
    }

    pub fn last(&self) -> Delivered {
        self.received().last().cloned().expect("a callback")
    }
}

async fn record(
    State(got): State<Arc<Mutex<Vec<Delivered>>>>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    // Strict parsing: the sandbox must always send valid JSON.
    let body: Value = serde_json::from_str(&body).expect("callback body is valid JSON");
    got.lock().expect("lock").push(Delivered { headers, body });
    StatusCode::OK
}
