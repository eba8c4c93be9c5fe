//! The command-line interface: argument parsing, one module per command, and how results are
//! shown. Part of the binary only; the library never prints.

pub mod accept_cmd;
pub mod cli;
pub mod doctor_cmd;
pub mod fail_on;
pub mod fleet_html;
pub mod fleet_out;
pub mod init_cmd;
pub mod list_cmd;
pub mod output;
pub mod progress;
pub mod report_cmd;
pub mod rows;
pub mod scan_cmd;
pub mod style;
pub mod ui;
