//! [`StaffGate`]: the one answer to "may staff functions run now?". It
//! lives as long as the app, so a session survives the station restarting
//! on new settings; what it checks against ([`GateSettings`]) and where it
//! counts tries (the station's [`Database`]) are passed in on each call.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use super::attempts::{self, Admission, AfterWrong};
use super::{GateSettings, Session, StaffError, StaffPin};
use crate::store::audit::{self, Action, Actor};
use crate::store::{Database, Durability};

/// Time, as the gate reads it: wall clock for the stored tries (they
/// outlive the process), monotonic for the session. Tests pass a fake.
pub trait Clock: Send + Sync {
    fn now(&self) -> SystemTime;
    fn instant(&self) -> Instant;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn instant(&self) -> Instant {
        Instant::now()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GateState {
    /// A desk station without a staff PIN: nothing to unlock.
    Open,
    /// A kiosk without a staff PIN: staff functions stay locked.
    NoPin,
    Locked,
    Unlocked,
}

/// What the UI shows about the gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffStatus {
    pub state: GateState,
    pub kiosk: bool,
    /// While unlocked: how long until it locks by itself without activity.
    pub locks_in_ms: Option<u64>,
    pub tries_left: u32,
    /// How long until the next PIN may be tried (after a wrong one).
    pub wait_ms: u64,
    /// How long the lockout after too many wrong tries still lasts.
    pub locked_out_ms: u64,
}

pub struct StaffGate {
    clock: Arc<dyn Clock>,
    session: Mutex<Option<Session>>,
    /// One PIN check at a time, from reading the count to storing it: two
    /// tries sent at once must not both pass the same admission.
    checking: Mutex<()>,
}

impl Default for StaffGate {
    fn default() -> Self {
        StaffGate::new(Arc::new(SystemClock))
    }
}

impl StaffGate {
    pub fn new(clock: Arc<dyn Clock>) -> StaffGate {
        StaffGate {
            clock,
            session: Mutex::new(None),
            checking: Mutex::new(()),
        }
    }

    fn session(&self) -> MutexGuard<'_, Option<Session>> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether staff functions are open now (a desk station without a PIN,
    /// or an unlocked session), without counting as activity.
    pub fn is_open(&self, settings: &GateSettings) -> bool {
        match Self::base_state(settings) {
            GateState::Open => true,
            GateState::NoPin => false,
            _ => self
                .session()
                .is_some_and(|s| s.is_open(self.clock.instant(), settings.staff.idle_lock)),
        }
    }

    /// Refuses unless staff functions are open; a staff command calls it
    /// first, and it counts as activity. `database` records an idle lock.
    pub fn require(&self, settings: &GateSettings, database: Option<&Database>) -> Result<(), StaffError> {
        match Self::base_state(settings) {
            GateState::Open => return Ok(()),
            GateState::NoPin => return Err(StaffError::NoPin),
            _ => {}
        }
        if self.expire(settings, database) {
            return Err(StaffError::Locked);
        }
        match self.session().as_mut() {
            Some(session) => {
                session.touch(self.clock.instant());
                Ok(())
            }
            None => Err(StaffError::Locked),
        }
    }

    /// Staff are using the screen (keys, pointer): the idle time starts
    /// again, if unlocked.
    pub fn activity(&self, settings: &GateSettings, database: Option<&Database>) {
        if !self.expire(settings, database) {
            if let Some(session) = self.session().as_mut() {
                session.touch(self.clock.instant());
            }
        }
    }

    pub fn status(
        &self,
        settings: &GateSettings,
        database: Option<&Database>,
    ) -> Result<StaffStatus, StaffError> {
        self.expire(settings, database);
        let now = self.clock.now();
        let policy = settings.staff.attempts;
        let record = match database {
            Some(database) => {
                let connection = database.connect(Durability::Normal)?;
                attempts::load(&connection).map_err(|e| database.error(e))?
            }
            None => Default::default(),
        };
        let (wait, locked_out) = match policy.admit(&record, now) {
            Admission::Allowed => (Duration::ZERO, Duration::ZERO),
            Admission::Wait(wait) => (wait, Duration::ZERO),
            Admission::LockedOut(remaining) => (Duration::ZERO, remaining),
        };
        let session = *self.session();
        let base = Self::base_state(settings);
        let (state, locks_in) = match (base, session) {
            (GateState::Locked, Some(session)) => (
                GateState::Unlocked,
                Some(session.remaining(self.clock.instant(), settings.staff.idle_lock)),
            ),
            (base, _) => (base, None),
        };
        Ok(StaffStatus {
            state,
            kiosk: settings.kiosk,
            locks_in_ms: locks_in.map(millis_of),
            tries_left: policy.tries_left(&record, now),
            wait_ms: millis_of(wait),
            locked_out_ms: millis_of(locked_out),
        })
    }

