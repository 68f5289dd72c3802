//! Checks of single values that several resources and data sources share. Each answers
//! `Err(message)`; the caller turns it into a diagnostic on its own attribute path.

use chrono::{DateTime, Utc};

use marketo_client::MarketoDateTime;
use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Diagnostic, Diagnostics};

/// The Access API permission names a role can grant an API-only user (API-NOTES.md §3.3).
const PERMISSIONS_FILE: &str = include_str!("../../data/access-api-permissions.txt");

/// Access API permission names, in the file's (sorted) order.
pub fn access_api_permissions() -> impl Iterator<Item = &'static str> {
    PERMISSIONS_FILE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The Access Admin permission names a role can grant because a published API operation needs
/// them: "Access Users", which every User Management operation requires (DECISIONS.md).
const ADMIN_PERMISSIONS_FILE: &str = include_str!("../../data/access-admin-permissions.txt");

/// The group Marketo's Admin UI files the Access API permissions under.
pub const ACCESS_API: &str = "Access API";
/// The group of "Access Users" and the other admin permissions.
pub const ACCESS_ADMIN: &str = "Access Admin";

/// Access Admin permission names a role may grant, in the file's order.
pub fn access_admin_permissions() -> impl Iterator<Item = &'static str> {
    ADMIN_PERMISSIONS_FILE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Every permission name a role may grant, both groups, sorted.
pub fn grantable_permissions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = access_api_permissions()
        .chain(access_admin_permissions())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// The group a permission name belongs to. Names the provider does not know (an instance may list
/// more) are taken to be Access API permissions, the only group an instance's list holds besides
/// the admin names above.
pub fn permission_group(name: &str) -> &'static str {
    if access_admin_permissions().any(|p| p == name) {
        ACCESS_ADMIN
    } else {
        ACCESS_API
    }
}

/// Permissions of Marketo's Access Admin group and other UI-only groups that people reach for by
/// mistake: no API operation needs them, and they grant an API-only user nothing.
const NON_API_PERMISSIONS: &[&str] = &[
    "Access Admin",
    "Access Roles",
    "Access Event Partners",
    "Access Integration",
    "Access Web Services",
    "Access Analytics",
    "Access Marketing Activities",
    "Access Design Studio",
    "Access Database",
    "Access Lead Database",
];

/// Checks one permission name, suggesting the closest valid one when it is unknown.
pub fn permission(name: &str) -> Result<(), String> {
    plain(name).map_err(|e| format!("The permission name {e}"))?;
    let valid = grantable_permissions();
    if valid.contains(&name) {
        return Ok(());
    }
    if NON_API_PERMISSIONS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(name))
    {
        return Err(format!(
            "\"{name}\" is not an Access API permission. Only permissions of the \"Access API\" group \
             apply to API-only users, with \"Access Users\" of the Access Admin group, which the \
             User Management API needs; other admin and UI permissions grant them nothing. The valid \
             names are listed by the marketo_permissions data source."
        ));
    }
    match closest(name, valid.iter().copied()) {
        Some(best) => Err(format!(
            "\"{name}\" is not an Access API permission. Did you mean \"{best}\"?"
        )),
        None => Err(format!(
            "\"{name}\" is not an Access API permission. Valid names: {}.",
            valid.join(", ")
        )),
    }
}

/// Characters no name, description, reason or id may hold: every C0 control (NUL, BEL, TAB,
/// newline, ESC...), DEL, every C1 control, and the Unicode bidirectional overrides and isolates
/// (U+202A-U+202E, U+2066-U+2069), which make a text display differently from what it is.
pub fn forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `value` safe to show in a diagnostic or a terminal: every [`forbidden_char`] is written as its
/// escape (`\u{1b}`), backslashes are left as they are.
pub fn escaped(value: &str) -> String {
    marketo_client::escape_controls(value).into_owned()
}

/// Refuses a text holding a control character or a bidirectional override, naming the first
/// (by its code point and position: the character itself would not show, or would garble the
/// message).
pub fn plain(value: &str) -> Result<(), String> {
    match value.chars().enumerate().find(|(_, c)| forbidden_char(*c)) {
        None => Ok(()),
        Some((at, c)) => {
            let what = if c.is_control() {
                "a control character"
            } else {
                "a Unicode bidirectional override"
            };
            Err(format!(
                "must not contain {what}: U+{:04X} at character {} of \"{}\" (control characters \
                 and bidirectional overrides/isolates are refused: they garble Marketo's Admin UI, \
                 its exports and terminals)",
                u32::from(c),
                at + 1,
                escaped(value)
            ))
        }
    }
}

