//! Request and response bodies, with the field names of `swagger-user.json`, of the Usage API
//! (`swagger-mapi.json`'s `UsageData` and `ErrorsData`) and of `docs/guides/admin-endpoints.md`. Responses are read leniently: missing optional fields
//! default, both spellings Marketo's docs use are accepted (`userid`/`userId`,
//! `isHidden`/`hidden`, `isOnlyAllZones`/`onlyAllZones`), and `subscriptionId` may be a string or
//! a number.

use serde::{Deserialize, Deserializer, Serialize};

use super::date::{MarketoDateTime, deserialize_opt};
use super::secret::Secret;

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn string_or_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        I(i64),
        F(f64),
        B(bool),
    }
    Ok(match Option::<Raw>::deserialize(deserializer)? {
        None => None,
        Some(Raw::S(s)) => Some(s),
        Some(Raw::I(i)) => Some(i.to_string()),
        Some(Raw::F(f)) => Some(f.to_string()),
        Some(Raw::B(b)) => Some(b.to_string()),
    })
}

/// [`string_or_number`], with `null` read as an empty string.
fn string_or_number_or_empty<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    Ok(string_or_number(deserializer)?.unwrap_or_default())
}

/// A role-workspace pair to assign or remove (`UserRoleWorkspaceId`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleWorkspace {
    /// Role id.
    pub access_role_id: i64,
    /// Workspace id (0 = all workspaces).
    pub workspace_id: i64,
}

/// A role-workspace pair a user holds (`UserRoleWorkspace`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRoleWorkspace {
    /// Role id.
    pub access_role_id: i64,
    /// Role name.
    #[serde(default)]
    pub access_role_name: Option<String>,
    /// Workspace id.
    pub workspace_id: i64,
    /// Workspace name.
    #[serde(default, deserialize_with = "string_or_number")]
    pub workspace_name: Option<String>,
}

impl UserRoleWorkspace {
    /// The id pair.
    pub fn ids(&self) -> RoleWorkspace {
        RoleWorkspace {
            access_role_id: self.access_role_id,
            workspace_id: self.workspace_id,
        }
    }
}

/// An active user (`ResponseOfUser`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Login id (an email, or a GUID on Adobe Identity instances).
    #[serde(alias = "userId")]
    pub userid: String,
    /// Numeric id.
    #[serde(default)]
    pub id: i64,
    /// First name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub first_name: String,
    /// Last name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub last_name: String,
    /// Email address.
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_address: String,
    /// Whether the user is API-only.
    #[serde(default, deserialize_with = "null_as_default")]
    pub api_only: bool,
    /// Opted in.
    #[serde(default, deserialize_with = "null_as_default")]
    pub opted_in: bool,
    /// Failed logins.
    #[serde(default, deserialize_with = "null_as_default")]
    pub failed_logins: i64,
    /// Failed device code.
    #[serde(default, deserialize_with = "null_as_default")]
    pub failed_device_code: i64,
    /// Locked.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_locked: bool,
    /// Why the user is locked.
    #[serde(default)]
    pub locked_reason: Option<String>,
    /// Role-workspace pairs.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_role_workspaces: Vec<UserRoleWorkspace>,
    /// When the login expires (`None`: never).
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub expires_at: Option<MarketoDateTime>,
    /// Last login.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub last_login_at: Option<MarketoDateTime>,
}

/// A pending (invited, not yet accepted) user (`ResponseOfInvitedUser`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitedUser {
    /// Login id.
    #[serde(alias = "userId")]
    pub userid: String,
    /// Numeric id.
    #[serde(default)]
    pub id: i64,
    /// First name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub first_name: String,
    /// Last name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub last_name: String,
    /// Email address.
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_address: String,
    /// Subscription id (a string in the swagger, a number in the guide).
    #[serde(default, deserialize_with = "string_or_number")]
    pub subscription_id: Option<String>,
    /// `"pending"`.
    #[serde(default)]
    pub status: Option<String>,
    /// When the login expires.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub expires_at: Option<MarketoDateTime>,
    /// Created.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub created_at: Option<MarketoDateTime>,
    /// Updated.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub updated_at: Option<MarketoDateTime>,
}

