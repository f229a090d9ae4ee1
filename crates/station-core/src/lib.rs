//! The Issuance Station engine.
//!
//! Everything a front end (the Tauri window, the `station` CLI, tests) needs to
//! issue or verify a credential lives here, free of any UI toolkit so that it
//! builds and tests quickly. The front ends convert input, call [`Engine`] and
//! render the [`flow::FlowState`] it publishes.

pub mod attendant;
pub mod camera;
pub mod config;
pub mod connectivity;
pub mod doctor;
pub mod engine;
pub mod error;
pub mod events;
pub mod flow;
pub mod fuzz_targets;
pub mod kiosk;
pub mod photo;
pub mod pin;
pub mod provider;
pub mod qr;
pub mod queue;
pub mod roster;
pub mod secrets;
pub mod settings;
pub mod staff;
pub mod store;

pub use engine::{Engine, EngineError};
pub use error::UiError;
