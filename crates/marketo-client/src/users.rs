//! The published User Management API (`/userservice/management/v1/users/...`).

use serde_json::{Value, json};

use super::client::{Call, Client, Lookup, Mode, encode, optional, parse};
use super::config::RoleBodyShape;
use super::error::{Error, Missing};
use super::types::{
    FoundUser, InviteUser, InvitedUser, Role, RoleWorkspace, UpdateUser, User, UserRoleWorkspace,
    UserSummary, Workspace,
};

impl Client {
    /// Every user, paging `users/allusers.json` 200 at a time until a short page.
    pub async fn list_users(&self) -> Result<Vec<UserSummary>, Error> {
        self.list_paged(&["users", "allusers.json"], "user list")
            .await
    }

    /// An active user (`users/{userid}/user.json`); `None` if Marketo answers 404.
    pub async fn get_user(&self, userid: &str) -> Result<Option<User>, Error> {
        optional(
            self.get_json(
                Call::get(&["users", userid, "user.json"], Missing::Object),
                "user",
            )
            .await,
        )
    }

    /// A pending invitation (`users/{userid}/invite.json`); `None` if Marketo answers 404.
    pub async fn get_invited_user(&self, userid: &str) -> Result<Option<InvitedUser>, Error> {
        optional(
            self.get_json(
                Call::get(&["users", userid, "invite.json"], Missing::Object),
                "invited user",
            )
            .await,
        )
    }

    /// A user by userid: the active user (`user.json`), else the pending invitation
    /// (`invite.json`); `None` if there is neither.
    pub async fn get_user_or_invitation(&self, userid: &str) -> Result<Option<FoundUser>, Error> {
        if let Some(user) = self.get_user(userid).await? {
            return Ok(Some(FoundUser::Active(user)));
        }
        Ok(self.get_invited_user(userid).await?.map(FoundUser::Pending))
    }

    /// Invites a user (`users/invite.json`; Marketo answers `true` and no id: read it back with
    /// [`Client::find_user`]).
    ///
    /// Never sent twice blindly: after an ambiguous failure the user is looked up by userid
    /// (`user.json`, then `invite.json`) or, when no userid was given, also by email in
    /// `allusers.json`; the invite is resent only if the user is not there.
    pub async fn invite_user(&self, invite: &InviteUser) -> Result<(), Error> {
        let body = encode(invite, "invitation")?;
        let call = Call::post(&["users", "invite.json"], Some(body), Missing::Endpoint);
        let invite = invite.clone();
        let _: Value = self
            .guarded_write(call, "invite response", move |this| {
                let invite = invite.clone();
                async move {
                    Ok(if this.invitation_exists(&invite).await? {
                        Lookup::Found(Value::Bool(true))
                    } else {
                        Lookup::Resend(None)
                    })
                }
            })
            .await?;
        Ok(())
    }

    async fn invitation_exists(&self, invite: &InviteUser) -> Result<bool, Error> {
        let userid = invite.userid.as_deref().unwrap_or(&invite.email_address);
        if self.get_user_or_invitation(userid).await?.is_some() {
            return Ok(true);
        }
        if invite.userid.is_none() {
            // Adobe Identity instances generate the userid: look by email.
            let users = self.list_users().await?;
            return Ok(users
                .iter()
                .any(|u| u.email_address.eq_ignore_ascii_case(&invite.email_address)));
        }
        Ok(false)
    }

    /// Updates an active user's attributes (`users/{userid}/update.json`); idempotent, so resent
    /// on transient failures.
    pub async fn update_user(&self, userid: &str, update: &UpdateUser) -> Result<User, Error> {
        let body = encode(update, "update")?;
        let call = Call::post(
            &["users", userid, "update.json"],
            Some(body),
            Missing::Object,
        );
        parse(self.execute(&call, Mode::Idempotent).await?, "user")
    }

    /// Deletes an active user (`users/{userid}/delete.json`). A user that owns a custom service
    /// gives [`ErrorKind::InUse`](super::ErrorKind::InUse) (611). NotFound if there was no such user
    /// (unless an earlier, unanswered attempt of this call deleted it).
    pub async fn delete_user(&self, userid: &str) -> Result<(), Error> {
        let call = Call::post(&["users", userid, "delete.json"], None, Missing::Object);
        self.execute(&call, Mode::Delete).await.map(|_| ())
    }

    /// Deletes a pending invitation (`users/{userid}/invite/delete.json`).
    pub async fn delete_invited_user(&self, userid: &str) -> Result<(), Error> {
        let call = Call::post(
            &["users", userid, "invite", "delete.json"],
            None,
            Missing::Object,
        );
        self.execute(&call, Mode::Delete).await.map(|_| ())
    }

    /// A user's role-workspace pairs (`users/{userid}/roles.json`).
    pub async fn get_user_roles(&self, userid: &str) -> Result<Vec<UserRoleWorkspace>, Error> {
        let list: Option<Vec<UserRoleWorkspace>> = self
            .get_json(
                Call::get(&["users", userid, "roles.json"], Missing::Object),
                "user role list",
            )
            .await?;
        Ok(list.unwrap_or_default())
    }

    fn role_body(&self, roles: &[RoleWorkspace]) -> Value {
        match self.config().role_body_shape {
            RoleBodyShape::Wrapped => json!({ "input": roles }),
            RoleBodyShape::BareArray => json!(roles),
        }
    }