/// A user as `allusers.json` lists it (`ResponseOfAllUsers`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    /// Login id.
    #[serde(alias = "userId")]
    pub userid: String,
    /// Numeric id.
    #[serde(default)]
    pub id: i64,
    /// First name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub first_name: String,
    /// Last name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub last_name: String,
    /// Email address.
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_address: String,
    /// API-only.
    #[serde(default, deserialize_with = "null_as_default")]
    pub api_only: bool,
}

/// A user found by [`Client::find_user`](super::Client::find_user).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FoundUser {
    /// Accepted / active (`user.json`).
    Active(User),
    /// Invited, pending (`invite.json`).
    Pending(InvitedUser),
}

impl FoundUser {
    /// The login id.
    pub fn userid(&self) -> &str {
        match self {
            FoundUser::Active(u) => &u.userid,
            FoundUser::Pending(u) => &u.userid,
        }
    }

    /// The email address.
    pub fn email_address(&self) -> &str {
        match self {
            FoundUser::Active(u) => &u.email_address,
            FoundUser::Pending(u) => &u.email_address,
        }
    }
}

/// Body of `users/invite.json` (`InviteUserRequest`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteUser {
    /// Email address (required).
    pub email_address: String,
    /// First name (required).
    pub first_name: String,
    /// Last name (required).
    pub last_name: String,
    /// Role-workspace pairs (required).
    pub user_role_workspaces: Vec<RoleWorkspace>,
    /// Login id; Marketo defaults it to the email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userid: Option<String>,
    /// API-only user.
    #[serde(default)]
    pub api_only: bool,
    /// When the login expires; sent as ISO 8601 with milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<MarketoDateTime>,
    /// Reason for the invitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Body of `users/{userid}/update.json` (`UpdateUserAttributesRequest`). Unset fields are not sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUser {
    /// New email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    /// New first name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// New last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// New expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<MarketoDateTime>,
    /// API-only (the swagger lists it; whether Marketo honours a change is unconfirmed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_only: Option<bool>,
}

/// A role as `users/roles.json` lists it (`ResponseOfRole`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// Role id.
    pub id: i64,
    /// Name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// `"system"` or `"custom"`.
    #[serde(rename = "type", default)]
    pub role_type: Option<String>,
    /// Hidden.
    #[serde(alias = "hidden", default, deserialize_with = "null_as_default")]
    pub is_hidden: bool,
    /// Assignable only on workspace 0 (all zones).
    #[serde(alias = "onlyAllZones", default, deserialize_with = "null_as_default")]
    pub is_only_all_zones: bool,
    /// Created.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub created_at: Option<MarketoDateTime>,
    /// Updated.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub updated_at: Option<MarketoDateTime>,
}

/// A role with its Access API permissions (`ResponseOfRoleDetail`, ours).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDetail {
    /// The published fields.
    #[serde(flatten)]
    pub role: Role,
    /// Access API permission names, sorted by name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub permissions: Vec<String>,
}

/// Body of `roles/create.json` (ours).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRole {
    /// Name (1..50 chars, unique per instance, case-insensitive).
    pub name: String,
    /// Description (at most 255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Access API permission names (may be empty).
    pub permissions: Vec<String>,
}

/// Body of `roles/{roleId}/update.json` (ours). Unset fields are not sent; a given `permissions`
/// replaces the whole set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleUpdate {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New permission set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
}

/// A workspace (`ResponseOfWorkspace`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// Workspace id (0 = all zones).
    pub id: i64,
    /// Name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Global visibility.
    #[serde(default)]
    pub global_viz: Option<i64>,
    /// Status, e.g. `"active"`.
    #[serde(default)]
    pub status: Option<String>,
    /// Currency information.
    #[serde(default)]
    pub currency_info: Option<String>,
    /// Created.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub created_at: Option<MarketoDateTime>,
    /// Updated.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub updated_at: Option<MarketoDateTime>,
}

