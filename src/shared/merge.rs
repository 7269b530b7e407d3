//! The merge rule: every copy that has seen the same changes, in any order, holds the same
//! state. Pure functions; the store keeps the state in SQLite and asks [`decide`] for every
//! change it reads.
//!
//! - **Per item, last writer wins** on the hybrid logical clock ([`super::hlc::Hlc`]); equal
//!   clocks cannot happen between two installations (the installation id is part of the
//!   timestamp), and an equal timestamp is the same change seen twice.
//! - **Undo is a new change** (to [`Value::Clear`] or the value before), so it wins by the
//!   same rule, on every copy.
//! - **Notes merge, never overwrite.** Every note is its own item, so notes added on two
//!   copies are both kept. Two edits (or an edit and a delete) of the same version of a note
//!   (same `base`) are concurrent: the later one wins the note, and the other *text* is kept as
//!   a note of its own (`<note>~<its timestamp>`), on every copy, whichever it saw first.

use super::change::{Change, ItemKey, Value};
use super::hlc::Hlc;
use std::collections::BTreeMap;

/// What to do with an incoming change, given the item's current winning change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The incoming change becomes the item's value.
    pub wins: bool,
    /// A note text that must be kept as a note of its own (the concurrent loser).
    pub sibling: Option<Change>,
}

impl Decision {
    const DUPLICATE: Decision = Decision {
        wins: false,
        sibling: None,
    };
}

/// Decide on `incoming` against `current` (the item's winning change so far, if any).
/// Changes whose timestamp does not parse never win (a reader skips what it cannot order).
pub fn decide(current: Option<&Change>, incoming: &Change) -> Decision {
    let Some(new) = incoming.hlc() else {
        return Decision::DUPLICATE;
    };
    let Some(cur) = current else {
        return Decision {
            wins: true,
            sibling: None,
        };
    };
    let old = cur.hlc().unwrap_or_else(|| Hlc::zero(""));
    if new == old {
        return Decision::DUPLICATE;
    }
    let wins = new > old;
    let (winner, loser) = if wins {
        (incoming, cur)
    } else {
        (cur, incoming)
    };
    Decision {
        wins,
        sibling: note_sibling(winner, loser),
    }
}

/// For two concurrent versions of one note: the loser's text as a note of its own.
fn note_sibling(winner: &Change, loser: &Change) -> Option<Change> {
    let ItemKey::Note { addr, note } = &loser.item else {
        return None;
    };
    let Value::Note { text, warning, .. } = &loser.value else {
        return None;
    };
    if winner.value.base() != loser.value.base() {
        return None;
    }
    Some(Change {
        hlc: loser.hlc.clone(),
        by: loser.by.clone(),
        at: loser.at,
        item: ItemKey::Note {
            addr: addr.clone(),
            note: format!("{note}~{}", loser.hlc),
        },
        value: Value::Note {
            text: text.clone(),
            warning: *warning,
            base: None,
        },
    })
}

/// The whole shared state in memory: for every item its winning change. The store holds the
/// same thing in a table; this is the reference the tests compare orders against, and what
/// compaction uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub items: BTreeMap<ItemKey, Change>,
}

impl State {
    /// Apply one change; returns whether anything changed.
    pub fn apply(&mut self, change: &Change) -> bool {
        let d = decide(self.items.get(&change.item), change);
        let mut changed = false;
        if let Some(sib) = d.sibling {
            changed |= self.apply(&sib);
        }
        if d.wins {
            self.items.insert(change.item.clone(), change.clone());
            changed = true;
        }
        changed
    }

    pub fn apply_all<'a>(&mut self, changes: impl IntoIterator<Item = &'a Change>) {
        for c in changes {
            self.apply(c);
        }
    }
}

/// Compaction: many change sets become one snapshot holding, per item, its winning change
/// (tombstones included, so that a clear still beats an older value a late copy uploads).
/// Applying the snapshot gives the same state as applying every change it replaces.
pub fn compact<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Vec<Change> {
    let mut state = State::default();
    state.apply_all(changes);
    state.items.into_values().collect()
}

