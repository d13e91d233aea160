//! Photos in, captions out: [`image_io`] decodes photos with limits.

pub mod image_io;
