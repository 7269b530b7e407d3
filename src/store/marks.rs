//! The SQL of the owner's conversation marks. Three writers share it — a mark set here
//! (`local`), many at once (`bulk`) and a change replayed from another machine (`shared`) — so
//! it lives below all three and none of them imports another for it.

/// Sets (or clears, with NULL) the manual answered mark of conversation ?1.
pub(super) const ANSWERED_SQL: &str =
    "UPDATE conversations SET manual_answered_at = ?2 WHERE id = ?1";
/// Snoozes conversation ?1 until ?2 (NULL: back now); a newer customer message wakes it.
pub(super) const SNOOZE_SQL: &str = "UPDATE conversations SET snoozed_until = ?2,
         snoozed_after = CASE WHEN ?2 IS NULL THEN NULL ELSE last_at END
     WHERE id = ?1";
