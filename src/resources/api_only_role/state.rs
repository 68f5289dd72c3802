//! The one translation between Marketo's role and the resource's model.

use super::model::RoleModel;
use crate::common::optional_attr;
use marketo_client::RoleDetail;
use tfplugin6::model::{Attr, Set};

/// The permission names of a known set, sorted.
pub(super) fn permission_names(v: &Attr<Set<Attr<String>>>) -> Vec<String> {
    let mut names: Vec<String> = v
        .known()
        .into_iter()
        .flatten()
        .filter_map(Attr::as_str)
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

pub(super) fn names_set(names: impl IntoIterator<Item = String>) -> Attr<Set<Attr<String>>> {
    Attr::Known(names.into_iter().map(Attr::Known).collect())
}

/// The permissions to record: Marketo's, but in the configuration's spelling when they are the
/// same names apart from case (so that an apply never reports an inconsistent result).
pub(super) fn permissions_value(
    from_marketo: &[String],
    planned: Option<&Attr<Set<Attr<String>>>>,
) -> Attr<Set<Attr<String>>> {
    if let Some(planned) = planned {
        let mine = permission_names(planned);
        let mut theirs: Vec<String> = from_marketo.iter().map(|p| p.to_lowercase()).collect();
        theirs.sort();
        theirs.dedup();
        let mut lower: Vec<String> = mine.iter().map(|p| p.to_lowercase()).collect();
        lower.sort();
        let fully_known = planned
            .known()
            .is_some_and(|set| set.iter().all(Attr::is_known));
        if fully_known && lower == theirs {
            return names_set(mine);
        }
    }
    names_set(from_marketo.iter().cloned())
}

/// The state of a role as Marketo describes it.
pub(super) fn state_of(detail: &RoleDetail, planned: Option<&RoleModel>) -> RoleModel {
    let role = &detail.role;
    RoleModel {
        id: Attr::Known(role.id.to_string()),
        name: Attr::Known(role.name.clone()),
        description: optional_attr(role.description.as_deref()),
        permissions: permissions_value(&detail.permissions, planned.map(|p| &p.permissions)),
        role_type: role.role_type.clone().into(),
    }
}
