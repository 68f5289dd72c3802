//! `docs/` is generated from the provider's schemas and the examples: this test fails when the
//! committed pages differ from what the code would generate. `make docs` rewrites them.

use std::path::Path;

use terraform_provider_marketo::plugin::docs;

#[test]
fn generated_docs_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let provider = terraform_provider_marketo::provider();
    let pages = docs::render(provider.as_ref(), &root.join("examples"));
    assert!(pages.len() >= 11, "index, 3 resources and 7 data sources");
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for page in &pages {
        let path = root.join("docs").join(&page.path);
        if update {
            std::fs::create_dir_all(path.parent().expect("a docs subdirectory")).expect("mkdir");
            std::fs::write(&path, &page.content).expect("write doc page");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(page.content.as_str()) {
            stale.push(page.path.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "docs/ is out of date for {stale:?}: run `make docs` and commit the result"
    );
}
