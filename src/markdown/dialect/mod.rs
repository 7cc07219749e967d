//! The GitBook dialect: `{% block %}` tags turned into components.
//!
//! TODO(dialect): implement.
