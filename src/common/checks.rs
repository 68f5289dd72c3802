//! Checks of single values that several resources and data sources share. Each answers
//! `Err(message)`; the caller turns it into a diagnostic on its own attribute path.

use chrono::{DateTime, Utc};

use crate::marketo::MarketoDateTime;

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

/// Checks an email address the way Marketo's invite endpoint does: one `@`, a local part without
/// spaces, and a domain of dot-separated labels ending in a 2-63 letter top-level domain.
pub fn email(value: &str) -> Result<(), String> {
    let bad = || {
        Err(format!(
            "\"{value}\" is not a valid email address (expected something like name@example.com)"
        ))
    };
    let Some((local, domain)) = value.rsplit_once('@') else {
        return bad();
    };
    if local.is_empty()
        || local.len() > 64
        || local.chars().any(|c| c.is_whitespace() || c == '@')
        || value.len() > 254
    {
        return bad();
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return bad();
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let tld = labels[labels.len() - 1];
    if !labels.iter().all(label_ok)
        || tld.len() < 2
        || tld.len() > 63
        || !tld.chars().all(|c| c.is_ascii_alphabetic())
    {
        return bad();
    }
    Ok(())
}

/// Checks that a text is not blank and at most `max` characters long.
pub fn text(value: &str, max: usize, required: bool) -> Result<(), String> {
    if required && value.trim().is_empty() {
        return Err("must not be empty".to_string());
    }
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

/// Checks that the RFC 3339 timestamp of attribute `attr` lies in the future.
pub fn future_timestamp(
    attr: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<MarketoDateTime, String> {
    let at = timestamp(attr, value)?;
    if at.to_utc() <= now {
        return Err(format!(
            "{attr} \"{value}\" is in the past: a user whose access has already expired cannot log in"
        ));
    }
    Ok(at)
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
        let future = |v| future_timestamp("expires_at", v, now);
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
