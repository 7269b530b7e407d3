//! The OAuth 2.0 exchanges, on the `oauth2` crate: the authorization-code flow with PKCE
//! (RFC 7636) and a loopback redirect on 127.0.0.1 (RFC 8252 7.3), the device authorization
//! grant (RFC 8628), and the refresh grant.

use super::http::{Http, HttpError};
use super::{url_host, ClientSettings, OAuthError};
use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, DeviceAuthorizationUrl,
    PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    StandardDeviceAuthorizationResponse, TokenResponse, TokenUrl,
};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// How long `shopinbox login` waits for the browser.
pub const BROWSER_WAIT: Duration = Duration::from_secs(300);

/// What a sign-in or refresh gives.
pub struct Refreshed {
    pub access: String,
    /// How long the access token is good for (1 hour when the provider does not say).
    pub lifetime: Duration,
    pub refresh_token: Option<String>,
}

/// The result of `login`: the tokens.
pub struct SignedIn {
    pub tokens: Refreshed,
}

fn from_response(r: &BasicTokenResponse) -> Refreshed {
    Refreshed {
        access: r.access_token().secret().clone(),
        lifetime: r.expires_in().unwrap_or(Duration::from_secs(3600)),
        refresh_token: r.refresh_token().map(|t| t.secret().clone()),
    }
}

fn bad_url(what: &str) -> OAuthError {
    OAuthError::Flow(format!("the {what} in the config is not a valid URL"))
}

fn secret(client: &ClientSettings) -> Option<ClientSecret> {
    client.client_secret.clone().map(ClientSecret::new)
}

fn scopes(client: &ClientSettings) -> impl Iterator<Item = Scope> + '_ {
    client.scopes.iter().map(|s| Scope::new(s.clone()))
}

/// A token-endpoint error as one sentence. `refreshing`: `invalid_grant` means the stored
/// sign-in is dead. The server's own description is shown (it has no secrets); raw bodies
/// that could not be parsed are not (they might).
fn token_error<RE: std::error::Error + 'static>(
    client: &ClientSettings,
    user: &str,
    refreshing: bool,
    e: RequestTokenError<RE, oauth2::StandardErrorResponse<BasicErrorResponseType>>,
) -> OAuthError {
    let host = url_host(&client.token_url);
    match e {
        RequestTokenError::ServerResponse(r) => {
            if refreshing && *r.error() == BasicErrorResponseType::InvalidGrant {
                return OAuthError::Revoked {
                    provider: client.provider.clone(),
                    user: user.to_string(),
                };
            }
            let mut reason = r.error().to_string();
            if let Some(d) = r.error_description() {
                reason.push_str(": ");
                reason.push_str(&super::printable(d));
            }
            OAuthError::Server { host, reason }
        }
        RequestTokenError::Request(e) => OAuthError::Network {
            host,
            reason: e.to_string(),
        },
        RequestTokenError::Parse(_, _) => OAuthError::Server {
            host,
            reason: "its answer was not understood".to_string(),
        },
        RequestTokenError::Other(o) => OAuthError::Server {
            host,
            reason: super::printable(&o),
        },
    }
}

/// A new access token from a refresh token.
pub fn refresh(
    client: &ClientSettings,
    user: &str,
    refresh_token: &str,
) -> Result<Refreshed, OAuthError> {
    let token_url =
        TokenUrl::new(client.token_url.clone()).map_err(|_| bad_url("oauth2_token_url"))?;
    let mut oauth =
        BasicClient::new(ClientId::new(client.client_id.clone())).set_token_uri(token_url);
    if let Some(s) = secret(client) {
        oauth = oauth.set_client_secret(s);
    }
    let refresh = RefreshToken::new(refresh_token.to_string());
    oauth
        .exchange_refresh_token(&refresh)
        .add_scopes(scopes(client))
        .request(&Http::new())
        .map(|r| from_response(&r))
        .map_err(|e| token_error::<HttpError>(client, user, true, e))
}