/// RFC 5322 `atext`: the characters of a dot-atom local part besides letters and digits.
const ATEXT: &str = "!#$%&'*+-/=?^_`{|}~";

/// Checks an email address the way Marketo's invite endpoint does: a dot-atom local part (letters,
/// digits and `!#$%&'*+-/=?^_`{|}~`, dots only between them: none leading or trailing, no `..`; no
/// spaces, quotes, `<`, `>` or other specials) of at most 64 characters, one `@`, and a domain of
/// dot-separated labels ending in a 2-63 letter top-level domain.
pub fn email(value: &str) -> Result<(), String> {
    plain(value)?;
    let bad = |why: &str| {
        Err(format!(
            "\"{value}\" is not a valid email address: {why} (expected something like \
             name@example.com)"
        ))
    };
    let Some((local, domain)) = value.rsplit_once('@') else {
        return bad("it has no @");
    };
    if value.len() > 254 {
        return bad("it is longer than 254 characters");
    }
    if local.is_empty() || local.len() > 64 {
        return bad("the part before the @ must be 1 to 64 characters");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return bad(
            "the part before the @ must not start or end with a dot, nor hold two in a row",
        );
    }
    if let Some(c) = local
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '.' || ATEXT.contains(*c)))
    {
        return bad(&format!(
            "the part before the @ must not contain '{c}' (only letters, digits, dots and \
             {ATEXT})"
        ));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return bad("the domain needs a dot");
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let tld = labels[labels.len() - 1];
    if !labels.iter().all(label_ok)
        || tld.len() < 2
        || tld.len() > 63
        || !tld.chars().all(|c| c.is_ascii_alphabetic())
    {
        return bad("the domain is not a valid host name");
    }
    Ok(())
}

/// Checks the userid of an API-only user as Marketo applies it: an email-shaped id (the email
/// address on Marketo Identity instances, `<uuid>@adobe.com` on Adobe Identity ones).
pub fn userid(value: &str) -> Result<(), String> {
    plain(value)?;
    email(value).map_err(|_| {
        format!(
            "\"{value}\" is not a valid userid: Marketo requires an API-only user's userid to be \
             email-shaped, such as name@example.com (Marketo Identity) or <uuid>@adobe.com (Adobe \
             Identity); omit `userid` to use the email address"
        )
    })
}

/// Checks that a text is not blank and at most `max` characters long.
pub fn text(value: &str, max: usize, required: bool) -> Result<(), String> {
    if required && value.trim().is_empty() {
        return Err("must not be empty".to_string());
    }
    plain(value)?;
    let len = value.chars().count();
    if len > max {
        return Err(format!(
            "must be at most {max} characters long (it is {len})"
        ));
    }
    Ok(())
}

/// Parses the RFC 3339 timestamp of attribute `attr` (`2027-01-31T23:59:59Z`,
/// `2027-01-31T23:59:59.250-05:00`) with `marketo-date`'s configuration grammar: at most
/// milliseconds, which Marketo keeps, and no leap second, which Marketo refuses.
pub fn timestamp(attr: &str, value: &str) -> Result<MarketoDateTime, String> {
    MarketoDateTime::parse_config(value).map_err(|e| format!("{attr} {e}"))
}

/// Checks that `at`, the instant the text `value` of attribute `attr` names, lies after `now`.
pub fn not_past(
    attr: &str,
    value: &str,
    at: &MarketoDateTime,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if at.to_utc() <= now {
        return Err(format!(
            "{attr} \"{value}\" is in the past: a user whose access has already expired cannot log in"
        ));
    }
    Ok(())
}

/// The valid choice closest to `given` among `options`, when one is close enough to suggest.
pub fn closest<'a>(given: &str, options: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    options
        .into_iter()
        .map(|o| {
            (
                strsim::jaro_winkler(&o.to_lowercase(), &given.to_lowercase()),
                o,
            )
        })
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o)
}

/// Longest role or service description Marketo accepts.
pub const MAX_DESCRIPTION: usize = 255;

