//! `marketo_api_usage`: the instance's API calls per Marketo day, in total and per API-only user,
//! and its error answers per code, today or over the last seven days, from the published Usage
//! API (`stats/usage.json`, `stats/errors.json` and their `last7days` forms). Two calls a read.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::adapters::lookup::ModelDataSource;
use crate::checks::values;
use crate::common::{Shared, api_error};
use marketo_client::{Client, ErrorDay, UsageDay};
use tfplugin6::model::Attr;
use tfplugin6::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, NestingMode, Schema, Type,
};

/// The periods the Usage API answers, as `period` spells them; the first is the default.
const PERIODS: [&str; 2] = ["today", "last_7_days"];

/// What `period` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Today,
    Last7Days,
}

impl Period {
    /// The period `period` names; null means today. `None` for anything else.
    fn of(period: &Attr<String>) -> Option<Period> {
        match period {
            Attr::Null => Some(Period::Today),
            Attr::Known(p) if p == PERIODS[0] => Some(Period::Today),
            Attr::Known(p) if p == PERIODS[1] => Some(Period::Last7Days),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Period::Today => PERIODS[0],
            Period::Last7Days => PERIODS[1],
        }
    }
}

/// One API-only user's calls on a day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserCalls {
    pub email: Attr<String>,
    pub count: Attr<u64>,
}

/// The error answers with one code on a day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorCalls {
    pub code: Attr<String>,
    pub count: Attr<u64>,
}

/// One Marketo day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageDayObject {
    pub date: Attr<String>,
    pub total: Attr<u64>,
    pub users: Attr<Vec<UserCalls>>,
    pub errors: Attr<Vec<ErrorCalls>>,
}

/// The schema's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiUsageModel {
    pub id: Attr<String>,
    pub period: Attr<String>,
    pub user_email: Attr<String>,
    pub days: Attr<Vec<UsageDayObject>>,
    pub total_calls: Attr<u64>,
}

/// `marketo_api_usage`.
#[derive(Debug, Clone)]
pub struct ApiUsageDataSource {
    shared: Arc<Shared>,
}

impl ApiUsageDataSource {
    /// The data source, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        ApiUsageDataSource { shared }
    }
}

fn computed(name: &str, ty: Type, desc: &str) -> Attribute {
    Attribute::new(name, ty).computed().description(desc)
}

fn schema() -> Schema {
    let day = vec![
        computed(
            "date",
            Type::String,
            "The day, `YYYY-MM-DD`: a Marketo day, midnight to midnight US Central time (the \
             calendar of the daily quota).",
        ),
        computed(
            "total",
            Type::Number,
            "Every API call of the instance that day, by every API-only user, whatever \
             `user_email` keeps.",
        ),
        // The two lists are attributes of a list-of-objects type, not nested attributes: Terraform
        // 1.0 crashes on a nested attribute inside a nested list when one element's list is empty
        // and another's is not.
        computed(
            "users",
            Type::list(Type::object([
                ("email", Type::String),
                ("count", Type::Number),
            ])),
            "The calls per API-only user, sorted by email: `email` is the user the calls count \
             under (its userid, the email address its access tokens carry as `scope`), `count` its \
             calls that day. Only the user of `user_email` when it is set (empty when that user \
             made no call that day); users without calls are not listed.",
        ),
        computed(
            "errors",
            Type::list(Type::object([
                ("code", Type::String),
                ("count", Type::Number),
            ])),
            "The instance's error answers per code, sorted by code (numerically): `code` is the \
             Marketo error code, e.g. `606` (rate limit) or `601` (bad token), `count` the answers \
             with it that day. Marketo counts them for the whole instance, not per user: \
             `user_email` does not filter them.",
        ),
    ];
    Schema::new(
        0,
        Block::new()
            .description(
                "The API usage of the Marketo instance as its published Usage API answers it: for \
                 today or for each of the last seven days, the calls in total and per API-only \
                 user, and the error answers per error code. Every read makes two API calls \
                 (usage, then errors), which count against the daily quota and appear in the \
                 usage themselves; the usage answer includes both. Marketo's days run midnight to \
                 midnight US Central time.",
            )
            .attribute(computed(
                "id",
                Type::String,
                "The period read: `today` or `last_7_days`.",
            ))
            .attribute(
                Attribute::new("period", Type::String)
                    .optional()
                    .computed()
                    .description(
                        "`today` (the default) for the current Marketo day only, or \
                         `last_7_days` for the seven days ending today, oldest first.",
                    ),
            )
            .attribute(
                Attribute::new("user_email", Type::String)
                    .optional()
                    .description(
                        "Keep only the calls of this API-only user (its userid, an email \
                         address; compared without regard to case), e.g. the user of one \
                         integration's custom service. Unset: every user's calls.",
                    ),
            )
            .attribute(
                Attribute::nested("days", NestingMode::List, day)
                    .computed()
                    .description("One element per Marketo day of the period, oldest first."),
            )
            .attribute(computed(
                "total_calls",
                Type::Number,
                "The calls over the whole period: of the user of `user_email` when it is set, \
                 of every user otherwise.",
            )),
    )
}