/// Whether a claim is in force at `now` (unix seconds) and made by someone else.
pub fn active_claim<'a>(change: &'a Change, me: &str, now: i64) -> Option<(&'a str, i64)> {
    match (&change.item, &change.value) {
        (ItemKey::Claim { .. }, Value::Claim { since, until })
            if *until > now && change.hlc().is_some_and(|h| h.node != me) =>
        {
            Some((change.by.as_str(), *since))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(millis: i64, node: &str, item: ItemKey, value: Value) -> Change {
        Change {
            hlc: Hlc {
                millis,
                counter: 0,
                node: node.into(),
            }
            .encode(),
            by: node.to_uppercase(),
            at: millis / 1000,
            item,
            value,
        }
    }
    fn snooze() -> ItemKey {
        ItemKey::Snooze {
            thread: "t@x".into(),
        }
    }
    fn note() -> ItemKey {
        ItemKey::Note {
            addr: "c@x".into(),
            note: "n1".into(),
        }
    }
    fn text(t: &str, base: Option<&Change>) -> Value {
        Value::Note {
            text: t.into(),
            warning: false,
            base: base.map(|b| b.hlc.clone()),
        }
    }

    /// Every order of `changes` gives the same state; returns it.
    fn converge(changes: &[Change]) -> State {
        let mut orders = vec![changes.to_vec()];
        let mut rev = changes.to_vec();
        rev.reverse();
        orders.push(rev);
        for k in 1..changes.len() {
            let mut r = changes.to_vec();
            r.rotate_left(k);
            orders.push(r);
        }
        let first = {
            let mut s = State::default();
            s.apply_all(&orders[0]);
            s
        };
        for o in &orders {
            let mut s = State::default();
            s.apply_all(o);
            // Twice: applying again changes nothing (sets are read again after a kill).
            s.apply_all(o);
            assert_eq!(
                s,
                first,
                "order {:?}",
                o.iter().map(|c| &c.hlc).collect::<Vec<_>>()
            );
            // The snapshot of it gives the same state too.
            let mut c = State::default();
            c.apply_all(&compact(o));
            assert_eq!(c, first);
        }
        first
    }

    #[test]
    fn last_writer_wins_per_item_in_every_order() {
        let cases: Vec<(Vec<Change>, Value)> = vec![
            (
                vec![
                    ch(1000, "a", snooze(), Value::At { at: 5 }),
                    ch(2000, "b", snooze(), Value::At { at: 9 }),
                ],
                Value::At { at: 9 },
            ),
            // Undo on another copy is a newer change: it wins.
            (
                vec![
                    ch(1000, "a", snooze(), Value::At { at: 5 }),
                    ch(1500, "b", snooze(), Value::Clear),
                ],
                Value::Clear,
            ),
            // Same millisecond: the installation id decides, the same way everywhere.
            (
                vec![
                    ch(1000, "b", snooze(), Value::At { at: 1 }),
                    ch(1000, "a", snooze(), Value::At { at: 2 }),
                ],
                Value::At { at: 1 },
            ),
        ];
        for (changes, want) in cases {
            let s = converge(&changes);
            assert_eq!(s.items[&snooze()].value, want);
        }
    }

    #[test]
    fn different_items_do_not_interfere() {
        let other = ItemKey::Answered {
            thread: "t@x".into(),
        };
        let s = converge(&[
            ch(1000, "a", snooze(), Value::At { at: 5 }),
            ch(2000, "b", other.clone(), Value::At { at: 7 }),
        ]);
        assert_eq!(s.items.len(), 2);
        assert_eq!(s.items[&other].value, Value::At { at: 7 });
    }

    #[test]
    fn concurrent_note_edits_keep_both_texts() {
        let created = ch(1000, "a", note(), text("v1", None));
        let ea = ch(2000, "a", note(), text("from a", Some(&created)));
        let eb = ch(2500, "b", note(), text("from b", Some(&created)));
        let s = converge(&[created.clone(), ea.clone(), eb.clone()]);
        assert_eq!(s.items[&note()].value, eb.value);
        let sib = ItemKey::Note {
            addr: "c@x".into(),
            note: format!("n1~{}", ea.hlc),
        };
        assert!(
            matches!(&s.items[&sib].value, Value::Note { text, .. } if text == "from a"),
            "{s:?}"
        );
        assert_eq!(s.items.len(), 2);
    }

    #[test]
    fn a_delete_does_not_swallow_a_concurrent_edit() {
        let created = ch(1000, "a", note(), text("v1", None));
        let edit = ch(2000, "a", note(), text("edited", Some(&created)));
        let del = ch(
            3000,
            "b",
            note(),
            Value::NoteDeleted {
                base: Some(created.hlc.clone()),
            },
        );
        let s = converge(&[created.clone(), edit, del]);
        assert!(matches!(s.items[&note()].value, Value::NoteDeleted { .. }));
        assert_eq!(s.items.len(), 2, "the edited text survives as its own note");
    }

    #[test]
    fn a_chain_of_edits_makes_no_copies() {
        let v1 = ch(1000, "a", note(), text("v1", None));
        let v2 = ch(2000, "b", note(), text("v2", Some(&v1)));
        let v3 = ch(3000, "a", note(), text("v3", Some(&v2)));
        let s = converge(&[v1, v2, v3.clone()]);
        assert_eq!(s.items.len(), 1);
        assert_eq!(s.items[&note()].value, v3.value);
    }

    #[test]
    fn unreadable_timestamps_never_win() {
        let mut bad = ch(1000, "a", snooze(), Value::At { at: 1 });
        bad.hlc = "garbage".into();
        assert_eq!(decide(None, &bad), Decision::DUPLICATE);
    }

    #[test]
    fn claims_are_in_force_until_they_expire_and_never_warn_their_own_copy() {
        let claim = |node: &str, until| {
            ch(
                1000,
                node,
                ItemKey::Claim {
                    thread: "t@x".into(),
                },
                Value::Claim { since: 1, until },
            )
        };
        let cases = [
            (claim("b", 300), "a", 100, Some(("B", 1))),
            (claim("b", 300), "a", 300, None),
            (claim("a", 300), "a", 100, None),
        ];
        for (c, me, now, want) in cases {
            assert_eq!(active_claim(&c, me, now), want, "{c:?} for {me} at {now}");
        }
        let cleared = ch(
            2000,
            "b",
            ItemKey::Claim {
                thread: "t@x".into(),
            },
            Value::Clear,
        );
        assert_eq!(active_claim(&cleared, "a", 100), None);
    }
}
