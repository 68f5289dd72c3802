//! The repository's prose kept true by a test: every path that README.md, ARCHITECTURE.md,
//! DECISIONS.md, CHANGELOG.md and the guides name exists, and the module rules ARCHITECTURE.md
//! writes down hold in the code (an adapter never names a resource, a check never names the
//! provider, ...).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The top-level entries a repository path starts with.
const TOP: &[&str] = &[
    "src/",
    "crates/",
    "tests/",
    "scripts/",
    "docs/",
    "examples/",
    "data/",
    "proto/",
    ".ci/",
];

/// Files at the top of the repository that prose names on their own.
const TOP_FILES: &[&str] = &[
    "README.md",
    "ARCHITECTURE.md",
    "DECISIONS.md",
    "CHANGELOG.md",
    "BENCHMARKS.md",
    "LICENSE",
    "Makefile",
    "Cargo.toml",
    "Cargo.lock",
];

/// The documents whose paths are checked: the top-level ones and the hand-written guides.
fn documents() -> Vec<PathBuf> {
    let root = root();
    let mut docs: Vec<PathBuf> = [
        "README.md",
        "ARCHITECTURE.md",
        "DECISIONS.md",
        "CHANGELOG.md",
    ]
    .iter()
    .map(|d| root.join(d))
    .collect();
    let guides = std::fs::read_dir(root.join("docs/guides")).unwrap();
    let mut guides: Vec<PathBuf> = guides
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    guides.sort();
    docs.extend(guides);
    docs
}

/// The repository paths a Markdown text names: code spans that start with a top-level folder
/// or are a top-level file, and the targets of relative links. A span with a placeholder
/// (`<type>`, `*`, `{id}`, `...`) names a pattern, not a path, and is left out.
fn named_paths(text: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 0 || span.contains(char::is_whitespace) {
            continue;
        }
        let span = span.trim_end_matches([',', '.', ':', ')']);
        let pattern = span.contains(['<', '>', '*', '{', '}', '…', '$']) || span.contains("...");
        let path = span.split(':').next().unwrap_or(span);
        let repo_path = TOP.iter().any(|t| path.starts_with(t)) || TOP_FILES.contains(&path);
        if repo_path && !pattern {
            found.push((path.to_string(), false));
        }
    }
    // Relative links: [text](target), resolved against the document's folder.
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or("");
        if !target.is_empty()
            && !target.contains("://")
            && !target.starts_with("mailto:")
            && !target.contains(['<', ' ', '*'])
        {
            found.push((target.to_string(), true));
        }
    }
    found
}

#[test]
fn every_path_the_docs_name_exists() {
    let root = root();
    let mut missing = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let here = doc.parent().unwrap();
        for (path, relative) in named_paths(&text) {
            checked += 1;
            let trimmed = path.trim_end_matches('/');
            // A registry link names a page without its `.md`.
            let exists = if relative {
                [
                    here.join(trimmed),
                    here.join(format!("{trimmed}.md")),
                    root.join(trimmed),
                ]
                .iter()
                .any(|p| p.exists())
            } else {
                root.join(trimmed).exists()
            };
            if !exists {
                let name = doc
                    .strip_prefix(&root)
                    .unwrap_or(&doc)
                    .display()
                    .to_string();
                missing.push(format!("{name}: `{path}`"));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} paths found: the scan is broken"
    );
    assert!(
        missing.is_empty(),
        "paths named but missing:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scan_finds_paths_and_skips_patterns() {
    let text = "See `src/registry.rs`, `src/resources/<type>.rs`, `docs/` and [g](guides/x.md) \
                and `make test` and `README.md`.";
    let found = named_paths(text);
    assert_eq!(
        found,
        vec![
            ("src/registry.rs".to_string(), false),
            ("docs/".to_string(), false),
            ("README.md".to_string(), false),
            ("guides/x.md".to_string(), true),
        ]
    );
}

/// Every `.rs` file under `dir` (relative to the repository), with its text less comment lines.
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    let base = root().join(dir);
    if base.is_file() {
        files.push(base);
    } else {
        walk(&base, &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let code: String = std::fs::read_to_string(&f)
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (f, code)
        })
        .collect()
}

/// The rules between the provider's modules, as ARCHITECTURE.md ("Module rules") states them:
/// the modules under `dirs` never name `forbidden`.
const RULES: &[(&[&str], &[&str], &str)] = &[
    (
        &["src/adapters.rs", "src/adapters"],
        &[
            "crate::resources",
            "crate::data_sources",
            "crate::ephemeral_resources",
            "crate::provider",
            "crate::registry",
            "crate::checks",
        ],
        "the adapters never name a resource, a data source, the provider or a Marketo rule",
    ),
    (
        &["src/checks.rs", "src/checks"],
        &[
            "crate::provider",
            "crate::registry",
            "crate::adapters",
            "crate::resources",
            "crate::data_sources",
            "crate::ephemeral_resources",
        ],
        "the checks never name the provider, an adapter, a resource or a data source",
    ),
    (
        &["src/common.rs", "src/common"],
        &[
            "crate::provider",
            "crate::registry",
            "crate::adapters",
            "crate::checks",
            "crate::resources",
            "crate::data_sources",
            "crate::ephemeral_resources",
        ],
        "common holds plain helpers: it names nothing else of the provider",
    ),
    (
        &[
            "src/resources",
            "src/data_sources",
            "src/ephemeral_resources",
        ],
        &["crate::provider", "crate::registry"],
        "resources, data sources and ephemeral resources never name the provider or the registry",
    ),
    (
        &["src/resources"],
        &["crate::data_sources", "crate::ephemeral_resources"],
        "a resource never names a data source",
    ),
    (
        &["src/data_sources", "src/ephemeral_resources"],
        &["crate::resources"],
        "a data source never names a resource",
    ),
    (
        &["crates/tfplugin6/src"],
        &["marketo"],
        "the protocol layer knows nothing of Marketo",
    ),
    (
        &["crates/marketo-client/src"],
        &["tfplugin6", "tonic", "prost", "terraform"],
        "the Marketo client knows nothing of Terraform",
    ),
];

#[test]
fn the_module_rules_hold() {
    let mut broken = Vec::new();
    for (dirs, forbidden, rule) in RULES {
        for dir in *dirs {
            for (file, code) in sources(dir) {
                for word in *forbidden {
                    let named = if word.starts_with("crate::") {
                        code.contains(word)
                    } else {
                        code.lines().any(|l| {
                            l.contains(&format!("{word}::")) || l.contains(&format!("use {word}"))
                        })
                    };
                    if named {
                        let name = file
                            .strip_prefix(root())
                            .unwrap_or(&file)
                            .display()
                            .to_string();
                        broken.push(format!("{name} names {word}: {rule}"));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let documented = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    for (_, _, rule) in RULES {
        assert!(
            documented.contains(rule),
            "ARCHITECTURE.md does not state: {rule}"
        );
    }
}
