//! The twelve User Management operations and their errors.

use marketo_emulator::Config;
use serde_json::{Value, json};

use crate::common::{Emu, UM, emu, start};

fn std_user() -> Value {
    json!([{"accessRoleId": 2, "workspaceId": 1}])
}

async fn invite_body(e: &Emu, body: Value) -> crate::common::Resp {
    e.post(&format!("{UM}/users/invite.json"), body).await
}

#[tokio::test]
async fn api_only_users_are_active_at_once() {
    let e = emu().await;
    let r = e.invite("robot@example.com", true, std_user()).await;
    assert_eq!((r.status, r.text.as_str()), (200, "true"));
    let u = e
        .get(&format!("{UM}/users/robot@example.com/user.json"))
        .await;
    let u = u.ok();
    assert_eq!(
        u["userid"], "robot@example.com",
        "userid defaults to the email"
    );
    assert_eq!(u["apiOnly"], true);
    assert_eq!(u["expiresAt"], Value::Null);
    assert_eq!(u["lastLoginAt"], Value::Null);
    assert_eq!(
        u["userRoleWorkspaces"],
        json!([{"accessRoleId": 2, "accessRoleName": "Standard User", "workspaceId": 1, "workspaceName": "Default"}])
    );
    e.get(&format!("{UM}/users/robot@example.com/invite.json"))
        .await
        .err(404, 1013);
    // Lookups ignore case.
    e.get(&format!("{UM}/users/ROBOT@example.com/user.json"))
        .await
        .ok();
    e.handle.shutdown().await;
}

#[tokio::test]
async fn invitations_stay_pending_until_accepted() {
    let e = emu().await;
    e.invite("human@example.com", false, std_user()).await.ok();
    e.invite("other@example.com", false, std_user()).await.ok();
    e.get(&format!("{UM}/users/human@example.com/user.json"))
        .await
        .err(404, 1013);
    let inv = e
        .get(&format!("{UM}/users/human@example.com/invite.json"))
        .await;
    let inv = inv.ok();
    assert_eq!(inv["status"], "pending");
    assert_eq!(inv["userid"], "human@example.com");
    assert!(inv["subscriptionId"].is_string());
    let all = e.get(&format!("{UM}/users/allusers.json")).await;
    let ids: Vec<&str> = all
        .ok()
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["userid"].as_str())
        .collect();
    assert!(
        !ids.contains(&"human@example.com"),
        "allusers excludes pending invitations"
    );
    // Pending records cannot be edited.
    e.post(
        &format!("{UM}/users/human@example.com/update.json"),
        json!({"firstName": "X"}),
    )
    .await
    .err(400, 709);
    e.post(
        &format!("{UM}/users/human@example.com/delete.json"),
        json!(null),
    )
    .await
    .err(400, 709);
    e.post(
        &format!("{UM}/users/human@example.com/roles/create.json"),
        std_user(),
    )
    .await
    .err(400, 709);
    // Their roles can be read.
    let roles = e
        .get(&format!("{UM}/users/human@example.com/roles.json"))
        .await;
    assert_eq!(roles.ok().as_array().map(Vec::len), Some(1));
    let snap = e.handle.snapshot();
    assert_eq!(snap.invites.len(), 2);
    // Accept through the HTTP control and through the handle.
    let acc = e
        .send(
            "POST",
            "/_emulator/users/human@example.com/accept.json",
            None,
            None,
            None,
        )
        .await;
    assert_eq!(acc.text, "true");
    e.send(
        "POST",
        "/_emulator/users/human@example.com/accept.json",
        None,
        None,
        None,
    )
    .await
    .err(404, 1013);
    e.handle.accept_invite("other@example.com").ok();
    assert!(e.handle.accept_invite("other@example.com").is_err());
    e.get(&format!("{UM}/users/human@example.com/user.json"))
        .await
        .ok();
    e.get(&format!("{UM}/users/human@example.com/invite.json"))
        .await
        .err(404, 1013);
    let snap = e.handle.snapshot();
    assert!(snap.invites.is_empty());
    assert_eq!(snap.users.len(), 3);
    // The state control shows the same snapshot.
    let state = e
        .send("GET", "/_emulator/state.json", None, None, None)
        .await;
    assert_eq!(state.ok()["users"].as_array().map(Vec::len), Some(3));
    e.handle.shutdown().await;
}

