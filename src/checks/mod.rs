//! Checks over the whole site (DESIGN.md §6).