/// Checks an optional description: absent, or 1..=255 characters. An empty string is refused so
/// that "no description" has one spelling (Marketo reads back both `""` and null as none).
pub fn check_description(diags: &mut Diagnostics, value: &Attr<String>, path: AttributePath) {
    let Some(text) = value.as_str() else {
        return;
    };
    if text.is_empty() {
        diags.push(
            Diagnostic::error(
                "Empty description",
                "An empty description is the same as none in Marketo, which reads it back as \
                 unset. Omit the `description` attribute (or set it to null) instead of \"\".",
            )
            .at(path),
        );
        return;
    }
    check_at(
        diags,
        path,
        "Invalid description",
        self::text(text, MAX_DESCRIPTION, false).map_err(|e| format!("The description {e}.")),
    );
}

/// Checks a required name of at most `max` characters, if known.
pub fn check_name_text(
    diags: &mut Diagnostics,
    value: &Attr<String>,
    path: AttributePath,
    what: &str,
    max: usize,
) {
    if let Some(text) = value.as_str() {
        check_at(
            diags,
            path,
            &format!("Invalid {what}"),
            self::text(text, max, true).map_err(|e| format!("The {what} {e}.")),
        );
    }
}

/// Adds `diag` at `path` for a failed check, returning whether it passed.
pub fn check_at(
    diags: &mut Diagnostics,
    path: AttributePath,
    summary: &str,
    result: Result<(), String>,
) -> bool {
    match result {
        Ok(()) => true,
        Err(detail) => {
            diags.push(Diagnostic::error(summary, detail).at(path));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn permission_list_is_loaded_and_sorted() {
        let all: Vec<_> = access_api_permissions().collect();
        assert_eq!(all.len(), 35);
        let mut sorted = all.clone();
        sorted.sort_unstable();
        assert_eq!(all, sorted);
        assert!(all.contains(&"Access User Management Api"));
    }

    #[test]
    fn unknown_permission_suggests_the_closest() {
        assert!(permission("Read-Write Lead").is_ok());
        let err = permission("Read-Write Leads").unwrap_err();
        assert!(err.contains("Did you mean \"Read-Write Lead\""), "{err}");
        let err = permission("read only activity").unwrap_err();
        assert!(err.contains("\"Read-Only Activity\""), "{err}");
    }

    #[test]
    fn admin_permissions_are_refused_with_the_reason() {
        for name in ["Access Roles", "Access Event Partners", "access admin"] {
            let err = permission(name).unwrap_err();
            assert!(err.contains("grant them nothing"), "{err}");
        }
    }

    /// Issue 10: User Management needs "Access Users" of the Access Admin group.
    #[test]
    fn access_users_is_grantable_and_grouped() {
        assert!(permission("Access Users").is_ok());
        assert_eq!(permission_group("Access Users"), ACCESS_ADMIN);
        assert_eq!(permission_group("Read-Write Lead"), ACCESS_API);
        let all = grantable_permissions();
        assert_eq!(all.len(), 36);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        let err = permission("Access User").unwrap_err();
        assert!(err.contains("Did you mean \"Access Users\""), "{err}");
    }

    #[test]
    fn far_off_permission_lists_every_name() {
        let err = permission("zzz").unwrap_err();
        assert!(
            err.contains("Valid names: Access User Management Api"),
            "{err}"
        );
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.com",
            "x_y@ex-ample.org",
        ] {
            assert!(email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "plain",
            "a@b",
            "a@b.c",
            "a b@c.com",
            "@c.com",
            "a@-c.com",
            "a@c..com",
            "a@c.c0m",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    /// Issue 12: dot-atom local parts, as Marketo checks them.
    #[test]
    fn emails_have_a_dot_atom_local_part() {
        for ok in ["o'brien@example.com", "a!b#c@x.io", "x.y.z@example.co"] {
            assert!(email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a..b@c.com",
            ".a@c.com",
            "a.@c.com",
            "<script>@x.com",
            "\"q\"@x.com",
            "a(b)@x.com",
            "a,b@x.com",
            "é@x.com",
            "a@x-.com",
        ] {
            let err = email(bad).unwrap_err();
            assert!(err.contains("not a valid email address"), "{bad}: {err}");
        }
        assert!(email("a..b@c.com").unwrap_err().contains("two in a row"));
        assert!(email("<script>@x.com").unwrap_err().contains("'<'"));
    }

    #[test]
    fn userids_are_email_shaped() {
        assert!(userid("bot@example.com").is_ok());
        assert!(userid("0f8e6c1a-1111-2222-3333-444455556666@adobe.com").is_ok());
        for bad in ["bob", "", "has space@x.com", "a..b@x.com"] {
            let err = userid(bad).unwrap_err();
            assert!(err.contains("email-shaped"), "{bad}: {err}");
        }
    }

    /// Issue 12: control characters and bidi overrides, named by code point, never shown raw.
    #[test]
    fn control_characters_and_bidi_overrides_are_refused() {
        for (bad, code) in [
            ("a\u{0}b", "U+0000"),
            ("bell\u{7}", "U+0007"),
            ("two\nlines", "U+000A"),
            ("tab\there", "U+0009"),
            ("\u{1b}[31mred", "U+001B"),
            ("del\u{7f}", "U+007F"),
            ("c1\u{85}", "U+0085"),
            ("c1\u{9b}", "U+009B"),
            ("evil\u{202e}txt", "U+202E"),
            ("lre\u{202a}", "U+202A"),
            ("iso\u{2066}x\u{2069}", "U+2066"),
            ("pdi\u{2069}", "U+2069"),
        ] {
            let err = text(bad, 255, true).unwrap_err();
            assert!(err.contains(code), "{bad:?}: {err}");
            assert!(!err.chars().any(forbidden_char), "shown raw: {err:?}");
            assert!(email(&format!("{bad}@x.com")).is_err());
        }
        assert!(text("Ünïcödé — ok ✓ 日本", 255, true).is_ok());
        assert!(text("zero\u{200b}width", 255, true).is_ok());
        assert_eq!(escaped("a\u{1b}b"), "a\\u{1b}b");
    }

    #[test]
    fn texts() {
        assert!(text("", 10, false).is_ok());
        assert_eq!(text("  ", 10, true).unwrap_err(), "must not be empty");
        assert!(text("ééééé", 5, true).is_ok());
        assert!(text("123456", 5, true).unwrap_err().contains("at most 5"));
    }

    #[test]
    fn timestamps() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap();
        let future = |v| not_past("expires_at", v, &timestamp("expires_at", v)?, now);
        assert!(future("2027-01-31T23:59:59Z").is_ok());
        assert!(future("2027-01-31T23:59:59-05:00").is_ok());
        assert!(
            future("2020-01-01T00:00:00Z")
                .unwrap_err()
                .contains("in the past")
        );
        let err = timestamp("expires_at", "2027-01-31").unwrap_err();
        assert!(err.starts_with("expires_at \"2027-01-31\""), "{err}");
        assert!(err.contains("RFC 3339"), "{err}");
    }

    /// Issue 9: what Marketo cannot keep is refused at validate, naming the attribute.
    #[test]
    fn timestamps_finer_than_marketo_keeps_are_refused() {
        let at = timestamp("expires_at", "2031-03-04T05:06:07.250Z").unwrap();
        assert_eq!(at.to_iso8601(), "2031-03-04T05:06:07.250+00:00");

        let err = timestamp("expires_at", "2031-03-04T05:06:07.2501Z").unwrap_err();
        assert_eq!(
            err,
            "expires_at \"2031-03-04T05:06:07.2501Z\" has 4 fractional digits, but Marketo keeps \
             milliseconds and would silently drop the rest: write at most 3 digits, such as \
             \"2031-03-04T05:06:07.250Z\""
        );

        // Issue 12: any leap second, at validate, with the attribute named.
        let err = timestamp("expires_at", "2030-06-30T23:59:60Z").unwrap_err();
        assert!(
            err.starts_with("expires_at \"2030-06-30T23:59:60Z\""),
            "{err}"
        );
        assert!(err.contains("leap second (:60)"), "{err}");

        let err = timestamp("expires_at", "2031-12-31T23:59:60Z").unwrap_err();
        assert!(
            err.starts_with("expires_at \"2031-12-31T23:59:60Z\""),
            "{err}"
        );
        assert!(err.contains("leap second (:60)"), "{err}");
        assert!(err.contains("Marketo does not accept"), "{err}");
    }

    #[test]
    fn closest_choice() {
        assert_eq!(closest("Defualt", ["AllZones", "Default"]), Some("Default"));
        assert_eq!(closest("qqq", ["AllZones", "Default"]), None);
    }
}
