//! The demo's templates: the starter set, with the return template attaching a prepaid return
//! label (a small PDF shipped in the binary), so that the demo shows a reply with a file.

use std::path::Path;

/// The label the demo's return template attaches.
pub const RETURN_LABEL_PDF: &[u8] = include_bytes!("return-label.pdf");
/// Its file name next to the templates (the template's `attach:` line names it).
pub const RETURN_LABEL_FILE: &str = "return-label.pdf";

/// Installs the starter templates into `dir` (a fresh demo folder), then makes the return
/// template attach the label.
pub fn install(dir: &Path) -> std::io::Result<()> {
    crate::template::install_starters(dir)?;
    std::fs::write(dir.join(RETURN_LABEL_FILE), RETURN_LABEL_PDF)?;
    let edits = [
        (
            "return-label.txt",
            "Our shipping provider will email you a prepaid return label within the hour.",
            "Your prepaid return label is attached to this mail.",
        ),
        (
            "return-label.de.txt",
            "Unser Versanddienst schickt Ihnen innerhalb einer Stunde ein vorfrankiertes Rücksendeetikett per E-Mail.",
            "Ihr vorfrankiertes Rücksendeetikett hängt an dieser E-Mail.",
        ),
    ];
    for (file, from, to) in edits {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)?;
        let text = format!("attach: {RETURN_LABEL_FILE}\n{}", text.replace(from, to));
        std::fs::write(path, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_return_template_attaches_the_label() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("templates");
        install(&t).unwrap();
        let (templates, errors) = crate::template::load_templates(&t);
        assert!(errors.is_empty(), "{errors:?}");
        let ret = templates
            .iter()
            .find(|t| t.slug() == "return-label")
            .unwrap();
        assert_eq!(ret.attach, [RETURN_LABEL_FILE]);
        let files = crate::send::flow::template_attachments(ret).unwrap();
        assert_eq!(files[0].mime, "application/pdf");
        assert_eq!(files[0].bytes.as_slice(), RETURN_LABEL_PDF);
    }

    #[test]
    fn a_missing_attach_file_is_one_clear_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("label.txt");
        let t = crate::template::Template::parse(
            &path,
            "name: Label\nattach: ~/shop/no-such-label.pdf\n\nHi",
        )
        .unwrap();
        let e = crate::send::flow::template_attachments(&t)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "the template \"Label\" attaches \"~/shop/no-such-label.pdf\", but there is no such \
             file; fix its attach: line or restore the file"
        );
        // A relative path starts at the template's folder.
        std::fs::write(dir.path().join("here.pdf"), b"%PDF-1.4\n").unwrap();
        let t = crate::template::Template::parse(&path, "attach: here.pdf\n\nHi").unwrap();
        let files = crate::send::flow::template_attachments(&t).unwrap();
        assert_eq!(files[0].name, "here.pdf");
    }
}
