use super::checks::check_config;
use super::model::Expiry;
use super::*;
use crate::common::assignments_attr;
use chrono::TimeZone;
use chrono::{DateTime, Utc};
use marketo_client::MarketoDateTime;
use tfplugin6::Value;
use tfplugin6::model;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap()
}

fn config(pairs: Vec<(&str, Value)>) -> UserModel {
    let mut v = Value::object([
        ("id", Value::Null),
        ("userid", Value::Null),
        ("expires_at", Value::Null),
        ("reason", Value::Null),
        ("marketo_id", Value::Null),
        ("status", Value::Null),
        ("api_only", Value::Null),
        ("locked", Value::Null),
        ("email", Value::string("a@example.com")),
        ("first_name", Value::string("A")),
        ("last_name", Value::string("B")),
        (
            "role_assignment",
            model::to_value(&assignments_attr([RoleWorkspace {
                access_role_id: 101,
                workspace_id: 0,
            }]))
            .unwrap(),
        ),
    ]);
    for (k, val) in pairs {
        v.set_attr(k, val);
    }
    model::from_value(&v).unwrap()
}

fn paths(d: &Diagnostics) -> Vec<String> {
    d.iter()
        .map(|d| {
            d.attribute
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn schema_is_accepted() {
    assert!(!schema().check().has_errors());
}

#[test]
fn good_config_passes() {
    assert!(check_config(&config(vec![]), true, now()).is_empty());
}

#[test]
fn bad_values_are_reported_at_their_attribute() {
    let d = check_config(
        &config(vec![
            ("email", Value::string("not-an-email")),
            ("first_name", Value::string(" ")),
            ("last_name", Value::string("x".repeat(256))),
            ("expires_at", Value::string("2020-01-01T00:00:00Z")),
            ("userid", Value::string("has space")),
        ]),
        true,
        now(),
    );
    let p = paths(&d);
    for want in ["email", "first_name", "last_name", "expires_at", "userid"] {
        assert!(p.iter().any(|x| x.contains(want)), "{want} not in {p:?}");
    }
}

#[test]
fn past_expiry_only_matters_when_it_changes() {
    let c = config(vec![("expires_at", Value::string("2020-01-01T00:00:00Z"))]);
    assert!(check_config(&c, false, now()).is_empty());
    assert!(check_config(&c, true, now()).has_errors());
}

#[test]
fn unknown_values_are_not_judged() {
    let c = config(vec![
        ("email", Value::Unknown),
        ("expires_at", Value::Unknown),
        (
            "role_assignment",
            Value::set_of([Value::object([
                ("role_id", Value::Unknown),
                ("workspace_id", Value::int(0)),
            ])]),
        ),
    ]);
    assert!(check_config(&c, true, now()).is_empty());
}

#[test]
fn negative_role_ids_are_refused() {
    let c = config(vec![(
        "role_assignment",
        Value::set_of([Value::object([
            ("role_id", Value::int(-1)),
            ("workspace_id", Value::int(0)),
        ])]),
    )]);
    assert!(
        paths(&check_config(&c, true, now()))
            .iter()
            .any(|p| p.contains("role_assignment"))
    );
}

#[test]
fn expiry_keeps_the_configured_spelling_of_the_same_instant() {
    let remote = MarketoDateTime::parse("2027-01-01T05:00:00.000t+0000").unwrap();
    let known = |t: &str| Attr::Known(Expiry::new(t));
    let prior = known("2027-01-01T00:00:00-05:00");
    assert_eq!(Expiry::for_state(Some(&remote), &prior), prior);
    let other = known("2027-06-01T00:00:00Z");
    assert_eq!(
        Expiry::for_state(Some(&remote), &other),
        known("2027-01-01T05:00:00Z")
    );
    assert!(Expiry::for_state(None, &prior).is_null());
    // Issue 9: milliseconds count, both ways.
    let remote = MarketoDateTime::parse("2031-03-04T05:06:07.250t+0000").unwrap();
    let configured = known("2031-03-04T05:06:07.25Z");
    assert_eq!(Expiry::for_state(Some(&remote), &configured), configured);
    let whole = known("2031-03-04T05:06:07Z");
    assert_eq!(
        Expiry::for_state(Some(&remote), &whole),
        known("2031-03-04T05:06:07.250Z")
    );
}

#[test]
fn expiry_finer_than_marketo_keeps_is_refused_at_validate() {
    for (text, says) in [
        ("2031-03-04T05:06:07.2501Z", "Marketo keeps milliseconds"),
        (
            "2031-12-31T23:59:60Z",
            "leap second (:60), which Marketo does not accept",
        ),
    ] {
        let c = config(vec![("expires_at", Value::string(text))]);
        for check_future in [false, true] {
            let d = check_config(&c, check_future, now());
            assert_eq!(paths(&d), vec!["expires_at".to_string()], "{text}");
            let diag = d.iter().next().expect("one diagnostic");
            assert_eq!(diag.summary, "Invalid expires_at");
            let detail = &diag.detail;
            assert!(
                detail.starts_with(&format!("expires_at \"{text}\"")),
                "{detail}"
            );
            assert!(detail.contains(says), "{detail}");
        }
    }
}

#[test]
fn assignment_sets_round_trip() {
    let pairs = [
        RoleWorkspace {
            access_role_id: 2,
            workspace_id: 1,
        },
        RoleWorkspace {
            access_role_id: 101,
            workspace_id: 0,
        },
    ];
    let value = model::to_value(&assignments_attr(pairs)).unwrap();
    assert_eq!(value.as_slice().map(<[Value]>::len), Some(2));
    let v = config(vec![("role_assignment", value)]);
    assert_eq!(assignments(&v), pairs.into_iter().collect());
}

/// Issue 12: an invalid id names its nested path, never Rust debug text.
#[test]
fn invalid_ids_name_their_nested_path() {
    let assignment = |role: Value, ws: Value| {
        Value::set_of([Value::object([("role_id", role), ("workspace_id", ws)])])
    };
    for (role, ws, path, shown) in [
        (
            Value::int(-1),
            Value::int(0),
            "role_assignment[0].role_id",
            "-1",
        ),
        (
            Value::int(2),
            Value::float(1.5),
            "role_assignment[0].workspace_id",
            "1.5",
        ),
        (
            Value::int(2),
            Value::int(4_294_967_296_i64),
            "role_assignment[0].workspace_id",
            "4294967296",
        ),
    ] {
        let d = check_config(
            &config(vec![("role_assignment", assignment(role, ws))]),
            false,
            now(),
        );
        assert_eq!(d.len(), 1, "{d}");
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, format!("Invalid {path}"));
        assert!(
            d.detail.contains(&format!("`{path}` is {shown}:")),
            "{}",
            d.detail
        );
        assert!(!d.detail.contains("Number("), "{}", d.detail);
        assert_eq!(d.attribute, Some(AttributePath::root("role_assignment")));
    }
}

/// Issue 12: a userid is email-shaped; names refuse control characters.
#[test]
fn userids_and_names_are_checked_as_marketo_does() {
    let d = check_config(
        &config(vec![("userid", Value::string("bob"))]),
        false,
        now(),
    );
    assert_eq!(paths(&d), vec!["userid"], "{d}");
    assert!(d.to_string().contains("email-shaped"), "{d}");
    let d = check_config(
        &config(vec![
            ("first_name", Value::string("Bo\u{7}b")),
            ("last_name", Value::string("x\u{202e}y")),
            ("reason", Value::string("line\nbreak")),
            ("email", Value::string("a..b@c.com")),
        ]),
        false,
        now(),
    );
    assert_eq!(
        paths(&d),
        vec!["email", "first_name", "last_name", "reason"],
        "{d}"
    );
}
