#!/usr/bin/python3
"""Real-SMTP test sink (aiosmtpd): stores each received message verbatim.

  /usr/bin/python3 smtp_sink.py --port 14025 --dir OUTDIR \
      [--tls-cert C --tls-key K] [--smtps-port 14465] [--require-auth] [--user test --password secret]
      [--reject-auth] [--drop-after-data N] [--data-delay SECONDS] [--delay-final-reply SECONDS]

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
Stops cleanly on SIGTERM/SIGINT.
"""
import argparse, asyncio, itertools, json, os, signal, ssl, sys, time
from aiosmtpd.smtp import AuthResult, LoginPassword, SMTP


class Store:
    def __init__(self, d, drop_after_data=0, data_delay=0.0, delay_final_reply=0.0):
        self.d, self.seq = d, itertools.count(1)
        self.drops_left = drop_after_data
        self.data_delay = data_delay
        self.delay_final_reply = delay_final_reply
        os.makedirs(d, exist_ok=True)

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
                if session.authenticated and isinstance(session.auth_data, LoginPassword) else None,
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
                  auth_require_tls=not a.auth_plaintext, enable_SMTPUTF8=True, data_size_limit=64 << 20)
    handler = Store(a.dir, a.drop_after_data, a.data_delay, a.delay_final_reply)
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
