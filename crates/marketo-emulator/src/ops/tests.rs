use super::users::{InviteReq, PairReq};
use super::*;

fn state() -> State {
    State::seed("id", "secret", marketo_date::now_utc())
}

fn invite_req(email: &str, api_only: bool) -> InviteReq {
    InviteReq {
        email_address: Some(email.to_string()),
        first_name: Some("A".into()),
        last_name: Some("B".into()),
        userid: None,
        api_only: Some(api_only),
        expires_at: None,
        reason: None,
        user_role_workspaces: Some(vec![PairReq {
            access_role_id: Some(2),
            workspace_id: Some(1),
        }]),
    }
}

#[test]
fn invite_then_conflict() {
    let mut s = state();
    let now = marketo_date::now_utc();
    assert!(invite(&mut s, invite_req("a@b.com", true), false, now).is_ok());
    let err = invite(&mut s, invite_req("A@B.com", true), false, now).err();
    assert_eq!(err.map(|e| e.code), Some(1017));
    assert!(get_user(&s, "a@b.com").is_ok());
    assert!(invite(&mut s, invite_req("p@b.com", false), false, now).is_ok());
    assert!(get_user(&s, "p@b.com").is_err());
    assert!(get_invite(&s, "p@b.com").is_ok());
}

#[test]
fn ims_generates_userids() {
    let mut s = state();
    assert!(
        invite(
            &mut s,
            invite_req("a@b.com", true),
            true,
            marketo_date::now_utc()
        )
        .is_ok()
    );
    let u = s
        .users
        .values()
        .find(|u| u.email == "a@b.com")
        .map(|u| u.userid.clone());
    assert!(u.is_some_and(|u| u.ends_with("@adobe.com") && u.len() == 36 + 10));
    let err = invite(
        &mut s,
        invite_req("c@b.com", false),
        true,
        marketo_date::now_utc(),
    )
    .err();
    assert_eq!(err.map(|e| e.code), Some(709));
}

#[test]
fn pair_bodies_in_both_shapes() {
    let bare = serde_json::json!([{"accessRoleId": 1, "workspaceId": 0}]);
    let wrapped = serde_json::json!({"input": [{"accessRoleId": 1, "workspaceId": 0}]});
    assert_eq!(pair_list(bare).map(|v| v.len()).ok(), Some(1));
    assert_eq!(pair_list(wrapped).map(|v| v.len()).ok(), Some(1));
    assert_eq!(
        pair_list(serde_json::json!({})).err().map(|e| e.code),
        Some(701)
    );
    assert_eq!(
        pair_list(serde_json::json!("x")).err().map(|e| e.code),
        Some(1003)
    );
}
