//! Users, roles and services through their whole lifecycle.

use marketo_client::{
    Client, ErrorKind, FoundUser, MarketoDateTime, NewRole, NewService, RoleBodyShape, RoleUpdate,
    ServiceUpdate, UpdateUser, fetch_token,
};
use marketo_emulator::Config;

use crate::*;

#[tokio::test]
async fn client_users_lifecycle() {
    let h = start(Config::default().without_limits()).await;
    let c = client(&h);

    let workspaces = c.list_workspaces().await.unwrap();
    assert!(workspaces.iter().any(|w| w.id == 0 && w.name == "AllZones"));
    let roles = c.list_roles().await.unwrap();
    let admin = roles.iter().find(|r| r.id == 1).expect("Admin role");
    assert!(admin.is_only_all_zones);
    assert_eq!(admin.role_type.as_deref(), Some("system"));

    // Invite an API-only user: active at once.
    // Milliseconds go to Marketo and come back (issue 9).
    let expires = MarketoDateTime::parse("2031-06-30T23:59:59.250-05:00").unwrap();
    let mut invite = api_user("api.one@example.com", vec![pair(STANDARD_USER, DEFAULT_WS)]);
    invite.expires_at = Some(expires);
    c.invite_user(&invite).await.unwrap();
    let user = c
        .get_user("api.one@example.com")
        .await
        .unwrap()
        .expect("active");
    assert!(user.api_only);
    assert_eq!(user.first_name, "Api");
    assert_eq!(user.expires_at.map(|d| d.to_utc()), Some(expires.to_utc()));
    assert_eq!(user.user_role_workspaces.len(), 1);
    assert!(
        c.get_invited_user("api.one@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        c.find_user("API.ONE@example.com").await.unwrap(),
        Some(FoundUser::Active(_))
    ));
    let all = c.list_users().await.unwrap();
    assert!(
        all.iter()
            .any(|u| u.userid == "api.one@example.com" && u.api_only)
    );

    // Inviting the same login again is refused.
    let again = c.invite_user(&invite).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::AlreadyExists, "{again}");
    assert_eq!(again.code(), Some(1017));

    // Update.
    let updated = c
        .update_user(
            "api.one@example.com",
            &UpdateUser {
                first_name: Some("Renamed".into()),
                expires_at: Some(MarketoDateTime::parse("2032-01-01T00:00:00.251Z").unwrap()),
                ..UpdateUser::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.first_name, "Renamed");
    assert_eq!(
        updated.expires_at.unwrap().to_iso8601(),
        "2032-01-01T00:00:00.251+00:00"
    );

    // Role assignments, in both body shapes.
    let after_add = c
        .add_user_roles("api.one@example.com", &[pair(24, DEFAULT_WS)])
        .await
        .unwrap();
    assert_eq!(after_add.len(), 2);
    let mut bare_cfg = config_for(&h);
    bare_cfg.role_body_shape = RoleBodyShape::BareArray;
    let bare = Client::new(bare_cfg).unwrap();
    let after_bare = bare
        .add_user_roles("api.one@example.com", &[pair(25, DEFAULT_WS)])
        .await
        .unwrap();
    assert_eq!(after_bare.len(), 3);
    let held = c.get_user_roles("api.one@example.com").await.unwrap();
    assert_eq!(held.len(), 3);
    let remaining = c
        .delete_user_roles(
            "api.one@example.com",
            &[pair(24, DEFAULT_WS), pair(25, DEFAULT_WS)],
        )
        .await
        .unwrap();
    assert_eq!(
        remaining.iter().map(|r| r.ids()).collect::<Vec<_>>(),
        vec![pair(STANDARD_USER, DEFAULT_WS)]
    );

    // Delete; a second delete is NotFound.
    c.delete_user("api.one@example.com").await.unwrap();
    assert!(c.get_user("api.one@example.com").await.unwrap().is_none());
    let gone = c.delete_user("api.one@example.com").await.unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound);
    assert!(c.find_user("api.one@example.com").await.unwrap().is_none());

    // A normal user is pending until accepted.
    let mut person = api_user("person@example.com", vec![pair(STANDARD_USER, DEFAULT_WS)]);
    person.api_only = false;
    c.invite_user(&person).await.unwrap();
    assert!(c.get_user("person@example.com").await.unwrap().is_none());
    let pending = c
        .get_invited_user("person@example.com")
        .await
        .unwrap()
        .expect("pending");
    assert_eq!(pending.status.as_deref(), Some("pending"));
    assert!(matches!(
        c.find_user("person@example.com").await.unwrap(),
        Some(FoundUser::Pending(_))
    ));
    h.accept_invite("person@example.com").unwrap();
    assert!(matches!(
        c.find_user("person@example.com").await.unwrap(),
        Some(FoundUser::Active(_))
    ));

    let mut later = api_user("later@example.com", vec![pair(STANDARD_USER, DEFAULT_WS)]);
    later.api_only = false;
    c.invite_user(&later).await.unwrap();
    c.delete_invited_user("later@example.com").await.unwrap();
    assert!(
        c.get_invited_user("later@example.com")
            .await
            .unwrap()
            .is_none()
    );
    h.shutdown().await;
}

