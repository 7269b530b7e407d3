//! Issue 27 against the real Dovecot and SMTP sink, with the real binary: 200 customers from a
//! Shopify export, a notice to the 150 whose orders fall in a window, the sender SIGKILLed at
//! least 20 times at random points. In the end each of the 150 got exactly one notice (sink
//! count per address), nobody else got one, Sent holds one copy of each, the per-minute limit
//! was never exceeded (the sink's timestamps), German customers got the German version, and a
//! customer's reply lands in Needs reply marked with the campaign.
//!
//! `cargo test --test outreach_kill -- --nocapture` prints the figures.

use crate::support;

use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::MailServers;

const PASSWORD_ENV: &str = "SHOPINBOX_TEST_PASSWORD";
const CUSTOMERS: usize = 200;
const IN_WINDOW: usize = 150;
const PER_MINUTE: usize = 100;
const KILLS: usize = 20;

fn write_config(dir: &Path, servers: &MailServers) -> PathBuf {
    let path = support::write_shop_config(
        dir,
        servers,
        PASSWORD_ENV,
        "save_sent = \"always\"\n",
        &format!(
            "\n[offers]\ndiscount_code = \"SORRY15\"\n\n[outreach]\nper_minute = {PER_MINUTE}\nper_day = 5000\n"
        ),
    );
    let t = dir.join("templates");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        t.join("late-supplier.txt"),
        "name: Late supplier\nsubject: Your order {order_numbers} is a week late\n\n\
         Hi {first_name|there},\n\nour supplier is late: your {items} ({order_numbers}) ships a \
         week later than promised. Sorry! {offer.discount_code} takes 15% off your next order.\n",
    )
    .unwrap();
    std::fs::write(
        t.join("late-supplier.de.txt"),
        "name: Lieferverzug\nlanguage: de\nsubject: Ihre Bestellung {order_numbers} kommt eine Woche später\n\n\
         Hallo {first_name|},\n\nunser Lieferant ist im Verzug: Ihre {items} ({order_numbers}) \
         kommen eine Woche später als versprochen. Mit {offer.discount_code} sparen Sie 15 % bei \
         der nächsten Bestellung.\n",
    )
    .unwrap();
    path
}

fn addr(i: usize) -> String {
    format!("customer{i:03}@example.com")
}

fn german(i: usize) -> bool {
    i % 4 == 1
}

/// A Shopify order export: customer i ordered on 2026-11-01 + i/20 days; the first 150 fall
/// in [2026-11-02, 2026-11-10), the rest after it. Every 10th order has a second line item.
fn shopify_export(path: &Path) {
    let mut w = String::from(
        "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Total,Created at,\
         Lineitem quantity,Lineitem name,Billing Name,Billing Country\n",
    );
    for i in 0..CUSTOMERS {
        let (day, country) = if i < IN_WINDOW {
            (2 + i / 20, if german(i) { "DE" } else { "GB" })
        } else {
            (
                12 + (i - IN_WINDOW) / 10,
                if german(i) { "DE" } else { "GB" },
            )
        };
        let created = format!("2026-11-{day:02} 10:{:02}:00 +0100", i % 60);
        w.push_str(&format!(
            "#{n},{a},paid,{created},unfulfilled,EUR,{t}.00,{created},1,Stoneware mug,Customer{i} Test,{country}\n",
            n = 1000 + i,
            a = addr(i),
            t = 20 + i % 30,
        ));
        if i % 10 == 0 {
            w.push_str(&format!(
                "#{n},,,,,,,{created},2,Linen napkins,,\n",
                n = 1000 + i
            ));
        }
    }
    std::fs::write(path, w).unwrap();
}

