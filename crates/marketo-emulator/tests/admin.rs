//! Our role and LaunchPoint service endpoints.

use marketo_emulator::{
    ADMIN_ROLE_ID, ADMIN_SERVICE_ID, ADMIN_USERID, access_api_permissions, grantable_permissions,
};
use serde_json::{Value, json};

use crate::common::{UM, emu};

fn role_keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    k.sort();
    k
}

#[tokio::test]
async fn permissions_list_is_the_data_file() {
    let e = emu().await;
    let r = e.get(&format!("{UM}/roles/permissions.json")).await;
    let list: Vec<String> = serde_json::from_value(r.ok().clone()).unwrap_or_default();
    let files = concat!(
        include_str!("../../../data/access-api-permissions.txt"),
        include_str!("../../../data/access-admin-permissions.txt")
    );
    let file: Vec<String> = files
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let mut sorted = file.clone();
    sorted.sort();
    assert_eq!(list, sorted);
    assert_eq!(list.len(), grantable_permissions().len());
    assert_eq!(list.len(), access_api_permissions().len() + 1);
    assert!(list.contains(&"Access Users".to_string()));
    e.handle.shutdown().await;
}

#[tokio::test]
async fn role_lifecycle_and_errors() {
    let e = emu().await;
    let create = format!("{UM}/roles/create.json");
    let r = e
        .post(&create, json!({"name": "Lead Reader", "description": "reads", "permissions": ["Read-Write Lead", "Read-Only Lead", "Read-Only Lead"]}))
        .await;
    let role = r.ok().clone();
    assert_eq!(role["id"], 102, "custom ids continue after the seeded 101");
    assert_eq!(role["type"], "custom");
    assert_eq!(role["isHidden"], false);
    assert_eq!(role["isOnlyAllZones"], false);
    assert_eq!(
        role["permissions"],
        json!(["Read-Only Lead", "Read-Write Lead"])
    );
    assert_eq!(
        role_keys(&role),
        [
            "createdAt",
            "description",
            "id",
            "isHidden",
            "isOnlyAllZones",
            "name",
            "permissions",
            "type",
            "updatedAt"
        ]
    );
    let get = e.get(&format!("{UM}/roles/102/role.json")).await;
    assert_eq!(get.ok(), &role);
    // Errors on create.
    e.post(&create, json!({"permissions": []}))
        .await
        .err(400, 701);
    e.post(&create, json!({"name": " ", "permissions": []}))
        .await
        .err(400, 701);
    e.post(&create, json!({"name": "No perms"}))
        .await
        .err(400, 701);
    let unknown = e
        .post(
            &create,
            json!({"name": "X", "permissions": ["Read-Only Lead", "Fly"]}),
        )
        .await;
    unknown.err(400, 1003);
    assert!(unknown.message().contains("'Fly'"));
    e.post(&create, json!({"name": "lead READER", "permissions": []}))
        .await
        .err(409, 1017);
    e.post(&create, json!({"name": "admin", "permissions": []}))
        .await
        .err(409, 1017);
    e.post(&create, json!({"name": "x".repeat(51), "permissions": []}))
        .await
        .err(400, 1003);
    e.post(
        &create,
        json!({"name": "Y", "description": "d".repeat(256), "permissions": []}),
    )
    .await
    .err(400, 1003);
    e.post(
        &create,
        json!({"name": "Z", "permissions": "Read-Only Lead"}),
    )
    .await
    .err(400, 1003);
    // Update: name, description (null clears), permissions (replace).
    let up = format!("{UM}/roles/102/update.json");
    let r = e
        .post(
            &up,
            json!({"name": "Lead Writer", "permissions": ["Execute Campaign"]}),
        )
        .await;
    assert_eq!(r.ok()["name"], "Lead Writer");
    assert_eq!(r.json["permissions"], json!(["Execute Campaign"]));
    assert_eq!(r.json["description"], "reads");
    let r = e.post(&up, json!({"description": null})).await;
    assert_eq!(r.ok()["description"], Value::Null);
    e.post(&up, json!({"name": ""})).await.err(400, 701);
    e.post(&up, json!({"name": "Standard user"}))
        .await
        .err(409, 1017);
    e.post(&up, json!({"permissions": ["Nope"]}))
        .await
        .err(400, 1003);
    // System roles are immutable; unknown roles are 404.
    for id in [1, 2, 3, 24, 25] {
        e.post(
            &format!("{UM}/roles/{id}/update.json"),
            json!({"name": "Mine"}),
        )
        .await
        .err(400, 709);
        e.post(&format!("{UM}/roles/{id}/delete.json"), json!(null))
            .await
            .err(400, 709);
        e.get(&format!("{UM}/roles/{id}/role.json")).await.ok();
    }
    e.get(&format!("{UM}/roles/999/role.json"))
        .await
        .err(404, 1013);
    e.get(&format!("{UM}/roles/abc/role.json"))
        .await
        .err(404, 1013);
    e.post(&format!("{UM}/roles/999/update.json"), json!({}))
        .await
        .err(404, 1013);
    e.post(&format!("{UM}/roles/999/delete.json"), json!(null))
        .await
        .err(404, 1013);
    // A held role cannot be deleted; the message names the holders.
    e.invite(
        "b@example.com",
        true,
        json!([{"accessRoleId": 102, "workspaceId": 1}]),
    )
    .await
    .ok();
    e.invite(
        "a@example.com",
        false,
        json!([{"accessRoleId": 102, "workspaceId": 0}]),
    )
    .await
    .ok();
    let held = e
        .post(&format!("{UM}/roles/102/delete.json"), json!(null))
        .await;
    held.err(409, 1022);
    assert_eq!(
        held.message(),
        "Role 'Lead Writer' is assigned to users: b@example.com, a@example.com"
    );
    let seeded = e
        .post(
            &format!("{UM}/roles/{ADMIN_ROLE_ID}/delete.json"),
            json!(null),
        )
        .await;
    seeded.err(409, 1022);
    assert!(seeded.message().contains(ADMIN_USERID));
    e.post(
        &format!("{UM}/users/b@example.com/delete.json"),
        json!(null),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/a@example.com/invite/delete.json"),
        json!(null),
    )
    .await
    .ok();
    let del = e
        .post(&format!("{UM}/roles/102/delete.json"), json!(null))
        .await;
    assert_eq!(del.text, "true");
    e.get(&format!("{UM}/roles/102/role.json"))
        .await
        .err(404, 1013);
    // The published list shows custom roles, without permissions.
    let r = e
        .post(&create, json!({"name": "Listed", "permissions": []}))
        .await;
    let id = r.ok()["id"].clone();
    let list = e.get(&format!("{UM}/users/roles.json")).await;
    let found = list
        .ok()
        .as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == id).cloned());
    assert!(found.is_some_and(|f| f.get("permissions").is_none()));
    e.handle.shutdown().await;
}