#[tokio::test]
async fn client_ims_userids_are_found_by_email() {
    let mut config = Config::default().without_limits();
    config.ims = true;
    let h = start(config).await;
    let c = client(&h);
    c.invite_user(&api_user(
        "ims.api@example.com",
        vec![pair(STANDARD_USER, DEFAULT_WS)],
    ))
    .await
    .unwrap();
    let found = c
        .find_user("ims.api@example.com")
        .await
        .unwrap()
        .expect("found by email");
    assert_ne!(found.userid(), "ims.api@example.com");
    assert!(found.userid().ends_with("@adobe.com"));
    assert_eq!(found.email_address(), "ims.api@example.com");
    let FoundUser::Active(user) = found else {
        panic!("API-only users are active");
    };
    c.update_user(
        &user.userid,
        &UpdateUser {
            last_name: Some("Guid".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    c.delete_user(&user.userid).await.unwrap();
    h.shutdown().await;
}

#[tokio::test]
async fn client_roles_lifecycle() {
    let h = start(Config::default().without_limits()).await;
    let c = client(&h);
    let permissions = c.list_permissions().await.unwrap();
    assert!(permissions.iter().any(|p| p == "Read-Only Lead"));

    let role = c
        .create_role(&NewRole {
            name: "Lead Reader".into(),
            description: Some("reads leads".into()),
            permissions: vec!["Read-Only Lead".into()],
        })
        .await
        .unwrap();
    assert_eq!(role.role.name, "Lead Reader");
    assert_eq!(role.role.role_type.as_deref(), Some("custom"));
    assert_eq!(role.permissions, vec!["Read-Only Lead"]);
    assert_eq!(
        c.get_role(role.role.id).await.unwrap().as_ref(),
        Some(&role)
    );
    let by_name = c
        .find_role_by_name("lead reader")
        .await
        .unwrap()
        .expect("by name");
    assert_eq!(by_name.id, role.role.id);

    let dup = c
        .create_role(&NewRole {
            name: "LEAD READER".into(),
            description: None,
            permissions: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(
        (dup.kind(), dup.code(), dup.status()),
        (ErrorKind::AlreadyExists, Some(1017), Some(409))
    );
    let bad = c
        .create_role(&NewRole {
            name: "Bad".into(),
            description: None,
            permissions: vec!["Read-Only Leed".into()],
        })
        .await
        .unwrap_err();
    assert_eq!(
        (bad.kind(), bad.code()),
        (ErrorKind::Validation, Some(1003))
    );
    assert!(bad.message().contains("Read-Only Leed"));
    let blank = c
        .create_role(&NewRole {
            name: " ".into(),
            description: None,
            permissions: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(
        (blank.kind(), blank.code()),
        (ErrorKind::Validation, Some(701))
    );

    let updated = c
        .update_role(
            role.role.id,
            &RoleUpdate {
                permissions: Some(vec!["Read-Write Lead".into(), "Read-Only Activity".into()]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        updated.permissions,
        vec!["Read-Only Activity", "Read-Write Lead"]
    );
    assert_eq!(updated.role.description.as_deref(), Some("reads leads"));

    assert!(c.get_role(987_654).await.unwrap().is_none());
    let system = c.delete_role(1).await.unwrap_err();
    assert_eq!(
        (system.kind(), system.code()),
        (ErrorKind::Validation, Some(709))
    );

    // A role held by a user cannot be deleted: InUse, naming the user.
    c.invite_user(&api_user(
        "holder@example.com",
        vec![pair(role.role.id, DEFAULT_WS)],
    ))
    .await
    .unwrap();
    let held = c.delete_role(role.role.id).await.unwrap_err();
    assert_eq!((held.kind(), held.code()), (ErrorKind::InUse, Some(1022)));
    assert!(held.message().contains("holder@example.com"), "{held}");
    c.delete_user("holder@example.com").await.unwrap();
    c.delete_role(role.role.id).await.unwrap();
    assert!(c.get_role(role.role.id).await.unwrap().is_none());
    let missing = c.delete_role(role.role.id).await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    h.shutdown().await;
}

#[tokio::test]
async fn client_services_lifecycle_and_credentials_log_in() {
    let h = start(Config::default().without_limits()).await;
    let c = client(&h);
    c.invite_user(&api_user(
        "svc.owner@example.com",
        vec![pair(STANDARD_USER, DEFAULT_WS)],
    ))
    .await
    .unwrap();
    let svc = c
        .create_service(&NewService {
            display_name: "CRM Sync".into(),
            description: Some("sync".into()),
            api_only_user: "svc.owner@example.com".into(),
        })
        .await
        .unwrap();
    assert_eq!(svc.service.api_only_user, "svc.owner@example.com");
    assert_eq!(svc.service.service.as_deref(), Some("Custom"));
    assert!(!svc.client_secret.is_empty());
    assert!(!format!("{svc:?}").contains(svc.client_secret.expose()));

    // The new credentials obtain a token scoped to the owner.
    let token = fetch_token(
        &identity_url(&h),
        &svc.service.client_id,
        &svc.client_secret,
    )
    .await
    .unwrap();
    assert_eq!(token.scope, "svc.owner@example.com");
    assert!(token.expires_in > 0);

    let got = c
        .get_service(svc.service.id)
        .await
        .unwrap()
        .expect("service");
    assert_eq!(got.client_secret, svc.client_secret);
    let listed = c.list_services().await.unwrap();
    assert!(listed.iter().any(|s| s.id == svc.service.id));
    assert_eq!(
        c.find_service_by_client_id(&svc.service.client_id)
            .await
            .unwrap()
            .map(|s| s.id),
        Some(svc.service.id)
    );
    assert_eq!(
        c.find_service_by_name("crm sync")
            .await
            .unwrap()
            .map(|s| s.id),
        Some(svc.service.id)
    );
    let updated = c
        .update_service(
            svc.service.id,
            &ServiceUpdate {
                description: Some("new".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.service.description.as_deref(), Some("new"));
    assert_eq!(updated.service.display_name, "CRM Sync");

    let dup = c
        .create_service(&NewService {
            display_name: "crm SYNC".into(),
            description: None,
            api_only_user: "svc.owner@example.com".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::AlreadyExists);
    let bad_owner = c
        .create_service(&NewService {
            display_name: "X".into(),
            description: None,
            api_only_user: "nobody@example.com".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (bad_owner.kind(), bad_owner.code()),
        (ErrorKind::Validation, Some(1003))
    );

    // The owner cannot go first: 611 is InUse.
    let in_use = c.delete_user("svc.owner@example.com").await.unwrap_err();
    assert_eq!(
        (in_use.kind(), in_use.code(), in_use.status()),
        (ErrorKind::InUse, Some(611), Some(400))
    );
    assert!(!in_use.to_string().contains(svc.client_secret.expose()));

    c.delete_service(svc.service.id).await.unwrap();
    assert!(c.get_service(svc.service.id).await.unwrap().is_none());
    c.delete_user("svc.owner@example.com").await.unwrap();
    h.shutdown().await;
}
