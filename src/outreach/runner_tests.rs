//! The runner against a real store and the outbox's real send path, delivering into a folder
//! (the demo's delivery): every customer once, a second run sends nothing, a stop pauses and a
//! later run goes on, the daily limit pauses, each customer gets their language's version.

use super::*;
use crate::outreach::rate::Limits;
use crate::send::flow::NoWriteBack;
use crate::store::outreach::Recipient;
use std::path::Path;

fn templates() -> Vec<Template> {
    vec![
        Template::parse(
            Path::new("late.txt"),
            "name: Late\nsubject: Order {order_numbers} is late\n\nHi {first_name|there}, {items} ship later.\n",
        )
        .unwrap(),
        Template::parse(
            Path::new("late.de.txt"),
            "name: Spät\nlanguage: de\nsubject: Bestellung {order_numbers} kommt später\n\nHallo, {items} kommen später.\n",
        )
        .unwrap(),
    ]
}

fn setup(n: usize) -> (Store, i64, Config) {
    let cfg = Config::demo();
    let clock = Clock::fixed("2026-11-24T10:00:00Z".parse().unwrap());
    let mut store = Store::open_in_memory(cfg.shop_context(clock)).unwrap();
    let recipients: Vec<Recipient> = (0..n)
        .map(|i| Recipient {
            addr: format!("c{i}@example.com"),
            name: Some(format!("Customer {i}")),
            language: if i % 2 == 1 { "de" } else { "en" }.into(),
            orders: vec![format!("{}", 1000 + i)],
            items: vec!["Stoneware mug × 1".into()],
            held: None,
            removed: false,
        })
        .collect();
    let id = store
        .create_campaign("Late", "late", "{}", &recipients)
        .unwrap();
    (store, id, cfg)
}

fn delivered(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    out
}

fn run(
    store: &mut Store,
    id: i64,
    cfg: &Config,
    dir: &Path,
    limits: Limits,
    stop_after: Option<usize>,
) -> RunEnd {
    let delivery = Delivery::Folder(dir.to_path_buf());
    let mut wb = NoWriteBack;
    let sent = std::cell::Cell::new(0usize);
    let stop = || stop_after.is_some_and(|n| sent.get() >= n);
    let mut on_event = |e: Event| {
        if matches!(e, Event::Sent { .. }) {
            sent.set(sent.get() + 1);
        }
    };
    let clock = Clock::fixed("2026-11-24T10:00:00Z".parse().unwrap());
    let mut r = Runner::new(cfg, &delivery, &mut wb, clock, limits, &stop, &mut on_event);
    r.run(store, id, &templates()).unwrap()
}

const FAST: Limits = Limits {
    per_minute: 6000,
    per_day: 100_000,
};

#[test]
fn every_customer_once_in_their_language_and_a_second_run_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, id, cfg) = setup(4);
    assert_eq!(
        run(&mut store, id, &cfg, dir.path(), FAST, None),
        RunEnd::Done
    );
    let mails = delivered(dir.path());
    assert_eq!(mails.len(), 4);
    let german = mails
        .iter()
        .filter(|m| m.contains("Subject: Bestellung #1001 kommt"))
        .count();
    assert_eq!(german, 1, "{mails:#?}");
    assert!(mails
        .iter()
        .any(|m| m.contains("Subject: Order #1000 is late")));
    assert_eq!(
        store.campaign(id).unwrap().unwrap().state,
        CampaignState::Done
    );
    assert_eq!(
        run(&mut store, id, &cfg, dir.path(), FAST, None),
        RunEnd::Done
    );
    assert_eq!(delivered(dir.path()).len(), 4, "nobody twice");
    let c = store.campaign_counts(id).unwrap();
    assert_eq!((c.sent, c.failed, c.waiting), (4, 0, 0));
}

#[test]
fn a_stop_pauses_and_the_next_run_goes_on_with_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, id, cfg) = setup(5);
    assert_eq!(
        run(&mut store, id, &cfg, dir.path(), FAST, Some(2)),
        RunEnd::Stopped
    );
    assert_eq!(delivered(dir.path()).len(), 2);
    assert_eq!(
        store.campaign(id).unwrap().unwrap().state,
        CampaignState::Paused
    );
    assert_eq!(
        run(&mut store, id, &cfg, dir.path(), FAST, None),
        RunEnd::Done
    );
    assert_eq!(delivered(dir.path()).len(), 5);
}

#[test]
fn a_notice_queued_before_a_kill_goes_first_and_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, id, cfg) = setup(2);
    // As if killed between putting the first notice in the outbox and sending it.
    let r = store.campaign_pending(id).unwrap().remove(0);
    let now = "2026-11-24T10:00:00Z".parse().unwrap();
    let t = templates();
    let n = notice::render(&cfg, &t[0], &r, None, now).unwrap();
    let m = notice::compose_notice(&cfg, &n, now).unwrap();
    let mid = m.message_id.clone();
    outbox::enqueue_then(
        store.connection(),
        &m,
        None,
        None,
        now,
        Some(now + HOLD),
        |c, oid| so::link_notice(c, oid, id, &r.addr, &mid),
    )
    .unwrap();
    assert_eq!(
        run(&mut store, id, &cfg, dir.path(), FAST, None),
        RunEnd::Done
    );
    let mails = delivered(dir.path());
    assert_eq!(mails.len(), 2);
    assert!(
        mails.iter().any(|m| m.contains(&mid)),
        "the queued one went out"
    );
}

#[test]
fn the_daily_limit_pauses_until_the_day_has_room() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, id, cfg) = setup(3);
    let limits = Limits {
        per_minute: 6000,
        per_day: 2,
    };
    let end = run(&mut store, id, &cfg, dir.path(), limits, None);
    let RunEnd::DailyLimit(until) = end else {
        panic!("{end:?}");
    };
    assert_eq!(delivered(dir.path()).len(), 2);
    let c = store.campaign(id).unwrap().unwrap();
    assert_eq!(c.state, CampaignState::Paused);
    // The store keeps whole seconds; `until` has the milliseconds of the runner's clock, which
    // moves on from the fixed start with real time (under load a send took 24 ms once).
    assert_eq!(
        c.paused_until.map(|t| t.timestamp()),
        Some(until.timestamp())
    );
    assert!(until > "2026-11-25T09:59:00Z".parse::<DateTime<Utc>>().unwrap());
}
