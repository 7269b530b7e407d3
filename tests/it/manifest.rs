//! The manifest keeps platform sections for what is platform-specific (issue 25): a general
//! crate under `[target.'cfg(unix)'.dependencies]` silently breaks the Windows build that the
//! keyring sections promise.

use std::process::Command;

/// Crates that are platform-specific on purpose, with the reason.
const PLATFORM_ONLY: &[(&str, &str)] = &[
    ("rustix", "umask and process calls (Unix only)"),
    ("signal-hook", "SIGHUP/SIGTERM handling (Unix only)"),
    ("keyring", "one native backend per OS"),
];

#[test]
fn target_sections_hold_only_platform_specific_crates() {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let package = meta["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "shopinbox"))
        .expect("the shopinbox package");
    let deps = package["dependencies"].as_array().expect("dependencies");
    let mut targeted = Vec::new();
    for d in deps {
        if d["target"].is_null() || d["kind"] == "dev" {
            continue;
        }
        let name = d["name"].as_str().unwrap_or_default().to_string();
        assert!(
            PLATFORM_ONLY.iter().any(|(n, _)| *n == name),
            "{name} is under [target.{}.dependencies] but is not platform-specific: move it to [dependencies]",
            d["target"]
        );
        targeted.push(name);
    }
    // The check is not vacuous: the known platform crates are found in target sections.
    for (name, _) in PLATFORM_ONLY {
        assert!(targeted.iter().any(|t| t == name), "{name} not found");
    }
    // And the unmaintained PEM crate stays out (RUSTSEC-2025-0134).
    assert!(!deps.iter().any(|d| d["name"] == "rustls-pemfile"));
}
