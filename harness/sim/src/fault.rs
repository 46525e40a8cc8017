//! Fault plans.
pub struct FaultPlan;
pub struct Fault;
pub struct FaultState;
pub struct Action;
pub struct Trigger;