struct Shop {
    servers: MailServers,
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Shop {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shopinbox"));
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .env(PASSWORD_ENV, &self.servers.password)
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn db(&self) -> Connection {
        let conn = Connection::open(self.dir.path().join("store.db")).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn
    }

    /// The campaign's notices in the outbox: (outbox id, state, Message-ID, address).
    fn notices(&self) -> Vec<(i64, String, String, String)> {
        self.db()
            .prepare(
                "SELECT o.id, o.state, o.message_id, s.addr FROM campaign_sends s
                 JOIN outbox o ON o.id = s.outbox_id ORDER BY o.id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// Sink: Message-ID → how many times delivered.
    fn delivered_ids(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for (_, raw) in self.servers.smtp_messages() {
            let id = shopinbox::mail::parse::parse_message(&raw)
                .message_id
                .unwrap_or_default();
            *out.entry(id).or_default() += 1;
        }
        out
    }

    /// The owner follows the hints for notices a kill left uncertain.
    fn settle_uncertain(&self, owner: &mut BTreeMap<&'static str, usize>) {
        for (id, state, mid, _) in self.notices() {
            if state != "uncertain" {
                continue;
            }
            let mut delivered = self.delivered_ids();
            if !delivered.contains_key(&mid) {
                std::thread::sleep(Duration::from_secs(1));
                delivered = self.delivered_ids();
            }
            let action = if delivered.contains_key(&mid) {
                "mark-sent"
            } else {
                "resend"
            };
            self.ok(&["outbox", action, &id.to_string()]);
            *owner.entry(action).or_default() += 1;
        }
    }
}

#[test]
fn a_campaign_killed_twenty_times_reaches_each_customer_once_at_the_providers_pace() {
    let servers = MailServers::start();
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers);
    let shop = Shop {
        servers,
        dir,
        config,
    };
    let export = shop.dir.path().join("orders_export.csv");
    shopify_export(&export);
    let out = shop.ok(&["orders", "import", export.to_str().unwrap()]);
    assert!(out.contains("200 orders read"), "{out}");
    assert!(out.contains("200 new"), "{out}");

    let out = shop.ok(&[
        "notify",
        "new",
        "--template",
        "late-supplier",
        "--from",
        "2026-11-02",
        "--until",
        "2026-11-10",
    ]);
    assert!(out.contains("150 customers get the notice"), "{out}");
    let id: String = out
        .strip_prefix("Campaign ")
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    // Without --yes nothing is sent: the owner sees the count and the pace first.
    let out = shop.run(&["notify", "send", &id]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("At most {PER_MINUTE} a minute")),
        "{text}"
    );
    assert!(shop.servers.smtp_messages().is_empty());

    let mut rng = fastrand::Rng::with_seed(27);
    let mut kills = 0;
    let mut rounds = 0;
    let mut owner = BTreeMap::new();
    let started = Instant::now();
    while kills < KILLS {
        rounds += 1;
        assert!(rounds < 80, "the campaign ended before {KILLS} kills");
        let mut child = shop
            .command(&["notify", "send", &id, "--yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.u64(300..2_500)));
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        // The next start settles what the kill interrupted; the owner decides on uncertain ones.
        shop.ok(&["outbox"]);
        shop.settle_uncertain(&mut owner);
    }
    // The last run goes to the end.
    for _ in 0..3 {
        let out = shop.run(&["notify", "send", &id, "--yes"]);
        if out.status.success() {
            break;
        }
        shop.settle_uncertain(&mut owner);
    }
    let out = shop.ok(&["notify", "send", &id, "--yes"]);
    assert!(out.contains("is done"), "{out}");
    // The next sync finishes the Sent copies the kills interrupted.
    shop.ok(&["sync"]);
    let elapsed = started.elapsed();

    // Each of the 150 exactly once, nobody else.
    let msgs = shop.servers.smtp_messages();
    let mut per_addr: BTreeMap<String, usize> = BTreeMap::new();
    let mut times = Vec::new();
    for (env, raw) in &msgs {
        for rcpt in env["rcpt_tos"].as_array().unwrap() {
            *per_addr
                .entry(rcpt.as_str().unwrap().to_lowercase())
                .or_default() += 1;
        }
        times.push(env["received"].as_f64().unwrap());
        let parsed = shopinbox::mail::parse::parse_message(raw);
        assert!(parsed.to.len() == 1, "one recipient per message, never Bcc");
    }
    let wanted: Vec<String> = (0..IN_WINDOW).map(addr).collect();
    for a in &wanted {
        assert_eq!(per_addr.get(a), Some(&1), "{a}: {per_addr:?}");
    }
    assert_eq!(per_addr.len(), IN_WINDOW, "nobody outside the window");

    // The rate: never more than PER_MINUTE in any 60 seconds at the server.
    times.sort_by(f64::total_cmp);
    let mut busiest = 0;
    for (i, t) in times.iter().enumerate() {
        let n = times[i..].iter().take_while(|&&u| u < t + 60.0).count();
        busiest = busiest.max(n);
    }
    assert!(busiest <= PER_MINUTE, "{busiest} in one minute");
    assert!(
        busiest >= PER_MINUTE / 2,
        "the test should come near the limit: {busiest}"
    );

    // Sent: one copy each.
    let notices = shop.notices();
    assert_eq!(notices.len(), IN_WINDOW);
    assert!(notices.iter().all(|n| n.1 == "sent"), "{notices:?}");
    let mut imap = shop.servers.client();
    imap.select("Sent").unwrap();
    let uids = imap.uid_search("ALL").unwrap();
    let mut sent_ids: BTreeMap<String, usize> = BTreeMap::new();
    if !uids.is_empty() {
        let set = uids
            .iter()
            .map(|u| u.to_string())
            .collect::<Vec<_>>()
            .join(",");
        for f in imap
            .uid_fetch(&set, "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            .unwrap()
        {
            let header =
                String::from_utf8_lossy(f.header.as_deref().unwrap_or_default()).into_owned();
            let value = header.split_once(':').map(|(_, v)| v).unwrap_or_default();
            let id = shopinbox::mail::parse::msg_ids(value)
                .into_iter()
                .next()
                .unwrap_or_default();
            *sent_ids.entry(id).or_default() += 1;
        }
    }
    for (_, _, mid, a) in &notices {
        assert_eq!(
            sent_ids.get(mid),
            Some(&1),
            "Sent copy of the notice to {a}"
        );
    }

    // German customers got the German version, the others the English one.
    for (_, raw) in &msgs {
        let p = shopinbox::mail::parse::parse_message(raw);
        let to = p.to[0].addr.clone();
        let i: usize = to["customer".len()..to.len() - "@example.com".len()]
            .parse()
            .unwrap();
        if german(i) {
            assert!(
                p.subject.starts_with("Ihre Bestellung #"),
                "{to}: {}",
                p.subject
            );
            assert!(p.body.contains("unser Lieferant ist im Verzug"), "{to}");
        } else {
            assert!(p.subject.starts_with("Your order #"), "{to}: {}", p.subject);
        }
        assert!(
            p.subject.contains(&format!("#{}", 1000 + i)),
            "{}",
            p.subject
        );
    }

    // A reply to a notice is a customer message in Needs reply, marked with the campaign.
    // It arrives an hour after the notice by the binary's clock (the notice's own Date), as
    // its Date and INTERNALDATE: a fixed date would be older than the notice on another day,
    // and the server's own clock (not faked under scripts/test-clock-ahead) would put it
    // before tracking started.
    let (_, _, mid, a) = &notices[3];
    let sent_at = msgs
        .iter()
        .map(|(_, raw)| shopinbox::mail::parse::parse_message(raw))
        .find(|p| p.message_id.as_deref() == Some(mid.as_str()))
        .and_then(|p| p.date)
        .expect("the notice's Date");
    let reply = format!(
        "From: Customer <{a}>\r\nTo: Alphx <hello@alphx.shop>\r\nSubject: Re: your notice\r\n\
         Message-ID: <reply-1@example.com>\r\nIn-Reply-To: <{mid}>\r\nReferences: <{mid}>\r\n\
         Date: {}\r\n\r\nCan I cancel instead?\r\n",
        (sent_at + chrono::Duration::hours(1)).to_rfc2822()
    );
    let arrived = (sent_at + chrono::Duration::hours(1)).fixed_offset();
    shop.servers
        .append("INBOX", reply.as_bytes(), &[], Some(arrived));
    shop.ok(&["sync"]);
    let out = shop.ok(&["list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from"] == a.as_str())
        .unwrap_or_else(|| panic!("the reply is in Needs reply: {out}"));
    assert_eq!(row["campaign"], "Late supplier", "{row}");
    let out = shop.ok(&["notify", "show", &id]);
    assert!(out.contains("150 sent"), "{out}");
    assert!(out.contains("1 replied"), "{out}");

    eprintln!(
        "outreach kill test: {kills} kills in {rounds} rounds, owner {owner:?}, busiest minute \
         {busiest}/{PER_MINUTE}, {} notices in {:.0} s",
        msgs.len(),
        elapsed.as_secs_f64()
    );
}
