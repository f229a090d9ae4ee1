//! The crate's one error type, for starting the sandbox and for the wallet
//! client. API refusals keep the sandbox's own `code` and `message` so a
//! caller can branch on the code and print the message unchanged.

use std::net::SocketAddr;

/// Everything that can go wrong starting the sandbox or talking to its wallet API.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listening socket could not be opened.
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client used for callbacks could not be built (TLS set-up).
    #[error("could not build the callback HTTP client: {0}")]
    CallbackClient(#[source] reqwest::Error),
    /// The wallet API could not be reached or its answer could not be read.
    #[error("could not reach the sandbox wallet API: {0}")]
    Transport(#[from] reqwest::Error),
    /// The wallet API refused the action with its documented error body.
    #[error("{code}: {message}")]
    Api {
        status: u16,
        code: String,
        message: String,
    },
    /// The wallet API answered something that is not its documented shape.
    #[error("unexpected answer from the sandbox wallet API (HTTP {status}): {body}")]
    UnexpectedResponse { status: u16, body: String },
}
