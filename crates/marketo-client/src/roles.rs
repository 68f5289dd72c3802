//! Role management (ours: see docs/guides/admin-endpoints.md). 404/610 here means the instance
//! has no such endpoint ([`ErrorKind::EndpointMissing`](super::ErrorKind::EndpointMissing)).

use super::client::{Call, Client, Mode, encode, optional, parse};
use super::error::{Error, Missing};
use super::find_by_name;
use super::types::{NewRole, Role, RoleDetail, RoleUpdate};

impl Client {
    /// The valid Access API permission names (`roles/permissions.json`).
    pub async fn list_permissions(&self) -> Result<Vec<String>, Error> {
        let list: Option<Vec<String>> = self
            .get_json(
                Call::get(&["roles", "permissions.json"], Missing::Endpoint),
                "permission list",
            )
            .await?;
        Ok(list.unwrap_or_default())
    }

    /// Creates a custom role (`roles/create.json`). After an ambiguous failure the role is looked
    /// up by name and only created again if it is not there.
    pub async fn create_role(&self, role: &NewRole) -> Result<RoleDetail, Error> {
        let call = Call::post(
            &["roles", "create.json"],
            Some(encode(role, "role")?),
            Missing::Endpoint,
        );
        self.create_named(call, "role", &role.name, |this, name| async move {
            match this.find_role_by_name(&name).await? {
                Some(found) => this.get_role(found.id).await,
                None => Ok(None),
            }
        })
        .await
    }

    /// A role with its permissions (`roles/{roleId}/role.json`); `None` if there is no such role.
    pub async fn get_role(&self, id: i64) -> Result<Option<RoleDetail>, Error> {
        let id = id.to_string();
        optional(
            self.get_json(
                Call::get(&["roles", &id, "role.json"], Missing::AdminObject),
                "role",
            )
            .await,
        )
    }

    /// Changes a role (`roles/{roleId}/update.json`); a given `permissions` replaces the set.
    pub async fn update_role(&self, id: i64, update: &RoleUpdate) -> Result<RoleDetail, Error> {
        let id = id.to_string();
        let call = Call::post(
            &["roles", &id, "update.json"],
            Some(encode(update, "role update")?),
            Missing::AdminObject,
        );
        parse(self.execute(&call, Mode::Idempotent).await?, "role")
    }

    /// Deletes a role (`roles/{roleId}/delete.json`). A role held by users gives
    /// [`ErrorKind::InUse`](super::ErrorKind::InUse) (1022, the message names the users); a
    /// system role gives [`ErrorKind::Validation`](super::ErrorKind::Validation) (709).
    pub async fn delete_role(&self, id: i64) -> Result<(), Error> {
        let id = id.to_string();
        let call = Call::post(&["roles", &id, "delete.json"], None, Missing::AdminObject);
        self.execute(&call, Mode::Delete).await.map(|_| ())
    }

    /// A role by name from the published `users/roles.json`: an exact match, else the only
    /// case-insensitive one (names are unique case-insensitively).
    pub async fn find_role_by_name(&self, name: &str) -> Result<Option<Role>, Error> {
        let roles = self.list_roles().await?;
        Ok(find_by_name(&roles, name, |r| &r.name).one().cloned())
    }
}
