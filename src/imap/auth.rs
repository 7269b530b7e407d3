//! AUTHENTICATE (RFC 3501 6.2.2) for SASL mechanisms where the client speaks first, as the
//! OAuth 2.0 bearer mechanisms do (XOAUTH2, OAUTHBEARER RFC 7628): each `+` challenge is
//! answered with the next base64 response.

use super::conn::{Command, Connection, ImapError};
use super::response::{Incoming, Outcome, RespCode};
use base64::Engine;
use std::io::{Read, Write};

impl<S: Read + Write> Connection<S> {
    /// `AUTHENTICATE mechanism`; `respond` gets the decoded challenge (empty for the first
    /// `+`) and returns the raw response. Returns the capabilities sent with the OK, if any.
    pub fn authenticate(
        &mut self,
        mechanism: &str,
        respond: &mut dyn FnMut(&[u8]) -> Vec<u8>,
    ) -> Result<Option<Vec<String>>, ImapError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let tag = self.send(&Command::new(format!("AUTHENTICATE {mechanism}")))?;
        loop {
            match self.read()? {
                Incoming::Continue(text) => {
                    let challenge = b64.decode(text.trim()).unwrap_or_default();
                    let answer = b64.encode(respond(&challenge));
                    self.write_line(answer.as_bytes())?;
                }
                Incoming::Done(d) if d.tag == tag => {
                    return match d.outcome {
                        Outcome::Ok => Ok(match d.code {
                            Some(RespCode::Capability(c)) => Some(c),
                            _ => None,
                        }),
                        Outcome::No => Err(ImapError::No(d.text)),
                        Outcome::Bad => Err(ImapError::Bad(d.text)),
                    };
                }
                Incoming::Bye(t) => return Err(ImapError::Bye(t)),
                _ => {}
            }
        }
    }
}
