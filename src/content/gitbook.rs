//! `.gitbook.yaml`: `root:`, `structure.readme`, `structure.summary`, `redirects:`.
//!
//! TODO(loader): implement.
