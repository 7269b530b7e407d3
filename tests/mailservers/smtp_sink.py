#!/usr/bin/python3
"""Real-SMTP test sink (aiosmtpd): stores each received message verbatim.

  /usr/bin/python3 smtp_sink.py --port 14025 --dir OUTDIR \
      [--tls-cert C --tls-key K] [--smtps-port 14465] [--require-auth] [--user test --password secret]
      [--reject-auth] [--drop-after-data N] [--data-delay SECONDS] [--delay-final-reply SECONDS]
      [--oauth2-key FILE]

For every accepted message it writes  DIR/<seq>.eml  (exact DATA bytes, CRLF as received)
and DIR/<seq>.json (envelope: mail_from, rcpt_tos, auth user, tls, peer), then prints one line.
STARTTLS is offered when --tls-cert/--tls-key are given; AUTH PLAIN/LOGIN always accepted
for --user/--password (aiosmtpd only advertises AUTH after STARTTLS unless --auth-plaintext).
Failure modes for send tests: --reject-auth refuses every login (535); --drop-after-data N
closes the connection without an answer after the DATA of the first N transactions (nothing is
stored for them: the client cannot know whether the message went through); --data-delay S is a
slow server: it stores the message as soon as the final dot arrives (it is then delivered, as a
real server would queue it) but answers 250 only S seconds later, so a client killed or cut off
in that window cannot know it went through;
--delay-final-reply SECONDS waits that long before answering the final dot of every message
(the message is stored after the wait: a client that timed out cannot know it went through).
With --oauth2-key it also takes AUTH XOAUTH2 and AUTH OAUTHBEARER (RFC 7628) with the HS256
JWTs the test Dovecot accepts (key file: base64, as Dovecot's oauth2 passdb reads it): the
signature, `exp` and `sub` == the SASL user are checked; a refused token gets the RFC 7628 error
challenge, then 535. The envelope's auth_mechanism says how the client logged in.
Stops cleanly on SIGTERM/SIGINT.
"""
import argparse, asyncio, base64, hashlib, hmac, itertools, json, os, signal, ssl, sys, time
from aiosmtpd.smtp import MISSING, AuthResult, LoginPassword, SMTP


