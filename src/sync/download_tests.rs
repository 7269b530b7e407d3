use super::*;
use std::time::Duration;

fn batch(uids: &[u32]) -> Vec<u32> {
    uids.to_vec()
}

/// The UIDs of a UID set as `plan::uid_set` writes it (`1:3,5`).
fn uids_of(set: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in set.split(',') {
        match part.split_once(':') {
            Some((a, b)) => out.extend(a.parse::<u32>().unwrap()..=b.parse::<u32>().unwrap()),
            None => out.push(part.parse().unwrap()),
        }
    }
    out
}

/// A simulated server for the reader: `present` exists; `withheld` exists but is answered
/// without content (a server fault); everything else is gone. `pipelined`: `fetch_pipelined`
/// behaves like a truly pipelined one (up to `depth` sets asked for before the first answer
/// is read; after `each` says stop, the answers in flight are read and dropped); otherwise
/// like the sequential one in session.rs.
struct Sim {
    pipelined: bool,
    present: HashSet<u32>,
    withheld: HashSet<u32>,
    /// Every `UID FETCH` set sent, in order.
    sent: Vec<String>,
    /// Every `UID SEARCH` set sent.
    searched: Vec<String>,
    /// The most commands in flight within each `fetch_pipelined` call.
    in_flight_max: Vec<usize>,
    /// Expunge these UIDs just before the command that fetches set number `.0` is answered.
    expunge_at: Option<(usize, Vec<u32>)>,
}

impl Sim {
    fn new(pipelined: bool, present: impl IntoIterator<Item = u32>) -> Sim {
        Sim {
            pipelined,
            present: present.into_iter().collect(),
            withheld: HashSet::new(),
            sent: Vec::new(),
            searched: Vec::new(),
            in_flight_max: Vec::new(),
            expunge_at: None,
        }
    }

    fn answer(&mut self, set: &str, number: usize) -> Vec<FetchedMessage> {
        if let Some((at, gone)) = &self.expunge_at {
            if *at == number {
                for u in gone {
                    self.present.remove(u);
                }
            }
        }
        uids_of(set)
            .into_iter()
            .filter(|u| self.present.contains(u) && !self.withheld.contains(u))
            .map(|uid| FetchedMessage {
                uid,
                flags: Vec::new(),
                internaldate: None,
                raw: format!("Subject: {uid}\r\n\r\nbody").into_bytes(),
            })
            .collect()
    }
}

impl Fetcher for Sim {
    fn fetch_pipelined(
        &mut self,
        depth: usize,
        next: &mut dyn FnMut() -> Option<String>,
        each: &mut dyn FnMut(Vec<FetchedMessage>) -> Result<bool, SyncError>,
    ) -> Result<(), SyncError> {
        let depth = if self.pipelined { depth.max(1) } else { 1 };
        let mut in_flight: VecDeque<(String, usize)> = VecDeque::new();
        let mut most = 0;
        let mut sending = true;
        let mut stopped = false;
        loop {
            while sending && in_flight.len() < depth {
                match next() {
                    Some(set) => {
                        self.sent.push(set.clone());
                        in_flight.push_back((set, self.sent.len()));
                    }
                    None => sending = false,
                }
            }
            most = most.max(in_flight.len());
            let Some((set, number)) = in_flight.pop_front() else {
                break;
            };
            let msgs = self.answer(&set, number);
            if stopped {
                continue; // read and dropped
            }
            match each(msgs) {
                Ok(true) => {}
                Ok(false) => {
                    stopped = true;
                    sending = false;
                }
                Err(e) => {
                    self.in_flight_max.push(most);
                    return Err(e);
                }
            }
        }
        self.in_flight_max.push(most);
        Ok(())
    }

    fn uids_present(&mut self, uid_set: &str) -> Result<HashSet<u32>, SyncError> {
        self.searched.push(uid_set.to_string());
        Ok(uids_of(uid_set)
            .into_iter()
            .filter(|u| self.present.contains(u))
            .collect())
    }

    fn host(&self) -> &str {
        "sim.example"
    }
}

/// What the reader handed on: (asked, delivered UIDs) per batch, then the error if any.
type Run = (Vec<(Vec<u32>, Vec<u32>)>, Option<String>, bool);

/// Run the reader over `batches` against `sim` with the gate already open; `asks`: how many
/// sets may be asked for in all (the budget), None for all of them.
fn run(sim: &mut Sim, batches: &[Vec<u32>], asks: Option<usize>) -> Run {
    let (gate_tx, gate_rx) = mpsc::channel();
    gate_tx.send(()).unwrap();
    run_gated(sim, batches, asks, gate_rx)
}