#[tokio::test]
async fn service_lifecycle_and_errors() {
    let e = emu().await;
    let list = e.get(&format!("{UM}/services/allservices.json")).await;
    let seeded = list.ok()[0].clone();
    assert_eq!(seeded["id"], ADMIN_SERVICE_ID);
    assert_eq!(seeded["apiOnlyUser"], ADMIN_USERID);
    assert_eq!(seeded["clientId"], e.handle.client_id());
    assert!(
        seeded.get("clientSecret").is_none(),
        "lists carry no secrets"
    );
    e.invite(
        "svc@example.com",
        true,
        json!([{"accessRoleId": 101, "workspaceId": 0}]),
    )
    .await
    .ok();
    e.invite(
        "human@example.com",
        false,
        json!([{"accessRoleId": 2, "workspaceId": 1}]),
    )
    .await
    .ok();
    let create = format!("{UM}/services/create.json");
    let r = e
        .post(&create, json!({"displayName": "Terraform", "description": "d", "apiOnlyUser": "svc@example.com"}))
        .await;
    let svc = r.ok().clone();
    assert_eq!(svc["service"], "Custom");
    assert_eq!(svc["apiOnlyUser"], "svc@example.com");
    let secret = svc["clientSecret"].as_str().unwrap_or_default().to_string();
    assert_eq!(secret.len(), 32);
    assert!(secret.chars().all(|c| c.is_ascii_alphanumeric()));
    let client_id = svc["clientId"].as_str().unwrap_or_default().to_string();
    assert_eq!(client_id.len(), 36);
    let id = svc["id"].as_i64().unwrap_or_default();
    let got = e.get(&format!("{UM}/services/{id}/service.json")).await;
    assert_eq!(got.ok()["clientSecret"], secret.as_str());
    // The new credentials log in as the owner.
    let tok = e.token_for(&client_id, &secret).await;
    e.get_as(&tok, &format!("{UM}/users/roles.json")).await.ok();
    // Errors.
    e.post(&create, json!({"apiOnlyUser": "svc@example.com"}))
        .await
        .err(400, 701);
    e.post(&create, json!({"displayName": "A"}))
        .await
        .err(400, 701);
    e.post(
        &create,
        json!({"displayName": "terraform", "apiOnlyUser": "svc@example.com"}),
    )
    .await
    .err(409, 1017);
    for owner in ["ghost@example.com", "human@example.com"] {
        e.post(&create, json!({"displayName": "B", "apiOnlyUser": owner}))
            .await
            .err(400, 1003);
    }
    e.handle.accept_invite("human@example.com").ok();
    let not_api = e
        .post(
            &create,
            json!({"displayName": "B", "apiOnlyUser": "human@example.com"}),
        )
        .await;
    not_api.err(400, 1003);
    assert!(not_api.message().contains("not an API-only user"));
    e.post(
        &create,
        json!({"displayName": "x".repeat(51), "apiOnlyUser": "svc@example.com"}),
    )
    .await
    .err(400, 1003);
    // Update.
    let up = format!("{UM}/services/{id}/update.json");
    let r = e
        .post(
            &up,
            json!({"displayName": "Terraform 2", "description": null}),
        )
        .await;
    assert_eq!(r.ok()["displayName"], "Terraform 2");
    assert_eq!(r.json["description"], Value::Null);
    assert_eq!(
        r.json["clientSecret"],
        secret.as_str(),
        "the secret does not change"
    );
    e.post(&up, json!({"apiOnlyUser": "svc@example.com"}))
        .await
        .ok();
    e.post(&up, json!({"apiOnlyUser": ADMIN_USERID}))
        .await
        .err(400, 1003);
    e.post(&up, json!({"displayName": ""})).await.err(400, 701);
    e.post(&up, json!({"displayName": "EMULATOR ADMIN SERVICE"}))
        .await
        .err(409, 1017);
    e.get(&format!("{UM}/services/999/service.json"))
        .await
        .err(404, 1013);
    e.get(&format!("{UM}/services/x/service.json"))
        .await
        .err(404, 1013);
    e.post(&format!("{UM}/services/999/update.json"), json!({}))
        .await
        .err(404, 1013);
    // Paging.
    let p = e
        .get(&format!(
            "{UM}/services/allservices.json?pageOffset=1&pageSize=1"
        ))
        .await;
    assert_eq!(
        p.ok()
            .as_array()
            .map(|a| a.iter().map(|s| s["id"].clone()).collect::<Vec<_>>()),
        Some(vec![json!(id)])
    );
    e.get(&format!("{UM}/services/allservices.json?pageSize=500"))
        .await
        .err(400, 1003);
    // Delete.
    let d = e
        .post(&format!("{UM}/services/{id}/delete.json"), json!(null))
        .await;
    assert_eq!(d.text, "true");
    e.post(&format!("{UM}/services/{id}/delete.json"), json!(null))
        .await
        .err(404, 1013);
    e.get_as(&tok, &format!("{UM}/users/roles.json"))
        .await
        .err(401, 601);
    let bad = e
        .identity(&format!(
            "grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
        ))
        .await;
    assert_eq!(bad.status, 401);
    e.handle.shutdown().await;
}

#[tokio::test]
async fn the_state_control_uses_the_api_field_names() {
    let e = emu().await;
    let s = e
        .send("GET", "/_emulator/state.json", None, None, None)
        .await;
    let s = s.ok();
    let role = &s["roles"][5];
    assert_eq!(
        (role["id"].as_i64(), role["type"].as_str()),
        (Some(101), Some("custom"))
    );
    assert!(
        role["permissions"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
    let user = &s["users"][0];
    assert_eq!(user["userid"], ADMIN_USERID);
    assert_eq!(user["apiOnly"], true);
    assert_eq!(user["userRoleWorkspaces"][0]["accessRoleId"], 101);
    assert_eq!(user["userRoleWorkspaces"][0]["workspaceId"], 0);
    let svc = &s["services"][0];
    assert_eq!(svc["displayName"], "Emulator Admin Service");
    assert_eq!(svc["apiOnlyUser"], ADMIN_USERID);
    assert_eq!(svc["clientId"], e.handle.client_id());
    assert!(svc.get("clientSecret").is_none());
    assert_eq!(s["invites"], json!([]));
    assert_eq!(s["workspaces"][0]["name"], "AllZones");
    e.handle.shutdown().await;
}
