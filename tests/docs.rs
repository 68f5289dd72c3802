//! `docs/` is what the Terraform Registry publishes. Most of it is generated from the provider's
//! schemas and the examples: [`generated_docs_are_up_to_date`] fails when the committed pages
//! differ from what the code would generate (`make docs` rewrites them). The hand-written guides
//! live in `docs/guides/`. Every page, generated or not, must work on the registry:
//! [`every_docs_link_works_on_the_registry`] and [`every_docs_page_is_where_the_registry_reads_it`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use tfplugin6::docs::{self, DocPage};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The generated pages. With `UPDATE_DOCS` set they are also written to `docs/`, once per test
/// run and before any test reads `docs/`.
fn generated() -> &'static [DocPage] {
    static PAGES: OnceLock<Vec<DocPage>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let provider = terraform_provider_marketo::provider();
        let pages = docs::render(provider.as_ref(), &root().join("examples"));
        if std::env::var_os("UPDATE_DOCS").is_some() {
            for page in &pages {
                let path = root().join("docs").join(&page.path);
                std::fs::create_dir_all(path.parent().expect("a docs subdirectory"))
                    .expect("mkdir");
                std::fs::write(&path, &page.content).expect("write doc page");
            }
        }
        pages
    })
}

#[test]
fn generated_docs_are_up_to_date() {
    let pages = generated();
    assert!(
        pages.len() >= 16,
        "index, 3 resources, 7 data sources, 2 ephemeral and 3 list resources"
    );
    let mut stale = Vec::new();
    for page in pages {
        let path = root().join("docs").join(&page.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(page.content.as_str()) {
            stale.push(page.path.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "docs/ is out of date for {stale:?}: run `make docs` and commit the result"
    );
}

/// Every `.md` file under `docs/`, by its path relative to `docs/` (with `/` separators).
fn docs_pages() -> BTreeMap<String, String> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("read docs directory") {
            let path = entry.expect("docs entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 file name")
                .to_string();
            if path.is_dir() {
                walk(&path, &format!("{prefix}{name}/"), out);
            } else if name.ends_with(".md") {
                let text = std::fs::read_to_string(&path).expect("read doc page");
                out.insert(format!("{prefix}{name}"), text);
            }
        }
    }
    generated();
    let mut pages = BTreeMap::new();
    walk(&root().join("docs"), "", &mut pages);
    pages
}

#[test]
fn every_docs_link_works_on_the_registry() {
    let pages = docs_pages();
    assert!(
        pages.contains_key("guides/admin-endpoints.md"),
        "{:?}",
        pages.keys()
    );
    let problems = link_problems(&pages);
    assert!(
        problems.is_empty(),
        "links in docs/ that do not work on the Terraform Registry:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_docs_page_is_where_the_registry_reads_it() {
    let mut problems = Vec::new();
    for (path, text) in docs_pages() {
        let dir = path.rsplit_once('/').map(|(d, _)| d);
        if !matches!(
            dir,
            None | Some(
                "resources"
                    | "data-sources"
                    | "ephemeral-resources"
                    | "list-resources"
                    | "guides"
                    | "functions"
            )
        ) || (dir.is_none() && path != "index.md")
        {
            problems.push(format!("{path}: the registry publishes no page from here"));
        }
        let Some(front) = text
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
            .map(|(front, _)| front)
        else {
            problems.push(format!("{path}: no YAML front matter"));
            continue;
        };
        let keys: Vec<&str> = front
            .lines()
            .filter(|l| !l.starts_with(' ') && !l.starts_with('#'))
            .filter_map(|l| l.split_once(':').map(|(k, _)| k))
            .collect();
        for key in ["layout", "sidebar_current"] {
            if keys.contains(&key) {
                problems.push(format!("{path}: `{key}` is not registry front matter"));
            }
        }
        if path == "index.md" && keys.contains(&"subcategory") {
            problems.push(format!("{path}: the index page takes no subcategory"));
        }
        if !keys.contains(&"page_title") {
            problems.push(format!("{path}: no page_title"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_link_check_catches_what_breaks_on_the_registry() {
    let page = |body: &str| format!("---\npage_title: \"x\"\n---\n\n# X\n\n{body}\n");
    let pages = BTreeMap::from([
        ("index.md".to_string(), page("[guide](guides/a)")),
        (
            "guides/a.md".to_string(),
            page(
                "## Some Heading\n\n<a id=\"here\"></a>\n[ok](#here) [ok](#some-heading) \
                 [ok](../resources/r#nestedblock--b) [ok](https://example.com/x) \
                 `[not a link](../../in-code.rs)`\n\n```terraform\n[also](not-a-link.md)\n```\n\
                 [bad](#missing) [bad](../../README.md) [bad](../../examples/x/resource.tf) \
                 [bad](../../src/lib.rs) [bad](admin.md) [bad](../resources/none) \
                 [bad](../resources/r#nestedblock--missing) [bad](https://github.com/o/r/blob/main/src/lib.rs) \
                 <a href=\"/etc\">bad</a>\n\n[ref]: ../../ARCHITECTURE.md",
            ),
        ),
        (
            "resources/r.md".to_string(),
            page("<a id=\"nestedblock--b\"></a>"),
        ),
    ]);
    let problems = link_problems(&pages);
    let flagged: Vec<&str> = problems
        .iter()
        .filter_map(|p| p.split('`').nth(1))
        .collect();
    assert_eq!(
        flagged,
        vec![
            "#missing",
            "../../README.md",
            "../../examples/x/resource.tf",
            "../../src/lib.rs",
            "admin.md",
            "../resources/none",
            "../resources/r#nestedblock--missing",
            "https://github.com/o/r/blob/main/src/lib.rs",
            "../../ARCHITECTURE.md",
            "/etc",
            "guides/a",
        ],
        "{problems:#?}"
    );
}

/// What is wrong with the links of `pages` (keyed by their path under `docs/`), one line each
/// naming the page and the target in backquotes.
///
/// On the registry a page `docs/<dir>/<name>.md` is served at `.../docs/<dir>/<name>`, so a page
/// links to another as `../<dir>/<name>` (with an optional `#anchor`), or with a full URL. The
/// index is served at `.../docs`, where relative links resolve outside the docs: it may use only
/// full URLs and anchors. Nothing may point into the repository: no `.md` or `.rs` files, no
/// `examples/`, no path leaving `docs/`, no root-relative path. Anchors must exist on the page
/// they point to, as an `<a id>` or as a heading.
fn link_problems(pages: &BTreeMap<String, String>) -> Vec<String> {
    let anchors: BTreeMap<&str, BTreeSet<String>> = pages
        .iter()
        .map(|(path, text)| (path.as_str(), anchors_of(text)))
        .collect();
    let mut problems = Vec::new();
    for (path, text) in pages {
        for target in links_of(text) {
            if let Some(why) = link_problem(path, &target, pages, &anchors) {
                problems.push(format!("docs/{path}: `{target}` {why}"));
            }
        }
    }
    problems
}

fn link_problem(
    page: &str,
    target: &str,
    pages: &BTreeMap<String, String>,
    anchors: &BTreeMap<&str, BTreeSet<String>>,
) -> Option<String> {
    let (location, fragment) = match target.split_once('#') {
        Some((l, f)) => (l, Some(f)),
        None => (target, None),
    };
    if let Some(scheme_end) = location.find("://") {
        let scheme = &location[..scheme_end];
        return if !matches!(scheme, "http" | "https") {
            Some(format!("uses the scheme {scheme}"))
        } else if location.ends_with(".rs") || location.contains("/blob/") {
            Some("points at a source file".to_string())
        } else {
            None
        };
    }
    if location.starts_with("mailto:") {
        return None;
    }
    let target_page = if location.is_empty() {
        page.to_string()
    } else if location.starts_with('/') {
        return Some("is relative to the registry's root, not to the docs".to_string());
    } else if location
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.') && last != "." && last != "..")
    {
        return Some("names a file: link to the page as `../<dir>/<name>`".to_string());
    } else if location.split('/').any(|part| part == "examples") {
        return Some("points into examples/, which the registry does not publish".to_string());
    } else if page == "index.md" {
        return Some("is relative, which on the index page resolves outside the docs".to_string());
    } else {
        // A page `<dir>/<name>.md` is served at `.../docs/<dir>/<name>`.
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for part in location.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Some("leaves docs/".to_string());
                    }
                }
                other => parts.push(other),
            }
        }
        let resolved = format!("{}.md", parts.join("/"));
        if !pages.contains_key(&resolved) {
            return Some(format!("resolves to docs/{resolved}, which does not exist"));
        }
        resolved
    };
    match fragment {
        Some(f) if !anchors[target_page.as_str()].contains(f) => {
            Some(format!("names an anchor docs/{target_page} does not have"))
        }
        _ => None,
    }
}

/// The text outside fenced code blocks, with code spans blanked (links there are not links)
/// unless `keep_code`.
fn prose(text: &str, keep_code: bool) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for (i, piece) in line.split('`').enumerate() {
            out.push_str(if i % 2 == 0 || keep_code {
                piece
            } else {
                "code"
            });
        }
        out.push('\n');
    }
    out
}

/// Every link target: `[text](target)`, `![alt](target)`, `[ref]: target` and `href="target"`.
fn links_of(text: &str) -> Vec<String> {
    let text = prose(text, false);
    let mut links = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let end = rest.find([')', '\n']).unwrap_or(rest.len());
        let target = rest[..end].split_whitespace().next().unwrap_or("");
        links.push(target.trim_matches(['<', '>']).to_string());
    }
    for line in text.lines() {
        let definition = line
            .trim_start()
            .strip_prefix('[')
            .and_then(|def| def.split_once("]:"));
        if let Some((_, target)) = definition {
            links.push(target.split_whitespace().next().unwrap_or("").to_string());
        }
    }
    for attr in ["href=\"", "src=\""] {
        let mut rest = text.as_str();
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            links.push(rest[..end].to_string());
        }
    }
    links
}

/// The anchors a page offers: `<a id>`/`<a name>` and the registry's ids of its headings.
fn anchors_of(text: &str) -> BTreeSet<String> {
    let text = prose(text, true);
    let mut anchors = BTreeSet::new();
    for attr in ["id=\"", "name=\""] {
        let mut rest = text.as_str();
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            anchors.insert(rest[..end].to_string());
        }
    }
    for line in text.lines() {
        let heading = line.trim_start_matches('#');
        if heading.len() < line.len() && heading.starts_with(' ') {
            let slug: String = heading
                .trim()
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect();
            anchors.insert(slug);
        }
    }
    anchors
}
