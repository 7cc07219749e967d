//! Report formatters: `human`, `json`, `github`, `sarif`.
//!
//! TODO(diag-formats): implement.