    /// Adds role-workspace pairs (`users/{userid}/roles/create.json`) and returns the user's full
    /// list. After an ambiguous failure the list is re-read and only the missing pairs are resent.
    pub async fn add_user_roles(
        &self,
        userid: &str,
        roles: &[RoleWorkspace],
    ) -> Result<Vec<UserRoleWorkspace>, Error> {
        self.user_roles_call(PairsOp::Add, userid, roles).await
    }

    /// Removes role-workspace pairs (`users/{userid}/roles/delete.json`) and returns the remaining
    /// list. After an ambiguous failure the list is re-read and only the pairs still held are resent.
    pub async fn delete_user_roles(
        &self,
        userid: &str,
        roles: &[RoleWorkspace],
    ) -> Result<Vec<UserRoleWorkspace>, Error> {
        self.user_roles_call(PairsOp::Remove, userid, roles).await
    }

    /// One change to a user's role-workspace pairs, through [`Client::guarded_write`]: Marketo does
    /// not say whether adding a pair already held, or removing one no longer held, is refused, so
    /// after an ambiguous failure the call is not resent as it was. The user's list is re-read and
    /// the call resent with only the pairs `op` still has to change, or not at all (the list read
    /// is then the answer).
    async fn user_roles_call(
        &self,
        op: PairsOp,
        userid: &str,
        roles: &[RoleWorkspace],
    ) -> Result<Vec<UserRoleWorkspace>, Error> {
        let call = Call::post(
            &["users", userid, "roles", op.endpoint()],
            Some(self.role_body(roles)),
            Missing::Object,
        );
        let userid_owned = userid.to_owned();
        let asked = roles.to_vec();
        let list: Option<Vec<UserRoleWorkspace>> = self
            .guarded_write(call, "user role list", move |this| {
                let userid = userid_owned.clone();
                let asked = asked.clone();
                async move {
                    let current = this.get_user_roles(&userid).await?;
                    let pending = op.pending(&asked, &current);
                    Ok(if pending.is_empty() {
                        Lookup::Found(Some(current))
                    } else {
                        Lookup::Resend(Some(this.role_body(&pending)))
                    })
                }
            })
            .await?;
        Ok(list.unwrap_or_default())
    }

    /// Every role, system and custom (`users/roles.json`), without permissions.
    pub async fn list_roles(&self) -> Result<Vec<Role>, Error> {
        let list: Option<Vec<Role>> = self
            .get_json(
                Call::get(&["users", "roles.json"], Missing::Endpoint),
                "role list",
            )
            .await?;
        Ok(list.unwrap_or_default())
    }

    /// Every workspace (`users/workspaces.json`).
    pub async fn list_workspaces(&self) -> Result<Vec<Workspace>, Error> {
        let list: Option<Vec<Workspace>> = self
            .get_json(
                Call::get(&["users", "workspaces.json"], Missing::Endpoint),
                "workspace list",
            )
            .await?;
        Ok(list.unwrap_or_default())
    }

    /// Finds a user by userid (active first, then pending) or, failing that, by email address
    /// (case-insensitive) through `allusers.json`.
    pub async fn find_user(&self, userid_or_email: &str) -> Result<Option<FoundUser>, Error> {
        if let Some(found) = self.get_user_or_invitation(userid_or_email).await? {
            return Ok(Some(found));
        }
        if !userid_or_email.contains('@') {
            return Ok(None);
        }
        let users = self.list_users().await?;
        let candidates = users.iter().filter(|u| {
            u.email_address.eq_ignore_ascii_case(userid_or_email) && u.userid != userid_or_email
        });
        for candidate in candidates {
            if let Some(found) = self.get_user_or_invitation(&candidate.userid).await? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
}

/// Which change [`Client::user_roles_call`] makes to a user's role-workspace pairs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PairsOp {
    /// `roles/create.json`: the user comes to hold the pairs.
    Add,
    /// `roles/delete.json`: the user stops holding them.
    Remove,
}

impl PairsOp {
    /// The endpoint's last path segment.
    fn endpoint(self) -> &'static str {
        match self {
            PairsOp::Add => "create.json",
            PairsOp::Remove => "delete.json",
        }
    }

    /// The pairs of `asked` still to send, given the pairs the user holds: for an add those not
    /// held yet, for a removal those still held.
    fn pending(self, asked: &[RoleWorkspace], current: &[UserRoleWorkspace]) -> Vec<RoleWorkspace> {
        asked
            .iter()
            .filter(|w| current.iter().any(|c| c.ids() == **w) == (self == PairsOp::Remove))
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(role: i64, ws: i64) -> RoleWorkspace {
        RoleWorkspace {
            access_role_id: role,
            workspace_id: ws,
        }
    }

    fn held(role: i64, ws: i64) -> UserRoleWorkspace {
        UserRoleWorkspace {
            access_role_id: role,
            access_role_name: None,
            workspace_id: ws,
            workspace_name: None,
        }
    }

    #[test]
    fn an_add_resends_what_is_missing_and_a_removal_what_is_still_held() {
        let asked = [pair(2, 1), pair(24, 1), pair(24, 0)];
        let current = [held(2, 1), held(24, 0), held(101, 0)];
        assert_eq!(PairsOp::Add.pending(&asked, &current), vec![pair(24, 1)]);
        assert_eq!(
            PairsOp::Remove.pending(&asked, &current),
            vec![pair(2, 1), pair(24, 0)]
        );
        assert_eq!(PairsOp::Add.endpoint(), "create.json");
        assert_eq!(PairsOp::Remove.endpoint(), "delete.json");
    }
}
