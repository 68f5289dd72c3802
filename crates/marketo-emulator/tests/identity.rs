//! Identity: tokens, their reuse and expiry, bearer-only use, and permissions.

use std::time::Duration;

use marketo_emulator::{ADMIN_USERID, Config};
use serde_json::json;

use crate::common::{UM, emu, start};

#[tokio::test]
async fn tokens_are_reused_until_they_expire() {
    let e = emu().await;
    let q = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        e.handle.client_id(),
        e.handle.client_secret()
    );
    let a = e.identity(&q).await;
    let a = a.ok();
    assert_eq!(a["token_type"], "bearer");
    assert_eq!(a["scope"], ADMIN_USERID);
    assert_eq!(
        a["access_token"],
        e.token.as_str(),
        "the same token comes back"
    );
    let left = a["expires_in"].as_u64().unwrap_or(0);
    assert!(left > 3590 && left <= 3600, "{left}");
    // POST with the query, with a form body and with a JSON body.
    let post = e
        .send(
            "POST",
            &format!("/identity/oauth/token?{q}"),
            None,
            None,
            None,
        )
        .await;
    assert_eq!(post.ok()["access_token"], e.token.as_str());
    let form = e
        .send(
            "POST",
            "/identity/oauth/token",
            None,
            Some("application/x-www-form-urlencoded"),
            Some(q.clone().into_bytes()),
        )
        .await;
    assert_eq!(form.ok()["access_token"], e.token.as_str());
    let body = json!({"grant_type": "client_credentials", "client_id": e.handle.client_id(),
        "client_secret": e.handle.client_secret()});
    let js = e
        .send(
            "POST",
            "/identity/oauth/token",
            None,
            Some("application/json"),
            Some(body.to_string().into_bytes()),
        )
        .await;
    assert_eq!(js.ok()["access_token"], e.token.as_str());
    e.handle.shutdown().await;
}

#[tokio::test]
async fn bad_credentials_and_grants() {
    let e = emu().await;
    let bad = e
        .identity(
            "grant_type=client_credentials&client_id=emulator-admin-client&client_secret=wrong",
        )
        .await;
    assert_eq!(bad.status, 401);
    assert_eq!(
        bad.json,
        json!({"error": "invalid_client", "error_description": "Bad client credentials"})
    );
    let unknown = e
        .identity(
            "grant_type=client_credentials&client_id=nope&client_secret=emulator-admin-secret",
        )
        .await;
    assert_eq!(unknown.status, 401);
    let missing = e.identity("grant_type=client_credentials").await;
    assert_eq!(missing.status, 401);
    let no_grant = e
        .identity("client_id=emulator-admin-client&client_secret=emulator-admin-secret")
        .await;
    assert_eq!(
        (no_grant.status, no_grant.json["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let other = e
        .identity("grant_type=password&client_id=emulator-admin-client&client_secret=emulator-admin-secret")
        .await;
    assert_eq!(other.json["error"], "unsupported_grant_type");
    let put = e
        .send("PUT", "/identity/oauth/token", None, None, None)
        .await;
    put.err(405, 605);
    e.handle.shutdown().await;
}

#[tokio::test]
async fn the_token_only_travels_in_the_header() {
    let e = emu().await;
    let roles = format!("{UM}/users/roles.json");
    e.send("GET", &roles, None, None, None).await.err(401, 601);
    e.get_as("not-a-token", &roles).await.err(401, 601);
    let in_query = e
        .send(
            "GET",
            &format!("{roles}?access_token={}", e.token),
            None,
            None,
            None,
        )
        .await;
    in_query.err(401, 601);
    // Even together with a good header.
    e.send(
        "GET",
        &format!("{roles}?access_token={}", e.token),
        Some(&e.token),
        None,
        None,
    )
    .await
    .err(401, 601);
    let basic = e
        .http
        .get(e.url(&roles))
        .header("Authorization", format!("Basic {}", e.token))
        .send()
        .await
        .map(|r| r.status().as_u16());
    assert_eq!(basic.ok(), Some(401));
    e.get(&roles).await.ok();
    e.handle.shutdown().await;
}

#[tokio::test]
async fn expired_tokens_answer_602_then_a_new_token_works() {
    let e = start(Config {
        token_ttl: Duration::from_secs(1),
        ..Config::default().without_limits()
    })
    .await;
    let roles = format!("{UM}/users/roles.json");
    e.get(&roles).await.ok();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    e.get(&roles).await.err(401, 602);
    let fresh = e
        .token_for(e.handle.client_id(), e.handle.client_secret())
        .await;
    assert_ne!(fresh, e.token);
    e.get_as(&fresh, &roles).await.ok();
    // The test control ends every token's life at once.
    e.handle.expire_tokens();
    e.get_as(&fresh, &roles).await.err(401, 602);
    let r = e.post("/_emulator/tokens/expire.json", json!(null)).await;
    r.ok();
    e.handle.shutdown().await;
}

#[tokio::test]
async fn services_log_in_with_their_owners_permissions() {
    let e = emu().await;
    let roles = format!("{UM}/users/roles.json");
    let (userid, role_id, id, secret) = e.api_user_with("reader", &["Read-Only Lead"]).await;
    assert_eq!(
        e.get(&format!("{UM}/users/{userid}/user.json")).await.ok()["lastLoginAt"],
        json!(null)
    );
    let r = e
        .identity(&format!(
            "grant_type=client_credentials&client_id={id}&client_secret={secret}"
        ))
        .await;
    assert_eq!(r.ok()["scope"], userid.as_str());
    let token = r.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let user = e.get(&format!("{UM}/users/{userid}/user.json")).await;
    assert!(
        user.ok()["lastLoginAt"]
            .as_str()
            .is_some_and(|s| s.ends_with("t+0000"))
    );
    // Lacking "Access User Management Api": 603 on every /userservice call, ours included,
    // naming the missing permission.
    let r = e.get_as(&token, &roles).await;
    assert!(
        r.json.to_string().contains("'Access User Management Api'"),
        "{}",
        r.json
    );
    r.err(403, 603);
    e.get_as(&token, &format!("{UM}/roles/permissions.json"))
        .await
        .err(403, 603);
    // Permissions are evaluated at call time. The Access API permission alone is not enough:
    // User Management also needs "Access Users" (Access Admin group), as Adobe's Swagger says.
    e.post(
        &format!("{UM}/roles/{role_id}/update.json"),
        json!({"permissions": ["Read-Only Lead", "Access User Management Api"]}),
    )
    .await
    .ok();
    let r = e.get_as(&token, &roles).await;
    assert!(r.json.to_string().contains("'Access Users'"), "{}", r.json);
    r.err(403, 603);
    e.post(
        &format!("{UM}/roles/{role_id}/update.json"),
        json!({"permissions": ["Read-Only Lead", "Access User Management Api", "Access Users"]}),
    )
    .await
    .ok();
    e.get_as(&token, &roles).await.ok();
    // Deleting the service ends its tokens.
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
    e.get_as(&token, &roles).await.err(401, 601);
    e.handle.shutdown().await;
}
