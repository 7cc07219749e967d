//! GitBook-compatible heading anchors (DESIGN.md §3).
