//! The things a key can do. Every variant has a stable config name (used in `[keys]`) and a
//! description (shown in the help overlay), so the help screen can never drift from the keymap.

/// A bindable command. Context decides the details: `Open` opens a conversation in the inbox
/// and edits a note in the customer panel; `Quit` leaves a sub-screen before it leaves the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Quit,
    ForceQuit,
    NextView,
    PrevView,
    ViewNeedsReply,
    ViewOverdue,
    ViewDueToday,
    ViewAnswered,
    ViewNotCustomer,
    ViewAll,
    ViewSnoozed,
    ViewOlder,
    PullIntoNeedsReply,
    Reply,
    Send,
    SendAndNext,
    EditHere,
    EditTemplate,
    NotCustomer,
    MarkAnswered,
    Snooze,
    Undo,
    Customer,
    AddNote,
    DeleteNote,
    NotDuplicate,
    NotSuspicious,
    FirstName,
    NextFocus,
    ToggleQuoted,
    OpenPager,
    OpenEditor,
    SyncNow,
    Search,
    NextHit,
    PrevHit,
    Stats,
    Outbox,
    Rules,
    Outreach,
    Help,
    Messages,
    ToggleMark,
    SelectRange,
}

impl Command {
    /// Every command, in the order the help overlay lists them.
    pub const ALL: [Command; 52] = [
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::Open,
        Command::Back,
        Command::Quit,
        Command::ForceQuit,
        Command::NextView,
        Command::PrevView,
        Command::ViewNeedsReply,
        Command::ViewOverdue,
        Command::ViewDueToday,
        Command::ViewAnswered,
        Command::ViewNotCustomer,
        Command::ViewAll,
        Command::ViewSnoozed,
        Command::ViewOlder,
        Command::PullIntoNeedsReply,
        Command::Reply,
        Command::Send,
        Command::SendAndNext,
        Command::EditHere,
        Command::EditTemplate,
        Command::NotCustomer,
        Command::MarkAnswered,
        Command::Snooze,
        Command::Undo,
        Command::Customer,
        Command::AddNote,
        Command::DeleteNote,
        Command::NotDuplicate,
        Command::NotSuspicious,
        Command::FirstName,
        Command::NextFocus,
        Command::ToggleQuoted,
        Command::OpenPager,
        Command::OpenEditor,
        Command::SyncNow,
        Command::Search,
        Command::NextHit,
        Command::PrevHit,
        Command::Stats,
        Command::Outbox,
        Command::Rules,
        Command::Outreach,
        Command::Help,
        Command::Messages,
        Command::ToggleMark,
        Command::SelectRange,
    ];