    /// Checks `pin` (argon2: call this off the async runtime) and opens a
    /// session if it is right. A wrong one is counted and logged, and may
    /// start the lockout; while one is waited out, no PIN is checked at all.
    pub fn unlock(
        &self,
        settings: &GateSettings,
        database: &Database,
        pin: &str,
    ) -> Result<StaffStatus, StaffError> {
        let hash = match (Self::base_state(settings), &settings.staff.pin_hash) {
            (GateState::Open, _) => return self.status(settings, Some(database)),
            (_, Some(hash)) => hash,
            (_, None) => return Err(StaffError::NoPin),
        };
        let pin = StaffPin::new(pin)?;
        let policy = settings.staff.attempts;
        let _one_at_a_time = self.checking.lock().unwrap_or_else(|e| e.into_inner());
        let mut connection = database.connect(Durability::Full)?;
        let record = attempts::load(&connection).map_err(|e| database.error(e))?;
        let now = self.clock.now();
        match policy.admit(&record, now) {
            Admission::Allowed => {}
            Admission::Wait(wait) => return Err(StaffError::TooSoon { wait }),
            Admission::LockedOut(remaining) => return Err(StaffError::LockedOut { remaining }),
        }
        let right = hash.matches(&pin);
        drop(pin);
        let transaction = connection.transaction().map_err(|e| database.error(e))?;
        let refusal = settle(&transaction, &policy, &record, now, right)
            .and_then(|refusal| transaction.commit().map(|()| refusal))
            .map_err(|e| database.error(e))?;
        if let Some(refusal) = refusal {
            return Err(refusal);
        }
        tracing::info!("staff unlocked the station");
        *self.session() = Some(Session::start(self.clock.instant()));
        self.status(settings, Some(database))
    }

    /// Staff set a new staff PIN: logged, and whoever set it stays in (a
    /// desk station that had none is no longer open).
    pub fn pin_set(&self, database: Option<&Database>) -> Result<(), StaffError> {
        *self.session() = Some(Session::start(self.clock.instant()));
        record(
            database,
            Actor::Staff,
            Action::StaffPinSet,
            "a new staff PIN was set",
        )
    }

    /// Ends the session (staff pressed Lock); logged when one was open.
    pub fn lock(&self, database: Option<&Database>) -> Result<(), StaffError> {
        if self.session().take().is_some() {
            record(database, Actor::Staff, Action::StaffLocked, "locked by staff")?;
        }
        Ok(())
    }

    fn base_state(settings: &GateSettings) -> GateState {
        match (&settings.staff.pin_hash, settings.kiosk) {
            (Some(_), _) => GateState::Locked,
            (None, true) => GateState::NoPin,
            (None, false) => GateState::Open,
        }
    }

    /// Ends a session left idle too long, logging it; whether it did.
    fn expire(&self, settings: &GateSettings, database: Option<&Database>) -> bool {
        let idle = settings.staff.idle_lock;
        let expired = {
            let mut session = self.session();
            match *session {
                Some(open) if !open.is_open(self.clock.instant(), idle) => {
                    *session = None;
                    true
                }
                _ => false,
            }
        };
        if expired {
            let detail = format!("locked after {} s without activity", idle.as_secs());
            if let Err(error) = record(database, Actor::Station, Action::StaffLocked, &detail) {
                tracing::warn!(%error, "could not log the idle staff lock");
            }
        }
        expired
    }
}

/// Stores the count after a try that was `right` or not, with its audit
/// entries; the refusal to answer a wrong one with.
fn settle(
    transaction: &rusqlite::Transaction<'_>,
    policy: &super::AttemptPolicy,
    record: &super::AttemptRecord,
    now: SystemTime,
    right: bool,
) -> rusqlite::Result<Option<StaffError>> {
    if right {
        attempts::store(transaction, &Default::default())?;
        audit::record(transaction, Actor::Staff, Action::StaffUnlocked, None, None)?;
        return Ok(None);
    }
    let tried = policy.current(record, now).failures.saturating_add(1);
    let (next, outcome) = policy.wrong(record, now);
    attempts::store(transaction, &next)?;
    let detail = format!("wrong staff PIN, {tried} of {} in a row", policy.max_tries);
    audit::record(
        transaction,
        Actor::Kiosk,
        Action::StaffWrongPin,
        None,
        Some(&detail),
    )?;
    Ok(Some(match outcome {
        AfterWrong::TryAgain { tries_left, wait } => StaffError::WrongPin { tries_left, wait },
        AfterWrong::LockedOut(lockout) => {
            let detail = format!(
                "no staff PIN is tried for {} s after {tried} wrong in a row",
                lockout.as_secs()
            );
            audit::record(
                transaction,
                Actor::Station,
                Action::StaffLockedOut,
                None,
                Some(&detail),
            )?;
            StaffError::LockedOut { remaining: lockout }
        }
    }))
}

fn record(database: Option<&Database>, actor: Actor, action: Action, detail: &str) -> Result<(), StaffError> {
    let Some(database) = database else {
        tracing::info!(
            action = action.name(),
            detail,
            "not logged: the station's database is not open"
        );
        return Ok(());
    };
    let connection = database.connect(Durability::Normal)?;
    audit::record(&connection, actor, action, None, Some(detail)).map_err(|e| database.error(e))?;
    Ok(())
}

fn millis_of(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
