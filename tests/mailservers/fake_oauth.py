#!/usr/bin/python3
"""A small OAuth 2.0 authorization server on 127.0.0.1 for shopinbox's sign-in tests.

  /usr/bin/python3 fake_oauth.py --key DIR/oauth2.key --user test --ttl 3600 --port-file FILE

It issues access tokens the test Dovecot and SMTP sink accept: HS256 JWTs signed with the
Dovecot key (base64 in --key), `sub` = --user, expiring after --ttl seconds.

  GET  /authorize     authorization endpoint: checks client_id, an http://127.0.0.1 redirect_uri
                      and an S256 PKCE challenge, then redirects to redirect_uri?code=…&state=…
                      (the test plays the browser and follows the redirect itself)
  POST /token         grant_type=authorization_code (checks redirect_uri and the PKCE verifier),
                      refresh_token (rotates the refresh token; invalid_grant once revoked),
                      urn:ietf:params:oauth:grant-type:device_code (authorization_pending until
                      approved)
  POST /device        device authorization endpoint (RFC 8628), interval 1 s
  GET  /device/approve?user_code=…   the user approving the device sign-in
  POST /admin/revoke  revokes every refresh token (the owner removed the app's access)
  GET  /admin/stats   counts of each grant served, as JSON

Prints nothing secret; writes the port to --port-file once listening.
"""
import argparse, base64, hashlib, hmac, json, os, secrets, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

ap = argparse.ArgumentParser()
ap.add_argument("--key", required=True)
ap.add_argument("--user", default="test")
ap.add_argument("--client-id", default="shopinbox-test")
ap.add_argument("--ttl", type=int, default=3600)
ap.add_argument("--reported-ttl", type=int, default=None,
                help="expires_in to announce (default --ttl); larger makes clients trust dead tokens")
ap.add_argument("--port-file", required=True)
a = ap.parse_args()
KEY = base64.b64decode(open(a.key).read())
lock = threading.Lock()
codes, refresh_tokens, devices = {}, set(), {}
stats = {"authorization_code": 0, "refresh_token": 0, "refresh_refused": 0, "device_code": 0, "device_pending": 0}
revoked = False


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(user, ttl):
    now = int(time.time())
    head = b64u(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64u(json.dumps({"sub": user, "iat": now, "exp": now + ttl, "jti": secrets.token_hex(8)}).encode())
    sig = b64u(hmac.new(KEY, ("%s.%s" % (head, body)).encode(), hashlib.sha256).digest())
    return "%s.%s.%s" % (head, body, sig)


def tokens():
    rt = secrets.token_urlsafe(24)
    refresh_tokens.add(rt)
    reported = a.ttl if a.reported_ttl is None else a.reported_ttl
    return {"access_token": jwt(a.user, a.ttl), "token_type": "Bearer", "expires_in": reported,
            "refresh_token": rt, "scope": "mail"}


class H(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def form(self):
        n = int(self.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode()).items()}

    def client_ok(self, f):
        cid = f.get("client_id")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            cid = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
        return cid == a.client_id

    def do_GET(self):
        global revoked
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        if u.path == "/authorize":
            redirect = q.get("redirect_uri", "")
            ru = urlparse(redirect)
            if q.get("client_id") != a.client_id or ru.scheme != "http" or ru.hostname != "127.0.0.1" \
                    or q.get("response_type") != "code" or q.get("code_challenge_method") != "S256" \
                    or not q.get("code_challenge") or not q.get("state"):
                return self.send_json(400, {"error": "invalid_request"})
            code = secrets.token_urlsafe(16)
            with lock:
                codes[code] = (q["code_challenge"], redirect)
            self.send_response(302)
            self.send_header("Location", redirect + "?" + urlencode({"code": code, "state": q["state"]}))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif u.path == "/device/approve":
            with lock:
                for d in devices.values():
                    if d["user_code"] == q.get("user_code"):
                        d["approved"] = True
                        return self.send_json(200, {"approved": True})
            self.send_json(404, {"error": "unknown user_code"})
        elif u.path == "/admin/stats":
            with lock:
                self.send_json(200, dict(stats, revoked=revoked))
        else:
            self.send_json(404, {"error": "not_found"})

    def do_POST(self):
        global revoked
        u = urlparse(self.path)
        f = self.form()
        if u.path == "/admin/revoke":
            with lock:
                revoked = True
                refresh_tokens.clear()
            return self.send_json(200, {"revoked": True})
        if u.path == "/device":
            if not self.client_ok(f):
                return self.send_json(401, {"error": "invalid_client"})
            dc = secrets.token_urlsafe(16)
            uc = secrets.token_hex(3).upper()
            with lock:
                devices[dc] = {"user_code": uc, "approved": False}
            port = self.server.server_address[1]
            return self.send_json(200, {"device_code": dc, "user_code": uc, "expires_in": 600, "interval": 1,
                                        "verification_uri": "http://127.0.0.1:%d/device/approve" % port})
        if u.path != "/token":
            return self.send_json(404, {"error": "not_found"})
        if not self.client_ok(f):
            return self.send_json(401, {"error": "invalid_client"})
        grant = f.get("grant_type")
        with lock:
            if grant == "authorization_code":
                entry = codes.pop(f.get("code", ""), None)
                if entry is None:
                    return self.send_json(400, {"error": "invalid_grant", "error_description": "unknown code"})
                challenge, redirect = entry
                verifier = f.get("code_verifier", "")
                if b64u(hashlib.sha256(verifier.encode()).digest()) != challenge:
                    return self.send_json(400, {"error": "invalid_grant", "error_description": "PKCE verifier does not match"})
                if f.get("redirect_uri") != redirect:
                    return self.send_json(400, {"error": "invalid_grant", "error_description": "redirect_uri differs"})
                stats["authorization_code"] += 1
                return self.send_json(200, tokens())
            if grant == "refresh_token":
                rt = f.get("refresh_token", "")
                if revoked or rt not in refresh_tokens:
                    stats["refresh_refused"] += 1
                    return self.send_json(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
                refresh_tokens.discard(rt)
                stats["refresh_token"] += 1
                return self.send_json(200, tokens())
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                d = devices.get(f.get("device_code", ""))
                if d is None:
                    return self.send_json(400, {"error": "expired_token"})
                if not d["approved"]:
                    stats["device_pending"] += 1
                    return self.send_json(400, {"error": "authorization_pending"})
                devices.pop(f["device_code"])
                stats["device_code"] += 1
                return self.send_json(200, tokens())
        return self.send_json(400, {"error": "unsupported_grant_type"})


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
tmp = a.port_file + ".tmp"
with open(tmp, "w") as fh:
    fh.write(str(srv.server_address[1]))
os.rename(tmp, a.port_file)
srv.serve_forever()