/// The browser sign-in. Prints the address to `out`, opens a browser when `open_browser`
/// (never failing when there is none), waits up to `wait` for the redirect on 127.0.0.1.
pub fn sign_in_browser(
    client: &ClientSettings,
    user: &str,
    out: &mut dyn Write,
    open_browser: bool,
    wait: Duration,
) -> Result<SignedIn, OAuthError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| {
        OAuthError::Flow(format!(
            "cannot listen on 127.0.0.1 for the browser's answer ({e})"
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| OAuthError::Flow(format!("cannot listen on 127.0.0.1 ({e})")))?
        .port();
    let redirect = format!("http://127.0.0.1:{port}/");
    let mut oauth = BasicClient::new(ClientId::new(client.client_id.clone()))
        .set_auth_uri(
            AuthUrl::new(client.auth_url.clone()).map_err(|_| bad_url("oauth2_auth_url"))?,
        )
        .set_token_uri(
            TokenUrl::new(client.token_url.clone()).map_err(|_| bad_url("oauth2_token_url"))?,
        )
        .set_redirect_uri(RedirectUrl::new(redirect).map_err(|_| bad_url("redirect address"))?);
    if let Some(s) = secret(client) {
        oauth = oauth.set_client_secret(s);
    }
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = oauth
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes(client))
        .set_pkce_challenge(challenge)
        .add_extra_param("login_hint", user.to_string());
    for (k, v) in &client.auth_params {
        request = request.add_extra_param(k.clone(), v.clone());
    }
    let (url, state) = request.url();
    let say = |out: &mut dyn Write, text: String| {
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    };
    say(
        out,
        format!(
            "To sign in to {} as {user}, open this address in a browser:\n\n  {url}\n",
            client.provider
        ),
    );
    if open_browser && webbrowser::open(url.as_str()).is_ok() {
        say(out, "(a browser window was opened for it)".to_string());
    }
    say(
        out,
        format!("Waiting for the sign-in (on 127.0.0.1:{port}) …"),
    );
    let code = wait_for_code(&listener, state.secret(), wait)?;
    let token = oauth
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request(&Http::new())
        .map_err(|e| token_error::<HttpError>(client, user, false, e))?;
    Ok(SignedIn {
        tokens: from_response(&token),
    })
}

/// Accepts connections on the loopback listener until one brings the code (or an error)
/// for this sign-in's `state`.
fn wait_for_code(
    listener: &TcpListener,
    state: &str,
    wait: Duration,
) -> Result<String, OAuthError> {
    listener
        .set_nonblocking(true)
        .map_err(|e| OAuthError::Flow(format!("cannot wait for the browser ({e})")))?;
    let deadline = Instant::now() + wait;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(result) = answer_redirect(stream, state) {
                    return result;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(OAuthError::Flow(format!(
                        "no answer came from the browser within {} minutes; run `shopinbox login` again",
                        wait.as_secs() / 60
                    )));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => {
                return Err(OAuthError::Flow(format!(
                    "cannot wait for the browser ({e})"
                )))
            }
        }
    }
}

/// Reads one HTTP request; `None` when it is not the redirect (a favicon request, a probe).
fn answer_redirect(mut stream: TcpStream, state: &str) -> Option<Result<String, OAuthError>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    reader.read_line(&mut line).ok()?;
    // Drain the headers so the browser sees a clean answer.
    loop {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) | Err(_) => break,
            Ok(_) if h == "\r\n" || h == "\n" => break,
            Ok(_) => {}
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("");
    let url = oauth2::url::Url::parse(&format!("http://127.0.0.1{target}")).ok();
    let param = |name: &str| {
        url.as_ref().and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        })
    };
    let reply = |stream: &mut TcpStream, status: &str, text: &str| {
        let body =
            format!("<!doctype html><meta charset=utf-8><title>shopinbox</title><p>{text}</p>");
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.flush();
    };
    if url.as_ref().is_none_or(|u| u.path() != "/") {
        reply(&mut stream, "404 Not Found", "Not here.");
        return None;
    }
    if param("state").as_deref() != Some(state) {
        reply(
            &mut stream,
            "400 Bad Request",
            "This answer does not belong to the current sign-in.",
        );
        return None;
    }
    if let Some(error) = param("error") {
        reply(
            &mut stream,
            "200 OK",
            "Sign-in cancelled. You can close this tab.",
        );
        let error: String = error
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(60)
            .collect();
        return Some(Err(OAuthError::Flow(format!(
            "the provider did not grant access ({error}); run `shopinbox login` again and allow shopinbox to read and send mail"
        ))));
    }
    let code = param("code")?;
    reply(
        &mut stream,
        "200 OK",
        "Signed in to shopinbox. You can close this tab.",
    );
    Some(Ok(code))
}

