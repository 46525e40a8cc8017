//! [`SimDevice`]: one device shared by all its connections.

use crate::config::DeviceConfig;
use crate::device::{CommitChange, Device, SessionId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Instant;
use tokio::sync::Notify;

/// One simulated device: the [`Device`] behind a mutex (held only while an
/// operation runs, never across an await), the wake-up handle of every
/// connection, and a timer task for confirmed-commit expiry and
/// subscription stop times.
pub struct SimDevice {
    device: Mutex<Device>,
    /// Wakes each connection when something may be waiting for it
    /// (a notification, or its session was killed).
    wakers: Mutex<HashMap<SessionId, Arc<Notify>>>,
    /// Wakes the timer task when the device's next deadline may have moved.
    timer: Arc<Notify>,
    /// Called with every change of running, after the device is unlocked.
    commit_watchers: Mutex<Vec<CommitWatcher>>,
}

/// A function told of every change of the running configuration; it must
/// not block (it runs on the path of the commit that caused it).
pub type CommitWatcher = Arc<dyn Fn(&CommitChange) + Send + Sync>;

/// How many changes of running the device keeps between two wake-ups.
const COMMIT_LOG: usize = 256;

impl SimDevice {
    /// A device built from `config`, with its timer task spawned on the
    /// current tokio runtime (the task ends when the device is dropped).
    pub fn new(config: DeviceConfig) -> Arc<Self> {
        let device = Device::new(config, crate::serve::netconf::now());
        let shared = Arc::new(SimDevice {
            device: Mutex::new(device),
            wakers: Mutex::new(HashMap::new()),
            timer: Arc::new(Notify::new()),
            commit_watchers: Mutex::new(Vec::new()),
        });
        tokio::spawn(timer_task(Arc::downgrade(&shared), shared.timer.clone()));
        shared
    }

    /// The device, locked. Hold it briefly; after changing state call
    /// [`SimDevice::changed`].
    pub fn lock(&self) -> MutexGuard<'_, Device> {
        // A panic while the lock was held leaves the device as it was at
        // that point, which is still a device: serve on.
        self.device.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn register(&self, session: SessionId) -> Arc<Notify> {
        let n = Arc::new(Notify::new());
        self.wakers_lock().insert(session, n.clone());
        n
    }

    pub(crate) fn unregister(&self, session: SessionId) {
        self.wakers_lock().remove(&session);
    }

    fn wakers_lock(&self) -> MutexGuard<'_, HashMap<SessionId, Arc<Notify>>> {
        self.wakers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Calls `watcher` with every later change of the running configuration
    /// (from any protocol, and rollbacks of confirmed commits), in order.
    pub fn on_commit(&self, watcher: impl Fn(&CommitChange) + Send + Sync + 'static) {
        self.lock().watch_commits(COMMIT_LOG);
        self.commit_watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Arc::new(watcher));
    }

    /// The device's state changed: wake every connection (to send
    /// notifications or notice a kill) and the timer task. Kills queued by
    /// the device are consumed here, and changes of running are handed to
    /// the commit watchers.
    pub fn changed(&self) {
        let commits: Vec<CommitChange> = {
            let mut dev = self.lock();
            while dev.poll_killed().is_some() {}
            std::iter::from_fn(|| dev.poll_commit()).collect()
        };
        if !commits.is_empty() {
            let watchers = self
                .commit_watchers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            for c in &commits {
                for w in &watchers {
                    w(c);
                }
            }
        }
        for n in self.wakers_lock().values() {
            n.notify_one();
        }
        self.timer.notify_one();
    }
}

async fn timer_task(device: Weak<SimDevice>, timer: Arc<Notify>) {
    loop {
        let Some(shared) = device.upgrade() else {
            return;
        };
        let due = shared.lock().poll_timeout();
        let wait = async {
            match due {
                Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                None => std::future::pending().await,
            }
        };
        // Hold only a weak reference while waiting, so dropping the last
        // strong one ends the task at its next wake-up.
        let notified = timer.notified();
        drop(shared);
        let fired = tokio::select! {
            _ = wait => true,
            _ = notified => false,
            _ = tokio::time::sleep(std::time::Duration::from_secs(60)) => false,
        };
        if fired && let Some(shared) = device.upgrade() {
            let now: Instant = crate::serve::netconf::now();
            shared.lock().handle_timeout(now);
            shared.changed();
        }
    }
}
