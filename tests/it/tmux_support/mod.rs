//! The real binary in a detached tmux session on a private server socket (never the user's
//! sessions): keys go in with send-keys, the screen comes back with capture-pane. Shared by
//! the tmux tests; each builds its own command line. Include it with `mod tmux_support;`.

#![allow(dead_code)]

use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Tmux {
    pub socket: String,
    pub session: String,
    /// capture-pane joins wrapped lines (`-J`): for prompts whose answer may wrap.
    pub join_lines: bool,
}

impl Tmux {
    /// Starts `cmd` in a `width`×`height` session named `session`, on a server named after
    /// the test and this process.
    pub fn start(test: &str, session: &str, width: u16, height: u16, cmd: &str) -> Tmux {
        let t = Tmux {
            socket: format!("shopinbox-test-{}-{test}", std::process::id()),
            session: session.to_string(),
            join_lines: false,
        };
        let (w, h) = (width.to_string(), height.to_string());
        let out = t.run(&[
            "new-session",
            "-d",
            "-s",
            &t.session,
            "-x",
            &w,
            "-y",
            &h,
            cmd,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is required for this test (scripts/test installs it)")
    }

    pub fn screen(&self) -> String {
        let mut args = vec!["capture-pane", "-p"];
        if self.join_lines {
            args.push("-J");
        }
        args.extend(["-t", &self.session]);
        String::from_utf8_lossy(&self.run(&args).stdout).into_owned()
    }

    /// Sends one key after another, pausing `pause_ms` after each (one key per draw: a person
    /// types slower than this, too). After Esc it waits longer, or the next key would arrive
    /// as part of an Alt sequence.
    pub fn keys_paced(&self, keys: &[&str], pause_ms: u64) {
        for k in keys {
            let out = self.run(&["send-keys", "-t", &self.session, k]);
            assert!(
                out.status.success(),
                "send-keys {k}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let pause = if *k == "Escape" { 400 } else { pause_ms };
            std::thread::sleep(Duration::from_millis(pause));
        }
    }

    /// Waits until the screen satisfies `ok`, returning it; fails with the last screen.
    /// Keys at the pace the suites share (80 ms between keys: the app's input thread and
    /// the terminal keep up even on a loaded machine).
    pub fn keys(&self, keys: &[&str]) {
        self.keys_paced(keys, 80)
    }

    /// [`Tmux::wait_for_secs`] with the suites' shared patience (20 s).
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_for_secs(what, 20, ok)
    }

    pub fn wait_for_secs(&self, what: &str, secs: u64, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Only this test's private server.
        let _ = self.run(&["kill-server"]);
    }
}