/// The device sign-in (RFC 8628): prints where to go and which code to enter, then polls
/// until the owner has approved it.
pub fn sign_in_device(
    client: &ClientSettings,
    user: &str,
    out: &mut dyn Write,
) -> Result<SignedIn, OAuthError> {
    let Some(device_url) = &client.device_url else {
        return Err(OAuthError::Flow(format!(
            "{} does not offer sign-in with a code for mail; run `shopinbox login` without --device (the printed address works from any browser that can reach this machine's 127.0.0.1, e.g. through `ssh -L`)",
            client.provider
        )));
    };
    let mut oauth = BasicClient::new(ClientId::new(client.client_id.clone()))
        .set_token_uri(
            TokenUrl::new(client.token_url.clone()).map_err(|_| bad_url("oauth2_token_url"))?,
        )
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(device_url.clone())
                .map_err(|_| bad_url("oauth2_device_url"))?,
        );
    if let Some(s) = secret(client) {
        oauth = oauth.set_client_secret(s);
    }
    let http = Http::new();
    let details: StandardDeviceAuthorizationResponse = oauth
        .exchange_device_code()
        .add_scopes(scopes(client))
        .request(&http)
        .map_err(|e| token_error::<HttpError>(client, user, false, e))?;
    let _ = writeln!(
        out,
        "To sign in to {} as {user}, open {} on any device and enter the code {}",
        client.provider,
        details.verification_uri().as_str(),
        details.user_code().secret()
    );
    let _ = writeln!(out, "Waiting for the sign-in …");
    let _ = out.flush();
    let token = oauth
        .exchange_device_access_token(&details)
        .request(&http, std::thread::sleep, None)
        .map_err(|e| {
            let host = url_host(&client.token_url);
            match e {
                RequestTokenError::ServerResponse(r) => {
                    use oauth2::DeviceCodeErrorResponseType as D;
                    match r.error() {
                        D::AccessDenied => OAuthError::Flow("the sign-in was declined; run `shopinbox login --device` again and allow shopinbox to read and send mail".to_string()),
                        D::ExpiredToken => OAuthError::Flow("the code expired before the sign-in was finished; run `shopinbox login --device` again".to_string()),
                        other => OAuthError::Server { host, reason: other.to_string() },
                    }
                }
                RequestTokenError::Request(e) => OAuthError::Network { host, reason: e.to_string() },
                RequestTokenError::Parse(_, _) => OAuthError::Server { host, reason: "its answer was not understood".to_string() },
                RequestTokenError::Other(o) => OAuthError::Server { host, reason: super::printable(&o) },
            }
        })?;
    Ok(SignedIn {
        tokens: from_response(&token),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Sends one request to the loopback listener and returns the answer.
    fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer
    }

    fn listen() -> (TcpListener, u16) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        (l, port)
    }

    #[test]
    fn the_redirect_brings_the_code_for_this_sign_in_only() {
        let (listener, port) = listen();
        let waiter =
            std::thread::spawn(move || wait_for_code(&listener, "st8", Duration::from_secs(30)));
        assert!(get(port, "/favicon.ico").starts_with("HTTP/1.1 404"));
        assert!(get(port, "/?state=other&code=stolen").starts_with("HTTP/1.1 400"));
        let ok = get(port, "/?state=st8&code=c0de");
        assert!(
            ok.starts_with("HTTP/1.1 200") && ok.contains("Signed in"),
            "{ok}"
        );
        assert_eq!(waiter.join().unwrap().unwrap(), "c0de");
    }

    #[test]
    fn a_declined_or_abandoned_sign_in_is_one_sentence() {
        let (listener, port) = listen();
        let waiter =
            std::thread::spawn(move || wait_for_code(&listener, "st8", Duration::from_secs(30)));
        get(port, "/?state=st8&error=access_denied");
        let e = waiter.join().unwrap().unwrap_err().to_string();
        assert_eq!(
            e,
            "cannot sign in: the provider did not grant access (access_denied); run `shopinbox login` again and allow shopinbox to read and send mail"
        );
        let (listener, _) = listen();
        let e = wait_for_code(&listener, "st8", Duration::ZERO)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no answer came from the browser"), "{e}");
    }
}