fn check(config: &ApiUsageModel) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let Some(period) = config.period.as_str()
        && !PERIODS.contains(&period)
    {
        let hint = match values::closest(period, PERIODS) {
            Some(best) => format!(" Did you mean \"{best}\"?"),
            None => String::new(),
        };
        diags.push(
            Diagnostic::error(
                "Invalid period",
                format!(
                    "`period` is \"{}\"; it must be one of \"{}\".{hint}",
                    values::escaped(period),
                    PERIODS.join("\", \""),
                ),
            )
            .at(AttributePath::root("period")),
        );
    }
    if let Some(email) = config.user_email.as_str() {
        values::check_at(
            &mut diags,
            AttributePath::root("user_email"),
            "Invalid user_email",
            values::email(email),
        );
    }
    diags
}

/// Sorts error codes numerically (`606` before `1003`), codes that are not numbers after them.
fn code_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |c: &str| (c.parse::<u64>().map_err(|_| ()), c.to_string());
    key(a).cmp(&key(b))
}

/// A count of the state (always known there).
fn count(c: &Attr<u64>) -> u64 {
    match c {
        Attr::Known(n) => *n,
        _ => 0,
    }
}

/// The state for `period` from Marketo's answers: days merged by date, oldest first, users kept
/// to `user_email` (regardless of case) and sorted by email, errors sorted by code.
fn state(
    period: Period,
    user_email: &Attr<String>,
    usage: Vec<UsageDay>,
    errors: Vec<ErrorDay>,
) -> ApiUsageModel {
    let wanted = user_email.as_str().map(str::to_lowercase);
    let mut days: BTreeMap<String, UsageDayObject> = BTreeMap::new();
    let blank = || UsageDayObject {
        date: Attr::Null,
        total: Attr::Known(0),
        users: Attr::Known(Vec::new()),
        errors: Attr::Known(Vec::new()),
    };
    let mut total_calls: u64 = 0;
    for day in usage {
        let users: Vec<_> = day
            .users
            .into_iter()
            .filter(|u| {
                wanted
                    .as_deref()
                    .is_none_or(|w| u.user_id.to_lowercase() == w)
            })
            .collect();
        total_calls = total_calls.saturating_add(match wanted {
            Some(_) => users.iter().map(|u| u.count).fold(0, u64::saturating_add),
            None => day.total,
        });
        let entry = days.entry(day.date).or_insert_with(blank);
        entry.total = Attr::Known(match entry.total {
            Attr::Known(t) => t.saturating_add(day.total),
            _ => day.total,
        });
        if let Attr::Known(list) = &mut entry.users {
            list.extend(users.into_iter().map(|u| UserCalls {
                email: Attr::Known(u.user_id),
                count: Attr::Known(u.count),
            }));
        }
    }
    for day in errors {
        let entry = days.entry(day.date).or_insert_with(blank);
        if let Attr::Known(list) = &mut entry.errors {
            list.extend(day.errors.into_iter().map(|e| ErrorCalls {
                code: Attr::Known(e.error_code),
                count: Attr::Known(e.count),
            }));
        }
    }
    let days = days
        .into_iter()
        .map(|(date, mut day)| {
            day.date = Attr::Known(date);
            if let Attr::Known(users) = &mut day.users {
                users.sort_by_cached_key(|u| {
                    (u.email.as_str().map(str::to_string), count(&u.count))
                });
            }
            if let Attr::Known(errors) = &mut day.errors {
                errors.sort_by(|a, b| {
                    code_order(a.code.as_str().unwrap_or(""), b.code.as_str().unwrap_or(""))
                        .then(count(&a.count).cmp(&count(&b.count)))
                });
            }
            day
        })
        .collect();
    ApiUsageModel {
        id: Attr::Known(period.name().to_string()),
        period: Attr::Known(period.name().to_string()),
        user_email: user_email.clone(),
        days: Attr::Known(days),
        total_calls: Attr::Known(total_calls),
    }
}