fn run_gated(
    sim: &mut Sim,
    batches: &[Vec<u32>],
    asks: Option<usize>,
    gate: mpsc::Receiver<()>,
) -> Run {
    let (tx, rx) = mpsc::sync_channel(1000);
    let mut queue = SetQueue::new(batches);
    let allowed = std::cell::Cell::new(0usize);
    let ask = || {
        let ok = asks.is_none_or(|n| allowed.get() < n);
        if ok {
            allowed.set(allowed.get() + 1);
        }
        ok
    };
    read_sets(sim, &mut queue, 3, &ask, Some(gate), &tx);
    drop(tx);
    let mut got = Vec::new();
    let mut err = None;
    for item in rx {
        match item {
            Ok(f) => got.push((f.asked, f.msgs.iter().map(|m| m.uid).collect())),
            Err(e) => err = Some(e.to_string()),
        }
    }
    (got, err, queue.finished())
}

#[test]
fn queue_asks_in_order_and_puts_unanswered_sets_back_first() {
    let mut q = SetQueue::new(&[batch(&[9, 8, 7]), batch(&[]), batch(&[5, 4]), batch(&[2])]);
    assert_eq!(q.ask().as_deref(), Some("7:9"));
    assert_eq!(q.ask().as_deref(), Some("4:5"));
    assert_eq!(q.ask().as_deref(), Some("2"));
    assert_eq!(q.answered(), Some(vec![9, 8, 7]));
    // Stopped with two in flight: they come back first, in their order.
    q.put_back_unanswered();
    assert!(!q.finished());
    assert_eq!(q.ask().as_deref(), Some("4:5"));
    assert_eq!(q.answered(), Some(vec![5, 4]));
    assert_eq!(q.ask().as_deref(), Some("2"));
    assert_eq!(q.answered(), Some(vec![2]));
    assert_eq!(q.ask(), None);
    assert_eq!(q.answered(), None);
    assert!(q.finished());
}

#[test]
fn asking_stops_at_cancel_and_at_the_deadline() {
    let t0 = Instant::now();
    let later = t0 + Duration::from_secs(5);
    let cases: [(bool, Instant, Option<Instant>, bool); 6] = [
        (false, t0, None, true),
        (true, t0, None, false),
        (false, t0, Some(later), true),
        (false, later, Some(later), false),
        (false, later + Duration::from_millis(1), Some(later), false),
        (true, t0, Some(later), false),
    ];
    for (cancelled, now, deadline, want) in cases {
        assert_eq!(
            may_ask(cancelled, now, deadline),
            want,
            "{cancelled} {deadline:?}"
        );
    }
}

#[test]
fn missing_lists_asked_uids_not_delivered_in_asked_order() {
    let got: Vec<FetchedMessage> = [7u32, 9]
        .iter()
        .map(|&uid| FetchedMessage {
            uid,
            flags: Vec::new(),
            internaldate: None,
            raw: Vec::new(),
        })
        .collect();
    assert_eq!(missing(&[9, 8, 7, 6], &got), vec![8, 6]);
    assert_eq!(missing(&[9, 7], &got), Vec::<u32>::new());
}

#[test]
fn every_set_is_handed_on_once_in_order_sequential_or_pipelined() {
    let batches = vec![batch(&[10, 9]), batch(&[8, 7]), batch(&[6, 5]), batch(&[4])];
    for pipelined in [false, true] {
        let mut sim = Sim::new(pipelined, 1..=10);
        let (got, err, finished) = run(&mut sim, &batches, None);
        assert_eq!(err, None);
        assert!(finished);
        let asked: Vec<Vec<u32>> = got.iter().map(|g| g.0.clone()).collect();
        assert_eq!(asked, batches, "pipelined {pipelined}");
        assert_eq!(sim.sent, ["9:10", "7:8", "5:6", "4"]);
        // The first set goes alone; then up to the depth (3) when pipelined.
        let want = if pipelined { vec![1, 3] } else { vec![1, 1] };
        assert_eq!(sim.in_flight_max, want);
        assert!(sim.searched.is_empty());
    }
}

/// Without a gate (a first sync's history) there is no first set alone: one pipeline from
/// the first command to the last.
#[test]
fn without_a_gate_every_set_goes_in_one_pipeline() {
    let batches = vec![batch(&[10, 9]), batch(&[8, 7]), batch(&[6, 5]), batch(&[4])];
    let mut sim = Sim::new(true, 1..=10);
    let (tx, rx) = mpsc::sync_channel(1000);
    let mut queue = SetQueue::new(&batches);
    read_sets(&mut sim, &mut queue, 3, &|| true, None, &tx);
    drop(tx);
    let asked: Vec<Vec<u32>> = rx.into_iter().map(|f| f.unwrap().asked).collect();
    assert_eq!(asked, batches);
    assert!(queue.finished());
    assert_eq!(sim.sent, ["9:10", "7:8", "5:6", "4"]);
    // One call of the fetch, up to the depth in flight at once.
    assert_eq!(sim.in_flight_max, vec![3]);
}

