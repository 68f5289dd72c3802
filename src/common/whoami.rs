//! What the provider process learns about itself and the instance's activity, for the plan-time
//! guards of issue 17: the API-only user it logs in as (the token's `scope`), that user's
//! role/workspace pairs, the permissions of the roles it holds, and the last 7 days of usage.
//! Each is asked only when a plan touches access, and at most once per process; only the cache
//! lives here (what is judged against it is `crate::checks`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::{Mutex, OnceCell};

use marketo_client::{Client, ErrorKind, UsageDay};

/// What a look-up answered: the value, or why it could not be had (for the warning).
pub type Learnt<T> = Result<T, String>;

/// What the process learnt, each at most once.
#[derive(Debug, Default)]
pub struct Whoami {
    userid: OnceCell<Learnt<String>>,
    pairs: OnceCell<Learnt<Vec<(i64, i64)>>>,
    grants: Mutex<HashMap<i64, Learnt<Option<Vec<String>>>>>,
    usage: OnceCell<Learnt<Vec<UsageDay>>>,
    usage_failure_told: AtomicBool,
}

impl Whoami {
    /// The userid of the API-only user the provider logs in as: the `scope` of its token (the
    /// token the provider already holds, so no call).
    pub async fn userid(&self, client: &Client) -> Learnt<String> {
        self.userid
            .get_or_init(|| async {
                client
                    .identity_email()
                    .await
                    .map_err(|e| format!("the provider's own user could not be learnt ({e})"))
            })
            .await
            .clone()
    }

    /// The provider user's (role id, workspace id) pairs, as the instance holds them now.
    pub async fn pairs(&self, client: &Client) -> Learnt<Vec<(i64, i64)>> {
        let userid = self.userid(client).await?;
        self.pairs
            .get_or_init(|| async {
                client
                    .get_user_roles(&userid)
                    .await
                    .map(|list| {
                        list.iter()
                            .map(|p| (p.access_role_id, p.workspace_id))
                            .collect()
                    })
                    .map_err(|e| format!("the roles of \"{userid}\" could not be read ({e})"))
            })
            .await
            .clone()
    }

    /// The permissions of role `id` as the instance exposes them: `None` when the role no
    /// longer exists, an error when the instance does not say (Marketo's published API has no
    /// role permissions) or the call failed.
    pub async fn grants(&self, client: &Client, id: i64) -> Learnt<Option<Vec<String>>> {
        let mut known = self.grants.lock().await;
        if let Some(found) = known.get(&id) {
            return found.clone();
        }
        let found = match client.get_role(id).await {
            Ok(detail) => Ok(detail.map(|d| d.permissions)),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => Err(format!(
                "the instance does not expose the permissions of role {id} (Marketo's published \
                 roles.json has none)"
            )),
            Err(e) => Err(format!(
                "the permissions of role {id} could not be read ({e})"
            )),
        };
        known.insert(id, found.clone());
        found
    }

    /// True the first time it is asked: a failed usage read is told once per process.
    pub fn first_usage_failure(&self) -> bool {
        !self.usage_failure_told.swap(true, Ordering::SeqCst)
    }

    /// The instance's last 7 days of API calls per API user (Marketo's Usage API), read once.
    pub async fn usage(&self, client: &Client) -> Learnt<Vec<UsageDay>> {
        self.usage
            .get_or_init(|| async {
                client.usage_last_7_days().await.map_err(|e| {
                    format!("Marketo's usage of the last 7 days could not be read ({e})")
                })
            })
            .await
            .clone()
    }
}
