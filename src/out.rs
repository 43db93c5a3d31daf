//! Writing results to stdout. A reader that goes away early (`itsa verify … | head -1`) closes
//! the pipe; that is the reader's choice, not an error: the write stops quietly and the command
//! keeps its exit code (Rust ignores SIGPIPE, so `println!` would panic instead).

use std::io::{ErrorKind, Write};

/// Write `text` to stdout and flush; a closed pipe is success. Other errors (e.g. a full disk
/// behind a redirection) are returned.
pub fn print(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// [`print`] with a newline.
pub fn println(text: &str) -> std::io::Result<()> {
    print(&format!("{text}\n"))
}
