//! The instance's lists (roles, workspaces, services) as the plan-time checks last read them:
//! fetched only when a check needs one, at most once per provider process unless a check asks
//! for a fresh copy. Only the cache lives here; what is judged against it is `crate::checks`.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Mutex;

use marketo_client::{Client, Role, Service, UserSummary, Workspace};

/// A list as last fetched: `None` before the first fetch, `Some(None)` when it failed.
type Slot<T> = Mutex<Option<Option<Arc<Vec<T>>>>>;

/// The instance's lists, kept for the life of the provider process.
#[derive(Debug, Default)]
pub struct Lists {
    roles: Slot<Role>,
    workspaces: Slot<Workspace>,
    services: Slot<Service>,
    users: Slot<UserSummary>,
    /// The ids of the roles this process made: they exist, whatever a list read before says.
    made_roles: std::sync::Mutex<Vec<i64>>,
    /// The userids of the API-only users this process invited.
    made_users: std::sync::Mutex<Vec<String>>,
}

/// A list, and whether it was kept from an earlier fetch.
pub struct Got<T> {
    pub items: Arc<Vec<T>>,
    pub kept: bool,
}

/// The list in `slot`, fetched with `fetch` when there is none yet or when `fresh`. `None` when
/// the fetch fails (then the check is skipped).
async fn get<T, F, Fut>(slot: &Slot<T>, fresh: bool, what: &str, fetch: F) -> Option<Got<T>>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<T>, marketo_client::Error>>,
{
    let mut kept = slot.lock().await;
    if let Some(result) = kept.as_ref()
        && !fresh
    {
        return result.clone().map(|items| Got { items, kept: true });
    }
    let result = match fetch().await {
        Ok(items) => Some(Arc::new(items)),
        Err(e) => {
            tracing::warn!(error = %e, "could not list the {what} for the plan-time checks");
            None
        }
    };
    *kept = Some(result.clone());
    result.map(|items| Got { items, kept: false })
}

impl Lists {
    /// Records a role this process has just made.
    pub fn note_made_role(&self, id: i64) {
        let mut made = self
            .made_roles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        made.push(id);
    }

    /// Records an API-only user this process has just invited.
    pub fn note_made_user(&self, userid: &str) {
        let mut made = self
            .made_users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        made.push(userid.to_lowercase());
    }

    /// Whether this process invited the API-only user `userid` (compared regardless of case).
    pub fn made_user(&self, userid: &str) -> bool {
        let wanted = userid.to_lowercase();
        self.made_users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(&wanted)
    }

    /// The instance's users (`allusers.json`), kept like the other lists.
    pub async fn users(&self, client: &Client, fresh: bool) -> Option<Got<UserSummary>> {
        get(&self.users, fresh, "users", || client.list_users()).await
    }

    /// The ids of the roles this process made.
    pub fn made_roles(&self) -> Vec<i64> {
        self.made_roles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub async fn roles(&self, client: &Client, fresh: bool) -> Option<Got<Role>> {
        get(&self.roles, fresh, "roles", || client.list_roles()).await
    }

    pub async fn workspaces(&self, client: &Client, fresh: bool) -> Option<Got<Workspace>> {
        get(&self.workspaces, fresh, "workspaces", || {
            client.list_workspaces()
        })
        .await
    }

    pub async fn services(&self, client: &Client, fresh: bool) -> Option<Got<Service>> {
        get(&self.services, fresh, "services", || client.list_services()).await
    }
}