    /// The name used in the `[keys]` config table.
    pub fn name(self) -> &'static str {
        match self {
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Open => "open",
            Command::Back => "back",
            Command::Quit => "quit",
            Command::ForceQuit => "force_quit",
            Command::NextView => "next_view",
            Command::PrevView => "prev_view",
            Command::ViewNeedsReply => "view_needs_reply",
            Command::ViewOverdue => "view_overdue",
            Command::ViewDueToday => "view_due_today",
            Command::ViewAnswered => "view_answered",
            Command::ViewNotCustomer => "view_not_customer",
            Command::ViewAll => "view_all",
            Command::ViewSnoozed => "view_snoozed",
            Command::ViewOlder => "view_older",
            Command::PullIntoNeedsReply => "pull_into_needs_reply",
            Command::Reply => "reply",
            Command::Send => "send",
            Command::SendAndNext => "send_and_next",
            Command::EditHere => "edit_here",
            Command::EditTemplate => "edit_template",
            Command::NotCustomer => "not_customer",
            Command::MarkAnswered => "mark_answered",
            Command::Snooze => "snooze",
            Command::Undo => "undo",
            Command::Customer => "customer",
            Command::AddNote => "add_note",
            Command::DeleteNote => "delete_note",
            Command::NotDuplicate => "not_duplicate",
            Command::NotSuspicious => "not_suspicious",
            Command::FirstName => "first_name",
            Command::NextFocus => "next_focus",
            Command::ToggleQuoted => "toggle_quoted",
            Command::OpenPager => "open_pager",
            Command::OpenEditor => "open_editor",
            Command::SyncNow => "sync_now",
            Command::Search => "search",
            Command::NextHit => "next_hit",
            Command::PrevHit => "prev_hit",
            Command::Stats => "stats",
            Command::Outbox => "outbox",
            Command::Rules => "rules",
            Command::Outreach => "outreach",
            Command::Help => "help",
            Command::Messages => "messages",
            Command::ToggleMark => "toggle_mark",
            Command::SelectRange => "select_range",
        }
    }

    /// One line for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            Command::Up => "move up / scroll up",
            Command::Down => "move down / scroll down",
            Command::PageUp => "one page up",
            Command::PageDown => "one page down",
            Command::Top => "go to the top",
            Command::Bottom => "go to the bottom",
            Command::Open => "open conversation (edit note in the notes list)",
            Command::Back => "back to the previous screen",
            Command::Quit => "back; quit from the inbox",
            Command::ForceQuit => "quit at once",
            Command::NextView => "next view",
            Command::PrevView => "previous view",
            Command::ViewNeedsReply => "view: needs reply",
            Command::ViewOverdue => "view: overdue",
            Command::ViewDueToday => "view: due today",
            Command::ViewAnswered => "view: answered",
            Command::ViewNotCustomer => "view: not customers",
            Command::ViewAll => "view: all",
            Command::ViewSnoozed => "view: snoozed",
            Command::ViewOlder => "view: older, never answered",
            Command::PullIntoNeedsReply => "pull older mail into Needs reply",
            Command::Reply => "reply with a template",
            Command::Send => "send the reply; outbox: retry or resend",
            Command::SendAndNext => "send, then reply to the next conversation",
            Command::EditHere => "edit the reply text here (Esc stops editing)",
            Command::EditTemplate => "edit the template file (in the template list)",
            Command::NotCustomer => "mark not a customer (message/sender/domain)",
            Command::MarkAnswered => "mark answered (again: clear); outbox: sent",
            Command::Snooze => "snooze until a time",
            Command::Undo => "undo the last mark or snooze",
            Command::Customer => "customer panel",
            Command::AddNote => "add a note about the customer",
            Command::DeleteNote => "delete the note; outbox: discard the reply",
            Command::NotDuplicate => "not a duplicate: dismiss a duplicate order",
            Command::NotSuspicious => "this sender is fine: not suspicious",
            Command::FirstName => "correct the first name used in replies",
            Command::NextFocus => "switch between conversations and notes",
            Command::ToggleQuoted => "show/fold quoted text and signatures",
            Command::OpenPager => "open the raw message in $PAGER",
            Command::OpenEditor => "raw message in $EDITOR; edits the reply text",
            Command::SyncNow => "sync now",
            Command::Search => "search all mail (inbox); find on this screen",
            Command::NextHit => "next hit of the find (wraps around)",
            Command::PrevHit => "previous hit of the find",
            Command::Stats => "statistics and the morning report",
            Command::Outbox => "outbox: replies not sent yet",
            Command::Rules => "not-a-customer rules (D removes one)",
            Command::Outreach => "outreach: campaigns and their counts",
            Command::Help => "this help",
            Command::Messages => "the last status messages of this session, whole",
            Command::ToggleMark => "inbox list: mark/unmark a row; a s x u act on all",
            Command::SelectRange => "inbox list: start/end marking a range",
        }
    }

    /// Commands that only mean something on the inbox list. Their keys form a layer over the
    /// others there, so `Space` and `v` mark rows in the list (as aerc and NeoMutt do) and
    /// still page and open the pager in a conversation.
    pub fn list_only(self) -> bool {
        matches!(self, Command::ToggleMark | Command::SelectRange)
    }

    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Command::ALL {
            assert_eq!(Command::from_name(c.name()), Some(c));
            assert!(seen.insert(c.name()), "duplicate name {}", c.name());
            assert!(!c.description().is_empty());
        }
        assert_eq!(Command::from_name("nope"), None);
    }
}
