//! Printing through CUPS: `lp` sends the PDF to a named queue, and CUPS
//! does the rest (driver, media, the printer's own errors).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use station_core::config::BadgeLayout;
use station_core::error::ErrorCode;

/// `lp` hands the job to the local CUPS daemon and returns; longer than
/// this means the daemon (or a remote server) does not answer.
const LP_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the CUPS command `lp` is not installed; install the cups-client package (Debian/Ubuntu) or remove printer from [badge] to save badges as PDF instead")]
    LpMissing,
    #[error("printer '{printer}' refused the badge: {detail}; check the queue with `lpstat -p {printer}` and the printer name in [badge] printer")]
    Refused { printer: String, detail: String },
    #[error("`lp` did not answer within {} seconds; check that CUPS is running (`lpstat -r`)", LP_TIMEOUT.as_secs())]
    TimedOut,
    #[error("`lp` could not be run: {0}")]
    Run(String),
}

impl ErrorCode for PrintError {
    fn code(&self) -> &'static str {
        match self {
            PrintError::LpMissing => "badge.lp_missing",
            PrintError::Refused { .. } => "badge.printer_refused",
            PrintError::TimedOut => "badge.lp_timed_out",
            PrintError::Run(_) => "badge.lp_failed",
        }
    }
}

/// The CUPS media name for a badge page (PWG names, portrait as CUPS
/// writes them; CUPS turns the landscape page to fit).
fn media(layout: BadgeLayout) -> &'static str {
    match layout {
        BadgeLayout::Cr80 => "Custom.54x85.6mm",
        BadgeLayout::A6 => "A6",
    }
}

/// Sends `pdf` to the CUPS queue `printer`: `lp -d <printer> -t Badge
/// -o media=… <pdf>`. Returns `lp`'s answer ("request id is badge-7").
/// Blocks until `lp` exits.
pub fn print_pdf(pdf: &Path, printer: &str, layout: BadgeLayout) -> Result<String, PrintError> {
    let mut child = Command::new("lp")
        .arg("-d")
        .arg(printer)
        .args(["-t", "Badge", "-o"])
        .arg(format!("media={}", media(layout)))
        .arg("--")
        .arg(pdf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => PrintError::LpMissing,
            _ => PrintError::Run(e.to_string()),
        })?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| PrintError::Run(e.to_string()))? {
            break status;
        }
        if started.elapsed() > LP_TIMEOUT {
            // Best effort: the error says what to check either way.
            let _ = child.kill();
            let _ = child.wait();
            return Err(PrintError::TimedOut);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // lp writes one line each way; the pipes cannot fill before it exits.
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    if status.success() {
        Ok(stdout)
    } else {
        Err(PrintError::Refused {
            printer: printer.to_owned(),
            detail: if stderr.is_empty() {
                status.to_string()
            } else {
                stderr
            },
        })
    }
}

fn read_all(pipe: Option<impl Read>) -> String {
    let mut text = String::new();
    if let Some(mut pipe) = pipe {
        // What lp said is only shown; a pipe that fails to read says nothing.
        let _ = pipe.read_to_string(&mut text);
    }
    text.trim().to_owned()
}
