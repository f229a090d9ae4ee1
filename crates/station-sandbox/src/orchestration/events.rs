//! Fan-out of events to subscriptions. Each event is built once, when it
//! happens, and broadcast; each subscription keeps what its filter asks for.
//! Nothing is replayed to a late subscriber, except a photo capture's
//! current status: VO does not store issuance events either ("you cannot
//! poll for issuance received events because they are not stored").

use std::sync::Arc;

use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use tokio::sync::broadcast::{self, error::RecvError};

use super::scalars::Uuid;
use super::types::{IssuanceEventData, IssuanceEventWhere, PhotoCaptureEventData, PhotoCaptureStatus};

/// An issuance event with the facts subscriptions filter on.
#[derive(Debug)]
pub(super) struct IssuanceTopic {
    pub contract_id: Uuid,
    pub identity_id: Uuid,
    pub issued_by_id: Uuid,
    pub data: IssuanceEventData,
}

/// A photo capture's new status.
#[derive(Debug, Clone, Copy)]
pub(super) struct PhotoTopic {
    pub capture_id: Uuid,
    pub status: PhotoCaptureStatus,
}

impl IssuanceEventWhere {
    fn matches(&self, topic: &IssuanceTopic) -> bool {
        let same = |wanted: Option<Uuid>, actual: Uuid| wanted.is_none_or(|w| w == actual);
        same(self.request_id, topic.data.event.request_id)
            && same(self.contract_id, topic.contract_id)
            && same(self.identity_id, topic.identity_id)
            && same(self.issued_by_id, topic.issued_by_id)
            && self
                .status
                .is_none_or(|status| status == topic.data.event.request_status)
    }
}

pub(super) fn issuance_stream(
    receiver: broadcast::Receiver<Arc<IssuanceTopic>>,
    filter: IssuanceEventWhere,
) -> BoxStream<'static, IssuanceEventData> {
    stream::unfold((receiver, filter), |(mut receiver, filter)| async move {
        loop {
            match receiver.recv().await {
                Ok(topic) if filter.matches(&topic) => {
                    let data = topic.data.clone();
                    return Some((data, (receiver, filter)));
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(
                        missed,
                        "an issuance event subscriber fell behind and missed events"
                    );
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
    .boxed()
}

/// The current status first, then each change, until the capture completes.
/// The receiver is taken before `current` is read, so no change is lost; a
/// change already counted in `current` is not sent twice.
pub(super) fn photo_stream(
    receiver: broadcast::Receiver<PhotoTopic>,
    capture_id: Uuid,
    current: PhotoCaptureStatus,
) -> BoxStream<'static, PhotoCaptureEventData> {
    let first = stream::once(async move { PhotoCaptureEventData { status: current } });
    let rest = stream::unfold((receiver, current), move |(mut receiver, last)| async move {
        if last == PhotoCaptureStatus::Complete {
            return None;
        }
        loop {
            match receiver.recv().await {
                Ok(topic) if topic.capture_id == capture_id && topic.status != last => {
                    let data = PhotoCaptureEventData { status: topic.status };
                    return Some((data, (receiver, topic.status)));
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a photo capture subscriber fell behind and missed events");
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    first.chain(rest).boxed()
}
