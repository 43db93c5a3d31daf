//! Progress reporting without UI. Long computations (verification, sweeps, brute-force
//! searches) take a [`Progress`] handle and report units of work to it; the library never
//! draws anything. The `itsa` binary installs a sink that draws bars on stderr
//! (src/cli/progress.rs); a library user passes [`Progress::none`] or a sink of their own.

use std::fmt;
use std::sync::Arc;

/// Receives the tasks of a computation. Tasks may nest (a sweep whose points each verify a
/// scheme) and may be advanced from several threads at once.
pub trait Sink: Send + Sync {
    /// A task begins: `label` says what is counted (e.g. "checks"), `total` how many units
    /// there will be (`None`: unknown, e.g. an LP solve).
    fn task(&self, label: &str, total: Option<u64>) -> Box<dyn TaskSink>;
}

/// One running task; dropping it ends the task.
pub trait TaskSink: Send + Sync {
    /// `n` more units are done.
    fn advance(&self, n: u64);
}

/// A cloneable handle to an optional [`Sink`]; the default reports nowhere.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Sink>>);

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(sink)"
        } else {
            "Progress(none)"
        })
    }
}

impl Progress {
    /// Report nowhere.
    pub fn none() -> Self {
        Progress(None)
    }

    /// Report to `sink`.
    pub fn to(sink: Arc<dyn Sink>) -> Self {
        Progress(Some(sink))
    }

    /// Whether anything listens.
    pub fn is_active(&self) -> bool {
        self.0.is_some()
    }

    /// Begin a task of `total` units (`None`: unknown); the task ends when the returned
    /// handle is dropped.
    pub fn task(&self, label: &str, total: Option<u64>) -> Task {
        Task(self.0.as_ref().map(|s| s.task(label, total)))
    }
}

/// A running task (see [`Progress::task`]).
pub struct Task(Option<Box<dyn TaskSink>>);

impl Task {
    /// `n` more units are done.
    pub fn advance(&self, n: u64) {
        if let Some(t) = &self.0 {
            t.advance(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    struct Count(Arc<AtomicU64>, Arc<AtomicU64>);
    struct CountTask(Arc<AtomicU64>);
    impl Sink for Count {
        fn task(&self, _: &str, total: Option<u64>) -> Box<dyn TaskSink> {
            self.1.fetch_add(total.unwrap_or(0), Ordering::Relaxed);
            Box::new(CountTask(self.0.clone()))
        }
    }
    impl TaskSink for CountTask {
        fn advance(&self, n: u64) {
            self.0.fetch_add(n, Ordering::Relaxed);
        }
    }

    #[test]
    fn a_sink_sees_every_unit_and_none_sees_nothing() {
        let (done, total) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let p = Progress::to(Arc::new(Count(done.clone(), total.clone())));
        let t = p.task("checks", Some(7));
        (0..7).for_each(|_| t.advance(1));
        assert_eq!(
            (done.load(Ordering::Relaxed), total.load(Ordering::Relaxed)),
            (7, 7)
        );
        let silent = Progress::none();
        assert!(!silent.is_active());
        silent.task("checks", Some(3)).advance(3);
        assert_eq!(done.load(Ordering::Relaxed), 7);
    }
}
