//! The HTTP client `oauth2` talks through: ureq with rustls. Error statuses are answers
//! (`invalid_grant`, `authorization_pending` come as 400), not transport failures, and
//! redirects are not followed (the token endpoint must answer itself).

use std::io::Read;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(pub String);

pub struct Http(ureq::Agent);

impl Http {
    pub fn new() -> Http {
        Http(
            ureq::AgentBuilder::new()
                .timeout_connect(Duration::from_secs(15))
                .timeout(Duration::from_secs(30))
                .redirects(0)
                .user_agent(concat!("shopinbox/", env!("CARGO_PKG_VERSION")))
                .build(),
        )
    }
}

impl oauth2::SyncHttpClient for Http {
    type Error = HttpError;

    fn call(&self, request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, HttpError> {
        let url = request.uri().to_string();
        let mut req = self.0.request(request.method().as_str(), &url);
        for (name, value) in request.headers() {
            let value = value
                .to_str()
                .map_err(|_| HttpError(format!("the request header {name} is not text")))?;
            req = req.set(name.as_str(), value);
        }
        let result = if request.method() == oauth2::http::Method::POST {
            req.send_bytes(request.body())
        } else {
            req.call()
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => {
                // The transport error's own text repeats the URL; the kind and message suffice.
                let reason = t
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| t.kind().to_string());
                return Err(HttpError(reason));
            }
        };
        let mut builder = oauth2::http::Response::builder().status(response.status());
        if let Some(ct) = response.header("content-type") {
            builder = builder.header("content-type", ct);
        }
        let mut body = Vec::new();
        response
            .into_reader()
            .take(1 << 20)
            .read_to_end(&mut body)
            .map_err(|e| HttpError(e.to_string()))?;
        builder.body(body).map_err(|e| HttpError(e.to_string()))
    }
}
