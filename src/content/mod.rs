//! Loading content: walking `content/`, reading files, splitting and parsing front matter.

pub mod model;