#[test]
fn a_short_batch_is_checked_then_the_dropped_sets_are_asked_again() {
    let batches = vec![
        batch(&[12, 11]),
        batch(&[10, 9]),
        batch(&[8, 7]),
        batch(&[6, 5]),
        batch(&[4, 3]),
    ];
    for pipelined in [false, true] {
        // 9 was expunged after it was listed.
        let mut sim = Sim::new(pipelined, (1..=12).filter(|u| *u != 9));
        let (got, err, finished) = run(&mut sim, &batches, None);
        assert_eq!(err, None, "pipelined {pipelined}");
        assert!(finished);
        let asked: Vec<Vec<u32>> = got.iter().map(|g| g.0.clone()).collect();
        assert_eq!(
            asked, batches,
            "each batch once, in order (pipelined {pipelined})"
        );
        assert_eq!(got[1].1, vec![10], "the short batch holds what came");
        assert_eq!(sim.searched, ["9"], "the missing UID was checked");
        if pipelined {
            // 7:8 and 5:6 were in flight when 9:10 came back short: dropped, asked again.
            assert_eq!(
                sim.sent,
                ["11:12", "9:10", "7:8", "5:6", "7:8", "5:6", "3:4"]
            );
        } else {
            assert_eq!(sim.sent, ["11:12", "9:10", "7:8", "5:6", "3:4"]);
        }
    }
}

#[test]
fn an_expunge_during_a_pipelined_fetch_is_found_in_a_re_asked_set() {
    // 5 vanishes just before the re-asked 5:6 is answered (the 5th command).
    let batches = vec![batch(&[10, 9]), batch(&[8, 7]), batch(&[6, 5]), batch(&[4])];
    let mut sim = Sim::new(true, (1..=10).filter(|u| *u != 8));
    sim.expunge_at = Some((5, vec![5]));
    let (got, err, finished) = run(&mut sim, &batches, None);
    assert_eq!(err, None);
    assert!(finished);
    let asked: Vec<Vec<u32>> = got.iter().map(|g| g.0.clone()).collect();
    assert_eq!(asked, batches);
    assert_eq!(got[2].1, vec![6]);
    assert_eq!(sim.searched, ["8", "5"]);
}

#[test]
fn a_message_that_still_exists_but_came_without_content_ends_the_download() {
    let batches = vec![batch(&[6, 5]), batch(&[4, 3]), batch(&[2, 1])];
    for pipelined in [false, true] {
        let mut sim = Sim::new(pipelined, 1..=6);
        sim.withheld.insert(3);
        let (got, err, finished) = run(&mut sim, &batches, None);
        assert!(!finished);
        assert_eq!(got.len(), 1, "only the batch before the fault is handed on");
        let err = err.expect("an error");
        assert!(err.contains("UID 3 without its content"), "{err}");
    }
}

#[test]
fn the_budget_stops_asking_but_what_was_asked_is_handed_on() {
    let batches: Vec<Vec<u32>> = (0..6u32).map(|i| vec![100 - 2 * i, 99 - 2 * i]).collect();
    for pipelined in [false, true] {
        let mut sim = Sim::new(pipelined, 1..=100);
        let (got, err, finished) = run(&mut sim, &batches, Some(4));
        assert_eq!(err, None);
        assert!(!finished, "the rest is left for the next pass");
        let asked: Vec<Vec<u32>> = got.iter().map(|g| g.0.clone()).collect();
        assert_eq!(asked, batches[..4].to_vec(), "pipelined {pipelined}");
        assert_eq!(sim.sent.len(), 4);
    }
    // No time at all: nothing asked.
    let mut sim = Sim::new(true, 1..=100);
    let (got, _, finished) = run(&mut sim, &batches, Some(0));
    assert!(got.is_empty() && !finished && sim.sent.is_empty());
}

#[test]
fn the_rest_waits_for_the_first_batch_to_be_committed() {
    let batches = vec![batch(&[4, 3]), batch(&[2, 1])];
    for pipelined in [false, true] {
        // The store stopped before committing the first batch: nothing more is asked for.
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        drop(gate_tx);
        let mut sim = Sim::new(pipelined, 1..=4);
        let (got, err, finished) = run_gated(&mut sim, &batches, None, gate_rx);
        assert_eq!((got.len(), err, finished), (1, None, false));
        assert_eq!(sim.sent, ["3:4"]);
    }
}

#[test]
fn a_history_plan_is_asked_newest_first_and_covers_every_uid_once() {
    // What history.rs plans: listed UIDs descending, batched by count and bytes.
    let mut listed: Vec<(u32, u32)> = (1..=23).map(|u| (u, 1000)).collect();
    listed.reverse();
    let batches = plan::batches(&listed, 5, 3500);
    let mut sim = Sim::new(true, 1..=23);
    let (got, err, finished) = run(&mut sim, &batches, None);
    assert_eq!(err, None);
    assert!(finished);
    let order: Vec<u32> = got.iter().flat_map(|g| g.0.clone()).collect();
    assert_eq!(order, (1..=23).rev().collect::<Vec<u32>>());
    // Each stored batch lies wholly below the one before: `pending_upto` only falls.
    let mins: Vec<u32> = got.iter().map(|g| *g.0.iter().min().unwrap()).collect();
    assert!(mins.windows(2).all(|w| w[1] < w[0]), "{mins:?}");
}
