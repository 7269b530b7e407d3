//! Review: the morning overdue report and response-time statistics.
//! [`stats`] is the pure core; loading from the store and formatting live here.

pub mod stats;
