//! The one translation between Marketo's service and the resource's model.

use super::model::ServiceModel;
use crate::common::optional_attr;
use marketo_client::ServiceDetail;
use tfplugin6::model::Attr;

/// The state of a service as Marketo describes it, secret included. Marketo matches userids
/// regardless of case and answers the user's own spelling: the owner keeps the spelling of
/// `known` (the plan or the prior state) when it names the same user, so that an apply matches
/// its plan and a refresh plans no replacement.
pub(super) fn state_of(detail: &ServiceDetail, known: Option<&ServiceModel>) -> ServiceModel {
    let s = &detail.service;
    let owner = match known.and_then(|k| k.api_only_user.as_str()) {
        Some(mine) if mine.eq_ignore_ascii_case(&s.api_only_user) => mine,
        _ => s.api_only_user.as_str(),
    };
    let mut state = ServiceModel {
        id: Attr::Known(s.id.to_string()),
        display_name: Attr::Known(s.display_name.clone()),
        description: optional_attr(s.description.as_deref()),
        api_only_user: Attr::Known(owner.to_string()),
        client_id: Attr::Known(s.client_id.clone()),
        ..ServiceModel::default()
    };
    state.keep_secret(
        known.is_none_or(ServiceModel::stores_secret),
        Attr::Known(detail.client_secret.expose().to_string()),
    );
    state
}
