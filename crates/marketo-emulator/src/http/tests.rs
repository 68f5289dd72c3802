use super::request::page;
use super::*;
use crate::ops::Page;

#[test]
fn routes() {
    let p = |s: &str| format!("{PREFIX}{s}");
    assert_eq!(
        route(&Method::GET, &p("users/allusers.json")),
        Ok(Route::AllUsers)
    );
    assert_eq!(
        route(&Method::GET, &p("users/a%40b.com/user.json")),
        Ok(Route::User("a@b.com".into()))
    );
    assert_eq!(
        route(&Method::POST, &p("users/x/invite/delete.json")),
        Ok(Route::DeleteInvite("x".into()))
    );
    assert_eq!(
        route(&Method::POST, &p("users/allusers.json"))
            .err()
            .map(|e| e.code),
        Some(605)
    );
    assert_eq!(
        route(&Method::GET, &p("users//user.json"))
            .err()
            .map(|e| e.code),
        Some(610)
    );
    assert_eq!(
        route(&Method::GET, "/rest/v1/stats/usage/last7days.json").ok(),
        Some(Route::WeeklyUsage)
    );
    assert_eq!(
        route(&Method::POST, "/rest/v1/stats/errors.json")
            .err()
            .map(|e| e.code),
        Some(605)
    );
    assert!(is_rest("/rest/v1/stats/errors.json"));
    assert!(!is_rest("/rest/v1/stats/other.json"));
    assert_eq!(
        route(&Method::GET, "/rest/v1/leads.json")
            .err()
            .map(|e| e.code),
        Some(610)
    );
    assert_eq!(
        route(&Method::GET, &p("users/%zz/user.json"))
            .err()
            .map(|e| e.code),
        Some(610)
    );
}

#[test]
fn paging() {
    assert!(matches!(
        page(None),
        Ok(Page {
            offset: 0,
            size: 20
        })
    ));
    assert!(matches!(
        page(Some("pageOffset=5&pageSize=200")),
        Ok(Page {
            offset: 5,
            size: 200
        })
    ));
    for bad in ["pageSize=0", "pageSize=201", "pageOffset=-1", "pageSize=x"] {
        assert_eq!(page(Some(bad)).err().map(|e| e.code), Some(1003), "{bad}");
    }
}