/// A LaunchPoint custom service without its secret (`ResponseOfService`, ours).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// Service id.
    pub id: i64,
    /// Display name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub display_name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Always `"Custom"`.
    #[serde(default)]
    pub service: Option<String>,
    /// The owning API-only user's userid.
    #[serde(default, deserialize_with = "null_as_default")]
    pub api_only_user: String,
    /// Client ID.
    #[serde(default, deserialize_with = "null_as_default")]
    pub client_id: String,
    /// Created.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub created_at: Option<MarketoDateTime>,
    /// Updated.
    #[serde(default, deserialize_with = "deserialize_opt")]
    pub updated_at: Option<MarketoDateTime>,
}

/// A custom service with its Client Secret (`ResponseOfServiceDetail`, ours).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDetail {
    /// The listed fields.
    #[serde(flatten)]
    pub service: Service,
    /// Client Secret (redacted in `Debug`).
    pub client_secret: Secret,
}

/// Body of `services/create.json` (ours).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewService {
    /// Display name (1..50 chars, unique per instance, case-insensitive).
    pub display_name: String,
    /// Description (at most 255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The owner: userid of an active API-only user.
    pub api_only_user: String,
}

/// Body of `services/{serviceId}/update.json` (ours). The owner cannot change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceUpdate {
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One day of the Usage API (`UsageData`): the API calls made on a Marketo day (midnight to
/// midnight US Central time), in total and per API-only user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageDay {
    /// The day, as Marketo writes it (`YYYY-MM-DD`).
    pub date: String,
    /// Calls that day.
    #[serde(default, deserialize_with = "null_as_default")]
    pub total: u64,
    /// Calls per API-only user.
    #[serde(default, deserialize_with = "null_as_default")]
    pub users: Vec<UserCount>,
}

/// One API-only user's calls on a day (`UserCount`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCount {
    /// The API-only user: its email, the `scope` of its tokens (see
    /// [`Client::identity_email`](crate::Client::identity_email)).
    #[serde(rename = "userId", default, deserialize_with = "null_as_default")]
    pub user_id: String,
    /// Its calls that day.
    #[serde(default, deserialize_with = "null_as_default")]
    pub count: u64,
}

/// One day of the Usage API's errors (`ErrorsData`): the error answers of a Marketo day, in total
/// and per error code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDay {
    /// The day, as Marketo writes it (`YYYY-MM-DD`).
    pub date: String,
    /// Error answers that day.
    #[serde(default, deserialize_with = "null_as_default")]
    pub total: u64,
    /// Error answers per code.
    #[serde(default, deserialize_with = "null_as_default")]
    pub errors: Vec<ErrorCount>,
}

/// The answers with one error code on a day (`ErrorCount`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCount {
    /// The Marketo error code, e.g. `"606"` (Marketo sends a string; a number is read too).
    #[serde(
        rename = "errorCode",
        default,
        deserialize_with = "string_or_number_or_empty"
    )]
    pub error_code: String,
    /// Answers with it that day.
    #[serde(default, deserialize_with = "null_as_default")]
    pub count: u64,
}

/// An Identity token (`ResponseOfIdentity`).
#[derive(Clone, Debug)]
pub struct TokenInfo {
    /// The access token (redacted in `Debug`).
    pub token: Secret,
    /// Seconds of life left when it was issued.
    pub expires_in: u64,
    /// The owning API-only user's userid (Marketo: its email), under which the Usage API counts
    /// the calls made with the token.
    pub scope: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_guide_sample() {
        let u: User = serde_json::from_value(json!({
          "userid": "jamie@houselannister.com", "firstName": "Jamie", "lastName": "Lannister",
          "emailAddress": "jamie@lannister.com", "optedIn": false, "failedLogins": 0, "failedDeviceCode": 0,
          "isLocked": false, "lockedReason": null, "id": 0, "apiOnly": false,
          "userRoleWorkspaces": [
            { "accessRoleId": 1, "accessRoleName": "Admin", "workspaceId": 0, "workspaceName": "AllZones" },
            { "accessRoleId": 2, "accessRoleName": "Standard User", "workspaceId": 1008, "workspaceName": "World" } ],
          "expiresAt": "2020-12-31T08:00:00.000t+0000",
          "lastLoginAt": "2020-02-05T01:02:23.000t+0000"
        }))
        .unwrap();
        assert_eq!(u.userid, "jamie@houselannister.com");
        assert_eq!(
            u.user_role_workspaces[1].ids(),
            RoleWorkspace {
                access_role_id: 2,
                workspace_id: 1008
            }
        );
        assert_eq!(
            u.expires_at.unwrap().to_iso8601(),
            "2020-12-31T08:00:00.000+00:00"
        );
        assert!(u.locked_reason.is_none());
    }

