//! The camera looking for tickets while the kiosk waits for a visitor.
//!
//! A frame is searched every few hundred milliseconds rather than every
//! frame: a ticket held up stays in view for seconds, and five searches a
//! second keep a kiosk that waits all day nearly idle. The scanner stops
//! at the first ticket read; the kiosk starts it again once the visitor
//! is done.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use image::RgbImage;

use super::decode_ticket;
use crate::camera::{CameraError, CameraStatus, CameraStream};
use crate::config::CameraConfig;

/// How often a frame is searched.
pub const SCAN_EVERY: Duration = Duration::from_millis(200);

/// What the scanner has to say.
#[derive(Debug, Clone)]
pub enum ScanEvent {
    /// A ticket's registration code; the scanner has stopped.
    Ticket(String),
    /// The camera started, failed or came back.
    Camera(CameraStatus),
    /// The frame just searched, for a preview.
    Frame(Arc<RgbImage>),
}

/// A running scanner. Dropping it stops it and lets go of the camera.
pub struct TicketScanner {
    running: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TicketScanner {
    /// Starts the camera `camera` names and searches its newest frame every
    /// `every`; `on_event` hears each event (with the frames searched when
    /// `preview`), and returns `false` when nobody listens any more, which
    /// stops the scanner.
    pub fn start(
        camera: &CameraConfig,
        every: Duration,
        preview: bool,
        mut on_event: impl FnMut(ScanEvent) -> bool + Send + 'static,
    ) -> Result<TicketScanner, CameraError> {
        let stream = CameraStream::open(camera)?;
        let running = Arc::new(AtomicBool::new(true));
        let still_running = Arc::clone(&running);
        let thread = std::thread::spawn(move || {
            let status = stream.status();
            let mut told: Option<CameraStatus> = None;
            let mut searched = 0;
            while still_running.load(Ordering::Relaxed) {
                std::thread::sleep(every);
                let now = status.borrow().clone();
                if told.as_ref() != Some(&now) {
                    told = Some(now.clone());
                    if !on_event(ScanEvent::Camera(now)) {
                        return;
                    }
                }
                let Ok(frame) = stream.latest() else { continue };
                if frame.sequence == searched {
                    continue;
                }
                searched = frame.sequence;
                if let Some(code) = decode_ticket(&frame.image) {
                    on_event(ScanEvent::Ticket(code));
                    return;
                }
                if preview && !on_event(ScanEvent::Frame(frame.image)) {
                    return;
                }
            }
        });
        Ok(TicketScanner {
            running,
            thread: Some(thread),
        })
    }
}

impl Drop for TicketScanner {
    /// Waits for the scanner's thread, so the camera is free for the next
    /// user (the photo step) when this returns.
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::config::CameraSource;

    #[test]
    fn a_ticket_played_by_the_synthetic_camera_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        station_testkit::photos::ticket_frame("T-1001", 1280, 720)
            .save(dir.path().join("ticket.png"))
            .unwrap();
        let camera = CameraConfig {
            source: CameraSource::Pictures(dir.path().to_path_buf()),
            fps: 10,
            ..CameraConfig::default()
        };
        let (sender, events) = mpsc::channel();
        let scanner = TicketScanner::start(&camera, Duration::from_millis(50), false, move |event| {
            sender.send(event).is_ok()
        })
        .unwrap();
        let mut seen = Vec::new();
        while let Ok(event) = events.recv_timeout(Duration::from_secs(10)) {
            seen.push(event);
        }
        drop(scanner);
        let tickets: Vec<&str> = seen
            .iter()
            .filter_map(|event| match event {
                ScanEvent::Ticket(code) => Some(code.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(tickets, ["T-1001"], "{seen:?}");
        assert!(
            seen.iter()
                .any(|event| matches!(event, ScanEvent::Camera(CameraStatus::Live { .. }))),
            "{seen:?}"
        );
    }
}