def b64u_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def jwt_subject(token, key):
    """The `sub` of a valid, unexpired HS256 JWT signed with `key`, else None."""
    try:
        head, body, sig = token.split(".")
        want = hmac.new(key, ("%s.%s" % (head, body)).encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(want, b64u_decode(sig)):
            return None
        if json.loads(b64u_decode(head)).get("alg") != "HS256":
            return None
        claims = json.loads(b64u_decode(body))
        if int(claims.get("exp", 0)) <= time.time():
            return None
        return claims.get("sub")
    except Exception:
        return None


class OAuthLogin:
    def __init__(self, login, mechanism):
        self.login, self.mechanism = login, mechanism


class Store:
    def __init__(self, d, drop_after_data=0, data_delay=0.0, delay_final_reply=0.0, oauth2_key=None,
                 reject_auth=False):
        self.d, self.seq = d, itertools.count(1)
        self.drops_left = drop_after_data
        self.data_delay = data_delay
        self.delay_final_reply = delay_final_reply
        self.oauth2_key, self.reject_auth = oauth2_key, reject_auth
        os.makedirs(d, exist_ok=True)

    async def _oauth(self, server, args, mechanism):
        if self.oauth2_key is None:
            return AuthResult(success=False, handled=False, message="504 5.5.4 Unrecognized authentication type")
        if len(args) > 1:
            raw = args[1].encode()
        else:
            raw = await server.challenge_auth("")
            if raw is MISSING:
                return AuthResult(success=False, handled=False, message="501 5.7.0 Auth aborted")
        try:
            text = base64.b64decode(raw).decode()
        except Exception:
            return AuthResult(success=False, handled=False, message="501 5.5.2 Can't decode base64")
        fields = dict(f.split("=", 1) for f in text.split("\x01") if "=" in f)
        if mechanism == "OAUTHBEARER":
            gs2 = text.split("\x01", 1)[0]
            user = next((p[2:] for p in gs2.split(",") if p.startswith("a=")), "")
            user = user.replace("=2C", ",").replace("=3D", "=")
        else:
            user = fields.get("user", "")
        token = fields.get("auth", "")[len("Bearer "):] if fields.get("auth", "").startswith("Bearer ") else ""
        sub = jwt_subject(token, self.oauth2_key)
        if self.reject_auth or not user or sub != user:
            # RFC 7628 3.2.2: an error challenge, the client answers (0x01 / empty), then 535.
            err = json.dumps({"status": "invalid_token", "schemes": "bearer", "scope": "mail"})
            await server.challenge_auth(err)
            print("refused %s token for %r" % (mechanism, user), flush=True)
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=OAuthLogin(user.encode(), mechanism))

    async def auth_XOAUTH2(self, server, args):
        return await self._oauth(server, args, "XOAUTH2")

    async def auth_OAUTHBEARER(self, server, args):
        return await self._oauth(server, args, "OAUTHBEARER")

    async def handle_DATA(self, server, session, envelope):
        if self.drops_left > 0:
            self.drops_left -= 1
            print("dropped connection after DATA from=%s (%d drops left)" % (envelope.mail_from, self.drops_left),
                  flush=True)
            server.transport.abort()
            # aiosmtpd still wants a reply; it goes nowhere because the transport is closed.
            return "421 connection dropped by test sink"
        if self.delay_final_reply > 0:
            print("delaying the final reply by %.1f s" % self.delay_final_reply, flush=True)
            await asyncio.sleep(self.delay_final_reply)
        n = next(self.seq)
        base = os.path.join(self.d, "%06d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                "mail_options": envelope.mail_options, "auth_user": session.auth_data.login.decode(errors="replace")
                if session.authenticated and isinstance(session.auth_data, (LoginPassword, OAuthLogin)) else None,
                "auth_mechanism": session.auth_data.mechanism if isinstance(session.auth_data, OAuthLogin)
                else ("password" if session.authenticated else None),
                "tls": server.transport.get_extra_info("ssl_object") is not None, "peer": list(session.peer), "received": time.time()}
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".eml.tmp", base + ".eml")       # .eml appears atomically, after .json
        print("stored %s.eml from=%s to=%s tls=%s auth=%s" % (base, meta["mail_from"], meta["rcpt_tos"],
              meta["tls"], meta["auth_user"]), flush=True)
        if self.data_delay > 0:
            await asyncio.sleep(self.data_delay)
        return "250 Ok: queued as %06d" % n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=14025)
    ap.add_argument("--smtps-port", type=int, default=0, help="also listen with implicit TLS")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--tls-cert"); ap.add_argument("--tls-key")
    ap.add_argument("--user", default="test"); ap.add_argument("--password", default="secret")
    ap.add_argument("--require-auth", action="store_true")
    ap.add_argument("--auth-plaintext", action="store_true", help="allow AUTH without TLS")
    ap.add_argument("--reject-auth", action="store_true", help="refuse every AUTH attempt")
    ap.add_argument("--drop-after-data", type=int, default=0, metavar="N",
                    help="close the connection without answering after the DATA of the first N messages")
    ap.add_argument("--data-delay", type=float, default=0.0, metavar="SECONDS",
                    help="store each message at the final dot but answer 250 only SECONDS later")
    ap.add_argument("--delay-final-reply", type=float, default=0.0, metavar="SECONDS",
                    help="wait this long before answering the final dot of each message")
    ap.add_argument("--size-limit", type=int, default=64 << 20, metavar="BYTES",
                    help="the SIZE announced in EHLO (and enforced)")
    ap.add_argument("--oauth2-key", help="accept XOAUTH2/OAUTHBEARER JWTs signed with this (base64) key file")
    a = ap.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = not a.reject_auth and isinstance(auth_data, LoginPassword) and auth_data.login == a.user.encode() \
            and auth_data.password == a.password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    tls = None
    if a.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.tls_cert, a.tls_key)
    common = dict(authenticator=authenticator, auth_required=a.require_auth,
                  auth_require_tls=not a.auth_plaintext, enable_SMTPUTF8=True, data_size_limit=a.size_limit)
    key = base64.b64decode(open(a.oauth2_key).read()) if a.oauth2_key else None
    handler = Store(a.dir, a.drop_after_data, a.data_delay, a.delay_final_reply, key, a.reject_auth)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # plain port (+ STARTTLS if a cert is given)
    servers = [loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="localhost", tls_context=tls, require_starttls=False, **common),
        a.host, a.port))]
    if a.smtps_port and tls:
        # implicit TLS; aiosmtpd 1.4.x only counts STARTTLS as TLS for auth_require_tls, so relax it here
        servers.append(loop.run_until_complete(loop.create_server(
            lambda: SMTP(handler, hostname="localhost", **dict(common, auth_require_tls=False)),
            a.host, a.smtps_port, ssl=tls)))
    print("smtp sink ready on %s:%d%s -> %s" % (a.host, a.port,
          " (smtps %d)" % a.smtps_port if len(servers) > 1 else "", a.dir), flush=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    loop.run_forever()
    for srv in servers:
        srv.close()

if __name__ == "__main__":
    main()