#[tokio::test]
async fn invite_errors_are_distinct() {
    let e = emu().await;
    let base = json!({"emailAddress": "x@example.com", "firstName": "F", "lastName": "L",
        "userRoleWorkspaces": [{"accessRoleId": 2, "workspaceId": 1}]});
    for field in [
        "emailAddress",
        "firstName",
        "lastName",
        "userRoleWorkspaces",
    ] {
        let mut b = base.clone();
        b.as_object_mut().map(|o| o.remove(field));
        let r = invite_body(&e, b).await;
        r.err(400, 701);
        assert!(r.message().contains(field), "{}", r.text);
        let mut blank = base.clone();
        blank[field] = if field == "userRoleWorkspaces" {
            json!([])
        } else {
            json!("  ")
        };
        invite_body(&e, blank).await.err(400, 701);
    }
    let mut b = base.clone();
    b["emailAddress"] = json!("not-an-email");
    let bad_email = invite_body(&e, b).await;
    bad_email.err(400, 1003);
    assert!(bad_email.message().contains("email"));
    let mut b = base.clone();
    b["userRoleWorkspaces"] = json!([{"accessRoleId": 999, "workspaceId": 1}]);
    let bad_role = invite_body(&e, b).await;
    bad_role.err(400, 1003);
    assert!(bad_role.message().contains("Role id 999"));
    let mut b = base.clone();
    b["userRoleWorkspaces"] = json!([{"accessRoleId": 2, "workspaceId": 77}]);
    let bad_ws = invite_body(&e, b).await;
    bad_ws.err(400, 1003);
    assert!(bad_ws.message().contains("Workspace id 77"));
    let mut b = base.clone();
    b["userRoleWorkspaces"] = json!([{"accessRoleId": 1, "workspaceId": 1}]);
    invite_body(&e, b).await.err(400, 709);
    let mut b = base.clone();
    b["expiresAt"] = json!("next tuesday");
    invite_body(&e, b).await.err(400, 704);
    let mut b = base.clone();
    b["userid"] = json!("not-an-email");
    invite_body(&e, b).await.err(400, 1003);
    let mut b = base.clone();
    b["apiOnly"] = json!("yes");
    invite_body(&e, b).await.err(400, 1003);
    // Existing email (any case) and existing userid.
    invite_body(&e, base.clone()).await.ok();
    let mut b = base.clone();
    b["emailAddress"] = json!("X@Example.com");
    let dup = invite_body(&e, b).await;
    dup.err(409, 1017);
    assert!(dup.message().contains("email"));
    let mut b = base.clone();
    b["emailAddress"] = json!("y@example.com");
    b["userid"] = json!("x@example.com");
    let dup_id = invite_body(&e, b).await;
    dup_id.err(409, 1017);
    assert_ne!(dup.message(), dup_id.message());
    // A given userid (also spelled userId, as in the guide) is used.
    let mut b = base.clone();
    b["emailAddress"] = json!("z@example.com");
    b["userId"] = json!("login-z@example.com");
    b["apiOnly"] = json!(true);
    invite_body(&e, b).await.ok();
    e.get(&format!("{UM}/users/login-z@example.com/user.json"))
        .await
        .ok();
    e.handle.shutdown().await;
}

#[tokio::test]
async fn updates() {
    let e = emu().await;
    e.invite("u@example.com", true, std_user()).await.ok();
    e.invite("taken@example.com", true, std_user()).await.ok();
    let path = format!("{UM}/users/u@example.com/update.json");
    let r = e
        .post(&path, json!({"firstName": "JAMIE", "lastName": "LANISTER", "expiresAt": "20211231T08:00:00.000t+0000"}))
        .await;
    let u = r.ok();
    assert_eq!(
        (u["firstName"].as_str(), u["lastName"].as_str()),
        (Some("JAMIE"), Some("LANISTER"))
    );
    assert_eq!(u["expiresAt"], "2021-12-31T08:00:00.000t+0000");
    let r = e
        .post(&path, json!({"expiresAt": "2020-12-31T23:59:59-05:00"}))
        .await;
    assert_eq!(r.ok()["expiresAt"], "2021-01-01T04:59:59.000t+0000");
    let r = e.post(&path, json!({"lastName": "Other"})).await;
    assert_eq!(
        r.ok()["expiresAt"],
        "2021-01-01T04:59:59.000t+0000",
        "absent leaves it"
    );
    // Milliseconds are kept (issue 9); anything finer is cut, as Marketo keeps milliseconds.
    let r = e
        .post(&path, json!({"expiresAt": "2031-03-04T05:06:07.250+00:00"}))
        .await;
    assert_eq!(r.ok()["expiresAt"], "2031-03-04T05:06:07.250t+0000");
    let r = e
        .post(
            &path,
            json!({"expiresAt": "2031-03-04T00:06:07.2519-05:00"}),
        )
        .await;
    assert_eq!(r.ok()["expiresAt"], "2031-03-04T05:06:07.251t+0000");
    let r = e.post(&path, json!({"expiresAt": null})).await;
    assert_eq!(r.ok()["expiresAt"], Value::Null, "null clears it");
    let r = e
        .post(&path, json!({"emailAddress": "new@example.com"}))
        .await;
    assert_eq!(r.ok()["emailAddress"], "new@example.com");
    assert_eq!(r.json["userid"], "u@example.com", "the userid stays");
    e.post(&path, json!({"apiOnly": true})).await.ok();
    e.post(&path, json!({"apiOnly": false}))
        .await
        .err(400, 1003);
    e.post(&path, json!({"firstName": ""})).await.err(400, 701);
    e.post(&path, json!({"emailAddress": "nope"}))
        .await
        .err(400, 1003);
    e.post(&path, json!({"emailAddress": "TAKEN@example.com"}))
        .await
        .err(409, 1017);
    e.post(&path, json!({"expiresAt": "31/12/2021"}))
        .await
        .err(400, 704);
    e.post(&path, json!({"firstName": 5})).await.err(400, 1003);
    e.post(
        &format!("{UM}/users/ghost@example.com/update.json"),
        json!({}),
    )
    .await
    .err(404, 1013);
    e.handle.shutdown().await;
}

