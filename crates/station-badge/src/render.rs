//! typst as a library: a [`World`] that holds the badge template, the
//! bundled fonts and the badge's two images in memory, compiled to PDF.

use std::sync::LazyLock;

use station_core::config::BadgeLayout;
use station_core::qr::RequestQr;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Str, Value};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::card::BadgeCard;

/// The template, compiled into the binary: badges look the same on every
/// station, and nothing is read from disk at print time.
const TEMPLATE: &str = include_str!("../templates/badge.typ");
const PHOTO_PATH: &str = "photo.jpg";
const QR_PATH: &str = "qr.svg";

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the check-in link does not fit in a QR code: {0}")]
    Qr(String),
    #[error("the badge template could not be laid out: {0}")]
    Layout(String),
    #[error("the badge could not be written as PDF: {0}")]
    Pdf(String),
}

/// The bundled fonts, parsed once per process (typst-assets: Libertinus
/// Serif for the text; the others come with the crate).
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

struct BadgeWorld {
    library: LazyHash<Library>,
    main: Source,
    photo: Option<Bytes>,
    qr: Bytes,
}

impl BadgeWorld {
    fn new(card: &BadgeCard) -> Result<BadgeWorld, RenderError> {
        let qr = RequestQr::new(&card.check_in)
            .map_err(|e| RenderError::Qr(e.to_string()))?
            .to_svg();
        let size = match card.layout {
            BadgeLayout::Cr80 => "cr80",
            BadgeLayout::A6 => "a6",
        };
        let date = card.issued_on.to_string();
        let mut inputs = Dict::new();
        for (key, value) in [
            ("size", size),
            ("name", card.name.as_str()),
            ("credential", card.credential.as_str()),
            ("event", card.event.as_str()),
            ("date", date.as_str()),
            ("has-photo", if card.photo_jpeg.is_some() { "yes" } else { "no" }),
        ] {
            inputs.insert(Str::from(key), Value::Str(Str::from(value)));
        }
        let main = Source::new(
            FileId::new(None, VirtualPath::new("badge.typ")),
            TEMPLATE.to_owned(),
        );
        Ok(BadgeWorld {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            main,
            photo: card.photo_jpeg.clone().map(Bytes::new),
            qr: Bytes::new(qr.into_bytes()),
        })
    }
}

impl World for BadgeWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.vpath().as_rootless_path();
        match path.to_str() {
            Some(QR_PATH) => Ok(self.qr.clone()),
            Some(PHOTO_PATH) => self.photo.clone().ok_or_else(|| FileError::NotFound(path.into())),
            _ => Err(FileError::NotFound(path.into())),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    /// The template prints the date it is given, not today's.
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

/// The badge as a one-page PDF.
pub fn render_pdf(card: &BadgeCard) -> Result<Vec<u8>, RenderError> {
    let world = BadgeWorld::new(card)?;
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| RenderError::Layout(describe(&errors)))?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| RenderError::Pdf(describe(&errors)));
    // typst memoizes across compilations; a kiosk printing all day keeps
    // only what the last few badges used.
    typst::comemo::evict(10);
    pdf
}

fn describe(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|error| error.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}
