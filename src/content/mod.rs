//! Loading content: walking `content/`, reading files, splitting and parsing front matter.

pub mod frontmatter;
pub mod load;
pub mod model;
pub mod placeholders;

pub use load::{load_content, load_one, Loaded, ParseMemo};
