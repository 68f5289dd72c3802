//! Small translations between Marketo's fields and Terraform's values that more than one
//! resource or data source makes: optional texts, and the `role_assignment` pairs.

use marketo_client::RoleWorkspace;
use serde::{Deserialize, Serialize};
use tfplugin6::model::{Attr, Set};
use tfplugin6::{Number, Value};

/// Marketo's optional texts come back as `""` or null when unset: both map to Terraform's null,
/// so an omitted attribute never shows a difference.
pub fn optional_text(text: Option<&str>) -> Value {
    match text {
        Some(t) if !t.is_empty() => Value::string(t),
        _ => Value::Null,
    }
}

/// [`optional_text`] for a model: empty text is null.
pub fn optional_attr(text: Option<&str>) -> Attr<String> {
    match text {
        Some(t) if !t.is_empty() => Attr::Known(t.to_string()),
        _ => Attr::Null,
    }
}

/// One `role_assignment`: of the `marketo_api_only_user` resource's blocks, and of the data
/// source's nested attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub role_id: Attr<Number>,
    pub workspace_id: Attr<Number>,
}

impl Assignment {
    /// The pair, when both ids are known whole numbers.
    pub fn ids(&self) -> Option<RoleWorkspace> {
        Some(RoleWorkspace {
            access_role_id: self.role_id.known()?.as_i64()?,
            workspace_id: self.workspace_id.known()?.as_i64()?,
        })
    }
}

/// The `role_assignment` set for role/workspace pairs.
pub fn assignments_attr(pairs: impl IntoIterator<Item = RoleWorkspace>) -> Attr<Set<Assignment>> {
    Attr::Known(
        pairs
            .into_iter()
            .map(|p| Assignment {
                role_id: Attr::Known(Number::from_i64(p.access_role_id)),
                workspace_id: Attr::Known(Number::from_i64(p.workspace_id)),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_text_is_null() {
        assert!(optional_text(Some("")).is_null());
        assert!(optional_text(None).is_null());
        assert_eq!(optional_text(Some("x")), Value::string("x"));
    }
}