#[async_trait]
impl ModelDataSource for ApiUsageDataSource {
    type Model = ApiUsageModel;
    const TYPE_NAME: &'static str = "marketo_api_usage";

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, config: &ApiUsageModel) -> Diagnostics {
        check(config)
    }

    async fn read(
        &self,
        client: &Client,
        config: ApiUsageModel,
    ) -> Result<ApiUsageModel, Diagnostics> {
        let Some(period) = Period::of(&config.period) else {
            // `check` refused it before the read; an unknown period cannot reach a read either.
            return Err(check(&config));
        };
        let failed = |what: &str, e: &marketo_client::Error| -> Diagnostics {
            api_error(&format!("reading the {what}"), e).into()
        };
        // Errors first, usage last: the usage answer counts this read's two calls, so what it
        // says of the provider's own user is everything up to now.
        let (usage, errors) = match period {
            Period::Today => {
                let errors = client
                    .errors_today()
                    .await
                    .map_err(|e| failed("error counts of today", &e))?;
                let usage = client
                    .usage_today()
                    .await
                    .map_err(|e| failed("API usage of today", &e))?;
                (vec![usage], vec![errors])
            }
            Period::Last7Days => {
                let errors = client
                    .errors_last_7_days()
                    .await
                    .map_err(|e| failed("error counts of the last 7 days", &e))?;
                let usage = client
                    .usage_last_7_days()
                    .await
                    .map_err(|e| failed("API usage of the last 7 days", &e))?;
                (usage, errors)
            }
        };
        Ok(state(period, &config.user_email, usage, errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_sources::config_of;
    use marketo_client::{ErrorCount, UserCount};
    use tfplugin6::Value;

    fn usage(date: &str, users: &[(&str, u64)]) -> UsageDay {
        UsageDay {
            date: date.to_string(),
            total: users.iter().map(|u| u.1).sum(),
            users: users
                .iter()
                .map(|(u, c)| UserCount {
                    user_id: (*u).to_string(),
                    count: *c,
                })
                .collect(),
        }
    }

    fn errors(date: &str, codes: &[(&str, u64)]) -> ErrorDay {
        ErrorDay {
            date: date.to_string(),
            total: codes.iter().map(|e| e.1).sum(),
            errors: codes
                .iter()
                .map(|(c, n)| ErrorCount {
                    error_code: (*c).to_string(),
                    count: *n,
                })
                .collect(),
        }
    }

    fn users_of(day: &UsageDayObject) -> Vec<(String, u64)> {
        match &day.users {
            Attr::Known(list) => list
                .iter()
                .map(|u| {
                    let count = match u.count {
                        Attr::Known(c) => c,
                        _ => panic!("unknown count"),
                    };
                    (u.email.as_str().unwrap_or_default().to_string(), count)
                })
                .collect(),
            _ => panic!("users not known"),
        }
    }

    fn codes_of(day: &UsageDayObject) -> Vec<String> {
        match &day.errors {
            Attr::Known(list) => list
                .iter()
                .map(|e| e.code.as_str().unwrap_or_default().to_string())
                .collect(),
            _ => panic!("errors not known"),
        }
    }

    fn days_of(m: &ApiUsageModel) -> &Vec<UsageDayObject> {
        match &m.days {
            Attr::Known(d) => d,
            _ => panic!("days not known"),
        }
    }

    /// Marketo's answers out of order: the week as a shuffled sample.
    fn week() -> (Vec<UsageDay>, Vec<ErrorDay>) {
        (
            vec![
                usage("2026-12-07", &[("b@x.io", 4), ("A@x.io", 3)]),
                usage("2026-12-05", &[("a@x.io", 10)]),
                usage("2026-12-06", &[]),
            ],
            vec![
                errors("2026-12-06", &[("606", 1), ("1003", 2), ("601", 5)]),
                errors("2026-12-05", &[]),
                errors("2026-12-07", &[]),
            ],
        )
    }

    #[test]
    fn schema_is_valid_and_the_model_matches() {
        assert!(!schema().check().has_errors());
        tfplugin6::model::check_model::<ApiUsageModel>(&schema().value_type(), true).unwrap();
        let (u, e) = week();
        let v = tfplugin6::model::to_value(&state(Period::Last7Days, &Attr::Null, u, e)).unwrap();
        assert_eq!(v.get("total_calls").as_i64(), Some(17));
    }

    #[test]
    fn days_come_out_in_date_order_with_sorted_lists() {
        let (u, e) = week();
        let m = state(Period::Last7Days, &Attr::Null, u, e);
        let days = days_of(&m);
        let dates: Vec<_> = days.iter().map(|d| d.date.as_str().unwrap_or("")).collect();
        assert_eq!(dates, ["2026-12-05", "2026-12-06", "2026-12-07"]);
        assert_eq!(
            users_of(&days[2]),
            [("A@x.io".to_string(), 3), ("b@x.io".to_string(), 4)]
        );
        assert_eq!(codes_of(&days[1]), ["601", "606", "1003"]);
        assert!(users_of(&days[1]).is_empty());
        assert_eq!(days[1].total, Attr::Known(0));
        assert_eq!(m.total_calls, Attr::Known(17));
        assert_eq!(m.id.as_str(), Some("last_7_days"));
        assert_eq!(m.period.as_str(), Some("last_7_days"));
        assert!(m.user_email.is_null());
    }

    #[test]
    fn a_user_filter_keeps_that_user_regardless_of_case_and_day_totals_stay_whole() {
        let (u, e) = week();
        let email = Attr::Known("a@X.IO".to_string());
        let m = state(Period::Last7Days, &email, u, e);
        let days = days_of(&m);
        assert_eq!(users_of(&days[0]), [("a@x.io".to_string(), 10)]);
        assert!(users_of(&days[1]).is_empty());
        assert_eq!(users_of(&days[2]), [("A@x.io".to_string(), 3)]);
        // The day's total is every call; the errors are the instance's, unfiltered.
        assert_eq!(days[2].total, Attr::Known(7));
        assert_eq!(codes_of(&days[1]).len(), 3);
        assert_eq!(m.total_calls, Attr::Known(13));
        assert_eq!(m.user_email.as_str(), Some("a@X.IO"), "kept as configured");
        let nobody = Attr::Known("nobody@x.io".to_string());
        let (u, e) = week();
        assert_eq!(
            state(Period::Last7Days, &nobody, u, e).total_calls,
            Attr::Known(0)
        );
    }

    #[test]
    fn a_day_only_one_answer_has_is_still_listed() {
        let m = state(
            Period::Today,
            &Attr::Null,
            vec![usage("2026-12-07", &[("a@x.io", 2)])],
            vec![errors("2026-12-08", &[("606", 1)])],
        );
        let days = days_of(&m);
        assert_eq!(days.len(), 2);
        assert_eq!(codes_of(&days[0]), Vec::<String>::new());
        assert_eq!(days[1].total, Attr::Known(0));
        assert_eq!(codes_of(&days[1]), ["606"]);
        assert_eq!(m.total_calls, Attr::Known(2));
        assert_eq!(m.period.as_str(), Some("today"));
    }

    fn checked(pairs: Vec<(&str, Value)>) -> Diagnostics {
        check(&config_of::<ApiUsageModel>(&schema(), pairs))
    }

    #[test]
    fn period_is_checked_with_its_path_and_the_allowed_values() {
        assert!(checked(vec![]).is_empty());
        for ok in PERIODS {
            assert!(
                checked(vec![("period", Value::from(ok))]).is_empty(),
                "{ok}"
            );
        }
        assert!(checked(vec![("period", Value::Unknown)]).is_empty());
        let d: Vec<Diagnostic> = checked(vec![("period", Value::from("last7days"))])
            .into_iter()
            .collect();
        assert_eq!(d.len(), 1);
        let d = &d[0];
        assert_eq!(d.summary, "Invalid period");
        assert_eq!(d.attribute, Some(AttributePath::root("period")));
        assert!(
            d.detail
                .contains("must be one of \"today\", \"last_7_days\""),
            "{}",
            d.detail
        );
        assert!(
            d.detail.contains("Did you mean \"last_7_days\"?"),
            "{}",
            d.detail
        );
        // A case slip is refused too: one spelling.
        assert_eq!(checked(vec![("period", Value::from("Today"))]).len(), 1);
        assert_eq!(Period::of(&Attr::Null), Some(Period::Today));
        assert_eq!(Period::of(&Attr::Known("x".into())), None);
    }

    #[test]
    fn user_email_is_checked_as_an_email() {
        assert!(checked(vec![("user_email", Value::from("Sync@Example.com"))]).is_empty());
        let d: Vec<Diagnostic> = checked(vec![("user_email", Value::from("not an email"))])
            .into_iter()
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].attribute, Some(AttributePath::root("user_email")));
        assert!(
            d[0].detail.contains("not a valid email address"),
            "{}",
            d[0].detail
        );
    }
}