    #[test]
    fn invited_user_guide_sample_with_user_id_and_numeric_subscription() {
        let u: InvitedUser = serde_json::from_value(json!({
            "id": 25112, "firstName": "Jamie", "lastName": "Lannister", "emailAddress": "jamie@lannister.com",
            "userId": "jamie@lannister.com", "subscriptionId": 3381, "status": "pending",
            "expiresAt": "20200807T20:49:54.0t+0000", "createdAt": "20200731T20:49:54.0t+0000",
            "updatedAt": "20200731T20:49:54.0t+0000" }))
        .unwrap();
        assert_eq!(u.userid, "jamie@lannister.com");
        assert_eq!(u.subscription_id.as_deref(), Some("3381"));
        let u: InvitedUser = serde_json::from_value(json!({
            "id": 1, "userid": "a@b.c", "subscriptionId": "abc", "status": "pending"}))
        .unwrap();
        assert_eq!(u.subscription_id.as_deref(), Some("abc"));
    }

    #[test]
    fn role_accepts_both_flag_spellings() {
        let a: Role = serde_json::from_value(
            json!({"id":1,"name":"Admin","description":"d","type":"system",
            "isHidden":false,"isOnlyAllZones":true,"createdAt":"2026-11-28T04:20:00.000t+0000"}),
        )
        .unwrap();
        let b: Role = serde_json::from_value(json!({"id":1,"name":"Admin","type":"system",
            "hidden":false,"onlyAllZones":true}))
        .unwrap();
        assert!(a.is_only_all_zones && b.is_only_all_zones);
        assert_eq!(a.role_type.as_deref(), Some("system"));
        let d: RoleDetail = serde_json::from_value(json!({"id":101,"name":"R","type":"custom",
            "isHidden":false,"isOnlyAllZones":false,"permissions":["Read-Only Lead"]}))
        .unwrap();
        assert_eq!(d.role.id, 101);
        assert_eq!(d.permissions, vec!["Read-Only Lead"]);
    }

    #[test]
    fn request_bodies_use_swagger_names() {
        let invite = InviteUser {
            email_address: "a@b.co".into(),
            first_name: "A".into(),
            last_name: "B".into(),
            user_role_workspaces: vec![RoleWorkspace {
                access_role_id: 2,
                workspace_id: 0,
            }],
            userid: None,
            api_only: true,
            expires_at: Some(MarketoDateTime::parse("2030-12-31T23:59:59.250-05:00").unwrap()),
            reason: None,
        };
        assert_eq!(
            serde_json::to_value(&invite).unwrap(),
            json!({"emailAddress":"a@b.co","firstName":"A","lastName":"B",
                   "userRoleWorkspaces":[{"accessRoleId":2,"workspaceId":0}],
                   "apiOnly":true,"expiresAt":"2030-12-31T23:59:59.250-05:00"})
        );
        assert_eq!(
            serde_json::to_value(UpdateUser::default()).unwrap(),
            json!({})
        );
        assert_eq!(
            serde_json::to_value(NewService {
                display_name: "S".into(),
                description: None,
                api_only_user: "u".into()
            })
            .unwrap(),
            json!({"displayName":"S","apiOnlyUser":"u"})
        );
    }

    #[test]
    fn service_detail_hides_secret_in_debug() {
        let d: ServiceDetail =
            serde_json::from_value(json!({"id":3,"displayName":"S","service":"Custom",
            "apiOnlyUser":"u@x.io","clientId":"cid","clientSecret":"ABCDEFGHsecret123456"}))
            .unwrap();
        assert_eq!(d.client_secret.expose(), "ABCDEFGHsecret123456");
        assert!(!format!("{d:?}").contains("ABCDEFGHsecret123456"));
        let t = TokenInfo {
            token: Secret::new("tok-abcdefg"),
            expires_in: 1,
            scope: "s".into(),
        };
        assert!(!format!("{t:?}").contains("tok-abcdefg"));
    }
}
