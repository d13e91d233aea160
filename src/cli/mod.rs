//! The command line: one file per subcommand, each a shell over library code.

pub mod bench;
