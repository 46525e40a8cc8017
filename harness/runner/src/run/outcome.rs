//! What a run produces: the options it runs with, and the outcome of each
//! step, scenario and suite (serialized into the JSON report).

use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The snapshot root (`snapshots/`).
    pub snapshot_root: PathBuf,
    /// New snapshots fail too (CI, `--check`), not only changed ones.
    pub check_snapshots: bool,
    /// How many scenarios run at once.
    pub jobs: usize,
    /// A step's time limit when it gives none.
    pub step_timeout: Duration,
    /// A scenario's time limit when it gives none.
    pub scenario_timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            snapshot_root: PathBuf::from("snapshots"),
            check_snapshots: false,
            jobs: 8,
            step_timeout: Duration::from_secs(10),
            scenario_timeout: Duration::from_secs(120),
        }
    }
}

/// A step's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every check held.
    Pass,
    /// A check failed, or the action could not be carried out.
    Fail,
    /// Not run: an earlier step failed.
    Skip,
}

/// What one step did.
#[derive(Debug, Clone, Serialize)]
pub struct StepOutcome {
    /// The step's name.
    pub name: String,
    /// Its action.
    pub action: String,
    /// Pass, fail or skip.
    pub status: Status,
    /// What was sent.
    pub sent: Option<String>,
    /// What came back.
    pub received: Option<String>,
    /// Why it failed.
    pub failure: Option<String>,
    /// Notes that do not fail the step (e.g. a new snapshot pending).
    pub notes: Vec<String>,
    /// How long it took.
    pub elapsed_ms: u128,
    /// The snapshot file this step checks, if any.
    pub snapshot: Option<PathBuf>,
}

impl StepOutcome {
    /// A step with `status` and nothing sent or received yet.
    pub fn new(name: String, action: String, status: Status) -> StepOutcome {
        StepOutcome {
            name,
            action,
            status,
            sent: None,
            received: None,
            failure: None,
            notes: Vec::new(),
            elapsed_ms: 0,
            snapshot: None,
        }
    }
}

/// What one scenario did against one target.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioOutcome {
    /// The scenario's name.
    pub scenario: String,
    /// Its file.
    pub file: PathBuf,
    /// The target's name.
    pub target: String,
    /// Every step, in order.
    pub steps: Vec<StepOutcome>,
    /// A failure before any step ran (the target could not be started).
    pub setup_error: Option<String>,
    /// How long it took.
    pub elapsed_ms: u128,
}

impl ScenarioOutcome {
    /// Whether every step passed.
    pub fn passed(&self) -> bool {
        self.setup_error.is_none() && self.steps.iter().all(|s| s.status == Status::Pass)
    }

    /// The first failed step.
    pub fn first_failure(&self) -> Option<&StepOutcome> {
        self.steps.iter().find(|s| s.status == Status::Fail)
    }
}

/// A whole run.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteOutcome {
    /// Every scenario against every target it ran on.
    pub scenarios: Vec<ScenarioOutcome>,
    /// How long the run took.
    pub elapsed_ms: u128,
}

impl SuiteOutcome {
    /// Whether every scenario passed.
    pub fn passed(&self) -> bool {
        self.scenarios.iter().all(ScenarioOutcome::passed)
    }

    /// How many steps had each status: (pass, fail, skip).
    pub fn step_counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for s in self.scenarios.iter().flat_map(|s| &s.steps) {
            match s.status {
                Status::Pass => c.0 += 1,
                Status::Fail => c.1 += 1,
                Status::Skip => c.2 += 1,
            }
        }
        c
    }
}
