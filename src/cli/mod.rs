//! The command line: one file per subcommand, each a shell over the library.

pub mod convert_sketch_rnn;
pub mod draw;
