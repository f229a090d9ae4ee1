//! Printing through a real CUPS: the test starts its own cupsd (its own
//! folder and socket, so the machine's CUPS, if any, is not touched) with
//! a queue whose device is a file, prints a rendered badge with `lp`, and
//! finds the badge in that file. A queue that does not exist is refused
//! with CUPS's own words. Needs Debian's cups and cups-client
//! (scripts/install-deps.sh --test); cupsd runs its jobs as user lp.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use station_badge::{check_in_link, print_pdf, render_pdf, BadgeCard, CheckInPerson, IssueDate, PrintError};
use station_core::config::BadgeLayout;

struct Cups {
    daemon: Child,
    dir: tempfile::TempDir,
}

impl Drop for Cups {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

impl Cups {
    fn start() -> Cups {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for sub in ["root", "spool", "cache", "state", "log", "tmp", "out"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        // cupsd's jobs run as lp: they write the temporary and output files.
        for sub in ["tmp", "out"] {
            chmod(&root.join(sub), "777");
        }
        chmod(root, "755");
        let socket = root.join("cups.sock");
        std::fs::write(
            root.join("cupsd.conf"),
            format!(
                "Listen {}\nLogLevel info\nDefaultAuthType None\nWebInterface No\n\
                 <Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
                socket.display()
            ),
        )
        .unwrap();
        let at = |sub: &str| root.join(sub).display().to_string();
        std::fs::write(
            root.join("cups-files.conf"),
            format!(
                "FileDevice Yes\nServerRoot {}\nRequestRoot {}\nCacheDir {}\nStateDir {}\nTempDir {}\n\
                 ErrorLog {}/error_log\nAccessLog {}/access_log\nPageLog {}/page_log\nPrintcap {}/printcap\n\
                 SystemGroup root\nUser lp\nGroup lp\n",
                at("root"),
                at("spool"),
                at("cache"),
                at("state"),
                at("tmp"),
                at("log"),
                at("log"),
                at("log"),
                at("state"),
            ),
        )
        .unwrap();
        let daemon = Command::new("cupsd")
            .arg("-f")
            .arg("-c")
            .arg(root.join("cupsd.conf"))
            .arg("-s")
            .arg(root.join("cups-files.conf"))
            .spawn()
            .expect("cupsd (Debian cups) is installed: scripts/install-deps.sh --test");
        // lp, lpadmin and lpstat of this process talk to this daemon.
        std::env::set_var("CUPS_SERVER", &socket);
        let started = Instant::now();
        while !socket.exists() {
            assert!(started.elapsed() < Duration::from_secs(10), "cupsd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Cups { daemon, dir }
    }

    /// A queue that writes what it prints to `out/<name>.pdf`, through
    /// cups-filters' generic PDF printer driver.
    fn add_file_queue(&self, name: &str) -> PathBuf {
        let out = self.dir.path().join("out").join(format!("{name}.pdf"));
        // cupsd opens a file device's file; it does not create it.
        std::fs::write(&out, b"").unwrap();
        chmod(&out, "666");
        let status = Command::new("lpadmin")
            .args(["-p", name, "-E", "-v"])
            .arg(format!("file://{}", out.display()))
            .args(["-m", "lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd"])
            .status()
            .unwrap();
        assert!(status.success(), "lpadmin could not add the queue");
        out
    }
}

fn chmod(path: &Path, mode: &str) {
    assert!(Command::new("chmod")
        .arg(mode)
        .arg(path)
        .status()
        .unwrap()
        .success());
}

fn badge(dir: &Path) -> PathBuf {
    let card = BadgeCard {
        layout: BadgeLayout::Cr80,
        name: "Megan Bowen".into(),
        photo_jpeg: Some(station_testkit::photos::astronaut_jpeg()),
        credential: "Event badge".into(),
        event: "Contoso Developer Conference 2026".into(),
        issued_on: IssueDate {
            year: 2026,
            month: 5,
            day: 12,
        },
        check_in: check_in_link("EventBadge", &CheckInPerson::Job("6f1c".into())),
    };
    let path = dir.join("badge.pdf");
    std::fs::write(&path, render_pdf(&card).unwrap()).unwrap();
    path
}

#[test]
fn a_badge_prints_through_cups_and_an_unknown_queue_is_refused() {
    let cups = Cups::start();
    let out = cups.add_file_queue("badge");
    let pdf = badge(cups.dir.path());

    let answer = print_pdf(&pdf, "badge", BadgeLayout::Cr80).unwrap();
    assert!(answer.starts_with("request id is badge-"), "{answer}");
    let started = Instant::now();
    while std::fs::metadata(&out).map_or(0, |m| m.len()) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the job never reached the printer: {}",
            std::fs::read_to_string(cups.dir.path().join("log/error_log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Let CUPS finish writing, then read what the "printer" got.
    std::thread::sleep(Duration::from_millis(500));
    let text = Command::new("pdftotext").arg(&out).arg("-").output().unwrap();
    // The card wraps long lines; the words are what matter here.
    let words = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("Megan Bowen"), "{words}");

    let refused = print_pdf(&pdf, "no-such-queue", BadgeLayout::Cr80).unwrap_err();
    let PrintError::Refused { printer, detail } = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(printer, "no-such-queue");
    assert!(detail.contains("does not exist"), "{detail}");
    assert!(refused.to_string().contains("lpstat -p no-such-queue"));
}