#[tokio::test]
async fn role_assignments() {
    let e = emu().await;
    e.invite("r@example.com", true, std_user()).await.ok();
    let add = format!("{UM}/users/r@example.com/roles/create.json");
    let del = format!("{UM}/users/r@example.com/roles/delete.json");
    let r = e
        .post(&add, json!([{"accessRoleId": 24, "workspaceId": 1}]))
        .await;
    assert_eq!(
        r.ok().as_array().map(Vec::len),
        Some(2),
        "the full list after adding"
    );
    let r = e.post(&add, json!({"input": [{"accessRoleId": 1, "workspaceId": 0}, {"accessRoleId": 24, "workspaceId": 1}]})).await;
    assert_eq!(
        r.ok().as_array().map(Vec::len),
        Some(3),
        "existing pairs are idempotent"
    );
    e.post(&add, json!([{"accessRoleId": 1, "workspaceId": 1}]))
        .await
        .err(400, 709);
    e.post(&add, json!([{"accessRoleId": 500, "workspaceId": 1}]))
        .await
        .err(400, 1003);
    e.post(&add, json!([{"accessRoleId": 2, "workspaceId": 500}]))
        .await
        .err(400, 1003);
    e.post(&add, json!([{"accessRoleId": 2}]))
        .await
        .err(400, 701);
    e.post(&add, json!([])).await.err(400, 701);
    e.post(&add, json!({"input": "x"})).await.err(400, 1003);
    e.post(&add, json!(17)).await.err(400, 1003);
    let r = e
        .post(
            &del,
            json!({"input": [{"accessRoleId": 24, "workspaceId": 1}]}),
        )
        .await;
    assert_eq!(
        r.ok().as_array().map(Vec::len),
        Some(2),
        "the remaining list"
    );
    let r = e
        .post(&del, json!([{"accessRoleId": 24, "workspaceId": 1}]))
        .await;
    assert_eq!(
        r.ok().as_array().map(Vec::len),
        Some(2),
        "removing an absent pair changes nothing"
    );
    let r = e
        .post(&del, json!([{"accessRoleId": 1, "workspaceId": 0}]))
        .await;
    assert_eq!(
        r.ok(),
        &json!([{"accessRoleId": 2, "accessRoleName": "Standard User", "workspaceId": 1, "workspaceName": "Default"}])
    );
    e.post(&del, json!([{"accessRoleId": 2, "workspaceId": 1}]))
        .await
        .err(400, 709);
    let roles = e.get(&format!("{UM}/users/r@example.com/roles.json")).await;
    assert_eq!(roles.ok().as_array().map(Vec::len), Some(1));
    e.get(&format!("{UM}/users/ghost@example.com/roles.json"))
        .await
        .err(404, 1013);
    e.post(
        &format!("{UM}/users/ghost@example.com/roles/delete.json"),
        std_user(),
    )
    .await
    .err(404, 1013);
    e.handle.shutdown().await;
}

#[tokio::test]
async fn deletes_and_611() {
    let e = emu().await;
    e.invite("gone@example.com", true, std_user()).await.ok();
    e.post(
        &format!("{UM}/users/gone@example.com/delete.json"),
        json!(null),
    )
    .await
    .ok();
    e.get(&format!("{UM}/users/gone@example.com/user.json"))
        .await
        .err(404, 1013);
    e.post(
        &format!("{UM}/users/gone@example.com/delete.json"),
        json!(null),
    )
    .await
    .err(404, 1013);
    e.invite("pend@example.com", false, std_user()).await.ok();
    e.post(
        &format!("{UM}/users/pend@example.com/invite/delete.json"),
        json!(null),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/pend@example.com/invite/delete.json"),
        json!(null),
    )
    .await
    .err(404, 1013);
    // The owner of a service cannot be deleted until the service is.
    let (userid, _, id, _) = e.api_user_with("owner", &["Read-Only Lead"]).await;
    let r = e
        .post(&format!("{UM}/users/{userid}/delete.json"), json!(null))
        .await;
    r.err(400, 611);
    assert_eq!(
        r.message(),
        "You cannot delete an API user that is being used in API service"
    );
    let seeded = e
        .post(
            &format!("{UM}/users/emulator-api@emulator.invalid/delete.json"),
            json!(null),
        )
        .await;
    seeded.err(400, 611);
    let svc = e
        .handle
        .snapshot()
        .services
        .into_iter()
        .find(|s| s.client_id == id);
    let svc_id = svc.map(|s| s.id).unwrap_or_default();
    e.post(&format!("{UM}/services/{svc_id}/delete.json"), json!(null))
        .await
        .ok();
    e.post(&format!("{UM}/users/{userid}/delete.json"), json!(null))
        .await
        .ok();
    e.handle.shutdown().await;
}

