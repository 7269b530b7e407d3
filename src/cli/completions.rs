//! Shell completions and the manual page, generated from the same clap definition that parses
//! the command line, so they can never list a command or flag the binary does not have.

use super::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;

/// Writes the completion script for `shell` (bash, zsh, fish, …).
pub(super) fn write_completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "shopinbox", &mut buf);
    out.write_all(&buf)
        .context("could not write the completion script to standard output")
}

/// Writes `shopinbox(1)` in roff, with one section per command.
pub(super) fn write_man_page(out: &mut dyn Write) -> Result<()> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .context("could not render the manual page")?;
    // clap_mangen renders one command; the subcommands follow as sections of the same page so
    // that `man shopinbox` shows every command's options in one place.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name().to_string();
        let man = clap_mangen::Man::new(sub.clone().name(format!("shopinbox {name}")));
        let (mut part, mut opts) = (Vec::new(), Vec::new());
        man.render_description_section(&mut part)
            .and_then(|()| man.render_options_section(&mut opts))
            .context("could not render the manual page")?;
        writeln!(buf, ".SH \"COMMAND: {}\"", name.to_uppercase())?;
        buf.extend(strip_heading(&part));
        buf.extend(strip_heading(&opts));
    }
    out.write_all(&buf)
        .context("could not write the manual page to standard output")
}

/// Drops the `.SH` line a section render starts with (the command's own heading replaces it).
fn strip_heading(roff: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(roff);
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with(".SH ") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completion(shell: clap_complete::Shell) -> String {
        let mut out = Vec::new();
        write_completions(shell, &mut out).expect("completions");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn completions_name_every_command_in_each_shell() {
        let commands: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        assert!(commands.len() > 10, "{commands:?}");
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let script = completion(shell);
            for c in &commands {
                assert!(script.contains(c.as_str()), "{shell:?} lacks {c}");
            }
        }
        assert!(completion(clap_complete::Shell::Bash).contains("complete -F"));
        assert!(completion(clap_complete::Shell::Zsh).starts_with("#compdef shopinbox"));
        assert!(completion(clap_complete::Shell::Fish).contains("complete -c shopinbox"));
    }

    #[test]
    fn man_page_has_every_command_and_its_options() {
        let mut out = Vec::new();
        write_man_page(&mut out).expect("man");
        let page = String::from_utf8(out).expect("utf-8");
        assert!(
            page.starts_with(".ie") || page.contains(".TH shopinbox"),
            "{page:.200}"
        );
        assert!(page.contains(".TH shopinbox 1"));
        for c in Cli::command().get_subcommands() {
            let heading = format!(".SH \"COMMAND: {}\"", c.get_name().to_uppercase());
            assert!(page.contains(&heading), "missing {heading}");
        }
        // A flag of a subcommand appears in its section.
        assert!(page.contains("\\-\\-json"), "the list command's --json");
    }
}
