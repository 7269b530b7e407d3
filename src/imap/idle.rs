//! IDLE (RFC 2177): wait for the server to report a change in the open folder.

use super::conn::{Command, Connection, ImapError};
use super::response::{Incoming, Untagged};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// Whether an untagged response during IDLE is a change to the folder (new mail, a message
/// gone, flags changed); `* OK Still here` is not.
fn is_change(u: &Untagged) -> bool {
    matches!(
        u,
        Untagged::Exists(_)
            | Untagged::Recent(_)
            | Untagged::Expunge(_)
            | Untagged::Fetch(_)
            | Untagged::Vanished { .. }
    )
}

impl<S: Read + Write> Connection<S> {
    /// IDLE until the folder changes or `timeout` passes, then DONE. `set_timeout` changes
    /// the stream's read timeout (`None` restores its default). `Ok(true)`: something
    /// changed.
    pub fn idle(
        &mut self,
        timeout: Duration,
        set_timeout: &dyn Fn(&S, Option<Duration>) -> io::Result<()>,
    ) -> Result<bool, ImapError> {
        let tag = self.send(&Command::new("IDLE"))?;
        // The server's `+ idling` (or a refusal).
        loop {
            match self.read()? {
                Incoming::Continue(_) => break,
                Incoming::Done(d) if d.tag == tag => {
                    return Err(ImapError::No(d.text));
                }
                Incoming::Bye(t) => return Err(ImapError::Bye(t)),
                _ => {}
            }
        }
        let deadline = Instant::now() + timeout;
        let mut changed = false;
        while !changed {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            set_timeout(self.stream(), Some(left))?;
            match self.read() {
                Ok(Incoming::Untagged(u)) => changed = is_change(&u),
                Ok(Incoming::Bye(t)) => {
                    let _ = set_timeout(self.stream(), None);
                    return Err(ImapError::Bye(t));
                }
                Ok(_) => {}
                Err(ImapError::Io(e))
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    break
                }
                Err(e) => {
                    let _ = set_timeout(self.stream(), None);
                    return Err(e);
                }
            }
        }
        set_timeout(self.stream(), None)?;
        self.write_line(b"DONE")?;
        self.finish(&tag)?;
        Ok(changed)
    }
}