#[tokio::test]
async fn paging_is_by_item_offset() {
    let e = emu().await;
    for i in 0..5 {
        e.invite(&format!("p{i}@example.com"), true, std_user())
            .await
            .ok();
    }
    let page = |q: &str| format!("{UM}/users/allusers.json?{q}");
    let all = e.get(&page("")).await;
    assert_eq!(all.ok().as_array().map(Vec::len), Some(6));
    let p = e.get(&page("pageOffset=2&pageSize=3")).await;
    let ids: Vec<i64> = p
        .ok()
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![3, 4, 5]);
    let last = e.get(&page("pageOffset=5&pageSize=3")).await;
    assert_eq!(last.ok().as_array().map(Vec::len), Some(1));
    let past = e.get(&page("pageOffset=50")).await;
    assert_eq!(past.ok().as_array().map(Vec::len), Some(0));
    e.get(&page("pageSize=201")).await.err(400, 1003);
    e.get(&page("pageSize=0")).await.err(400, 1003);
    e.get(&page("pageOffset=-1")).await.err(400, 1003);
    e.get(&page("pageSize=ten")).await.err(400, 1003);
    e.get(&page("pageSize=200")).await.ok();
    e.handle.shutdown().await;
}

#[tokio::test]
async fn roles_and_workspaces_lists() {
    let e = emu().await;
    let roles = e.get(&format!("{UM}/users/roles.json")).await;
    let roles = roles.ok().as_array().cloned().unwrap_or_default();
    let names: Vec<(i64, &str, bool)> = roles
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap_or(-1),
                r["name"].as_str().unwrap_or(""),
                r["isOnlyAllZones"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            (1, "Admin", true),
            (2, "Standard User", false),
            (3, "Adobe Product Admin", true),
            (24, "RTP Launcher", false),
            (25, "RTP Editor", false),
            (101, "Emulator API Admin", false)
        ]
    );
    assert_eq!(roles[0]["type"], "system");
    assert_eq!(roles[5]["type"], "custom");
    let ws = e.get(&format!("{UM}/users/workspaces.json")).await;
    let ws: Vec<(i64, String)> = ws
        .ok()
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| {
            (
                w["id"].as_i64().unwrap_or(-1),
                w["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        ws,
        vec![(0, "AllZones".to_string()), (1, "Default".to_string())]
    );
    e.handle.shutdown().await;
}

#[tokio::test]
async fn ims_mode_generates_userids() {
    let e = start(Config {
        ims: true,
        ..Config::default().without_limits()
    })
    .await;
    e.invite("api@example.com", true, std_user()).await.ok();
    let snap = e.handle.snapshot();
    let user = snap
        .users
        .iter()
        .find(|u| u.email_address == "api@example.com");
    let userid = user.map(|u| u.userid.clone()).unwrap_or_default();
    let (uuid, domain) = userid.split_once('@').unwrap_or_default();
    assert_eq!(domain, "adobe.com");
    assert!(
        uuid.len() == 36 && uuid.chars().filter(|c| *c == '-').count() == 4,
        "{userid}"
    );
    let u = e.get(&format!("{UM}/users/{userid}/user.json")).await;
    assert_eq!(u.ok()["emailAddress"], "api@example.com");
    e.get(&format!("{UM}/users/api@example.com/user.json"))
        .await
        .err(404, 1013);
    // Only API-only users are invited through the API on Adobe Identity.
    e.invite("human@example.com", false, std_user())
        .await
        .err(400, 709);
    // Role management still works.
    let r = e
        .post(
            &format!("{UM}/users/{userid}/roles/create.json"),
            json!([{"accessRoleId": 24, "workspaceId": 1}]),
        )
        .await;
    assert_eq!(r.ok().as_array().map(Vec::len), Some(2));
    e.post(&format!("{UM}/users/{userid}/delete.json"), json!(null))
        .await
        .ok();
    e.handle.shutdown().await;
}
