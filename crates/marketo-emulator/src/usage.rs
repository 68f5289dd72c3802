//! The Usage API's counts: API calls per Marketo day and API-only user, and error answers per day
//! and error code, for the last [`KEPT_DAYS`] days; the answers of `/rest/v1/stats/...`; and the
//! `/_emulator/usage.json` control that reads or seeds them.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::reply::ApiError;

/// Days kept: today and the 30 before it. Older days are dropped as the days go by.
pub(crate) const KEPT_DAYS: u64 = 31;

/// Days in a `last7days` answer: today and the six before it.
pub(crate) const WEEK: u64 = 7;

/// One day's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DayCounts {
    /// API calls per userid of the API-only user whose token made them.
    #[serde(default)]
    pub users: BTreeMap<String, u64>,
    /// Error answers per Marketo error code.
    #[serde(default)]
    pub errors: BTreeMap<String, u64>,
}

impl DayCounts {
    fn is_empty(&self) -> bool {
        self.users.is_empty() && self.errors.is_empty()
    }
}

/// The counts of the days kept, by Marketo day. Stored in the state file (a file without them
/// loads with none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Usage {
    #[serde(default)]
    days: BTreeMap<NaiveDate, DayCounts>,
}

/// The first day kept when it is `today`.
fn first_kept(today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_days(Days::new(KEPT_DAYS - 1))
        .unwrap_or(NaiveDate::MIN)
}

/// `n` days ending with `today`, oldest first.
fn days_ending(today: NaiveDate, n: u64) -> Vec<NaiveDate> {
    (0..n)
        .rev()
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .collect()
}

impl Usage {
    /// Drops the days before the kept window.
    fn prune(&mut self, today: NaiveDate) {
        let first = first_kept(today);
        self.days = self.days.split_off(&first);
    }

    /// Counts one API call of `userid` on `today`.
    pub fn count_call(&mut self, today: NaiveDate, userid: &str) {
        self.prune(today);
        *self
            .days
            .entry(today)
            .or_default()
            .users
            .entry(userid.to_string())
            .or_default() += 1;
    }

    /// Counts one error answer with `code` on `today`.
    pub fn count_error(&mut self, today: NaiveDate, code: i32) {
        self.prune(today);
        *self
            .days
            .entry(today)
            .or_default()
            .errors
            .entry(code.to_string())
            .or_default() += 1;
    }

    fn day(&self, date: NaiveDate) -> Option<&DayCounts> {
        self.days.get(&date)
    }

    /// The usage of the `n` days ending with `today`, oldest first, days without calls included.
    pub fn usage_days(&self, today: NaiveDate, n: u64) -> Vec<UsageDayOut> {
        days_ending(today, n)
            .into_iter()
            .map(|date| usage_day(date, self.day(date)))
            .collect()
    }

    /// The errors of the `n` days ending with `today`, oldest first, days without errors included.
    pub fn error_days(&self, today: NaiveDate, n: u64) -> Vec<ErrorsDayOut> {
        days_ending(today, n)
            .into_iter()
            .map(|date| errors_day(date, self.day(date)))
            .collect()
    }

    /// Every day kept that has counts, oldest first, in the control's shape.
    pub fn kept(&self, today: NaiveDate) -> SeedBody {
        let first = first_kept(today);
        SeedBody {
            days: self
                .days
                .range(first..)
                .filter(|(_, c)| !c.is_empty())
                .map(|(date, c)| SeedDay {
                    date: date.format("%Y-%m-%d").to_string(),
                    users: c
                        .users
                        .iter()
                        .map(|(user_id, count)| UserCountOut {
                            user_id: user_id.clone(),
                            count: *count,
                        })
                        .collect(),
                    errors: c
                        .errors
                        .iter()
                        .map(|(error_code, count)| ErrorCountOut {
                            error_code: error_code.clone(),
                            count: *count,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Replaces the counts of each listed day with the given ones (a day listed without users or
    /// errors has none of them afterwards); days not listed keep theirs. Refused whole (400/1003)
    /// when a date is not `YYYY-MM-DD`, after `today` or before the days kept, or listed twice, or
    /// when a day lists a userId or an error code twice, a blank userId, or an error code that is
    /// not a number.
    pub fn seed(&mut self, body: SeedBody, today: NaiveDate) -> Result<(), ApiError> {
        let first = first_kept(today);
        let mut replaced: BTreeMap<NaiveDate, DayCounts> = BTreeMap::new();
        for day in body.days {
            let date = NaiveDate::parse_from_str(&day.date, "%Y-%m-%d")
                .ok()
                .filter(|d| d.format("%Y-%m-%d").to_string() == day.date)
                .ok_or_else(|| {
                    ApiError::invalid(format!("Invalid date '{}': expected YYYY-MM-DD", day.date))
                })?;
            if date > today || date < first {
                return Err(ApiError::invalid(format!(
                    "Date {} is outside the days kept ({first} to {today}, Marketo's days)",
                    day.date
                )));
            }
            let mut counts = DayCounts::default();
            for u in day.users {
                if u.user_id.trim().is_empty() {
                    return Err(ApiError::blank("userId"));
                }
                if counts.users.insert(u.user_id.clone(), u.count).is_some() {
                    return Err(ApiError::invalid(format!(
                        "userId {} is listed twice for {}",
                        u.user_id, day.date
                    )));
                }
            }
            for e in day.errors {
                if e.error_code.is_empty() || !e.error_code.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(ApiError::invalid(format!(
                        "Invalid errorCode '{}': expected a Marketo error code such as \"606\"",
                        e.error_code
                    )));
                }
                if counts
                    .errors
                    .insert(e.error_code.clone(), e.count)
                    .is_some()
                {
                    return Err(ApiError::invalid(format!(
                        "errorCode {} is listed twice for {}",
                        e.error_code, day.date
                    )));
                }
            }
            if replaced.insert(date, counts).is_some() {
                return Err(ApiError::invalid(format!(
                    "Date {} is listed twice",
                    day.date
                )));
            }
        }
        for (date, counts) in replaced {
            if counts.is_empty() {
                self.days.remove(&date);
            } else {
                self.days.insert(date, counts);
            }
        }
        self.prune(today);
        Ok(())
    }
}

/// `UserCount`: one API user's calls on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct UserCountOut {
    pub user_id: String,
    pub count: u64,
}

/// `ErrorCount`: the answers with one error code on a day (the code as a string).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ErrorCountOut {
    pub error_code: String,
    pub count: u64,
}

/// `UsageData`: one day's calls, in total and per API user (by userId).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct UsageDayOut {
    pub date: String,
    pub total: u64,
    pub users: Vec<UserCountOut>,
}

/// `ErrorsData`: one day's error answers, in total and per error code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ErrorsDayOut {
    pub date: String,
    pub total: u64,
    pub errors: Vec<ErrorCountOut>,
}

fn usage_day(date: NaiveDate, counts: Option<&DayCounts>) -> UsageDayOut {
    let users: Vec<UserCountOut> = counts
        .map(|c| {
            c.users
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(user_id, count)| UserCountOut {
                    user_id: user_id.clone(),
                    count: *count,
                })
                .collect()
        })
        .unwrap_or_default();
    UsageDayOut {
        date: date.format("%Y-%m-%d").to_string(),
        total: users.iter().map(|u| u.count).sum(),
        users,
    }
}

fn errors_day(date: NaiveDate, counts: Option<&DayCounts>) -> ErrorsDayOut {
    let errors: Vec<ErrorCountOut> = counts
        .map(|c| {
            c.errors
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(error_code, count)| ErrorCountOut {
                    error_code: error_code.clone(),
                    count: *count,
                })
                .collect()
        })
        .unwrap_or_default();
    ErrorsDayOut {
        date: date.format("%Y-%m-%d").to_string(),
        total: errors.iter().map(|e| e.count).sum(),
        errors,
    }
}

/// The body of `POST /_emulator/usage.json` and the answer of `GET /_emulator/usage.json`:
/// `{"days": [{"date": "YYYY-MM-DD", "users": [{"userId", "count"}], "errors": [{"errorCode",
/// "count"}]}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedBody {
    pub days: Vec<SeedDay>,
}

/// One day of [`SeedBody`]; a missing `users` or `errors` is an empty one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedDay {
    pub date: String,
    #[serde(default)]
    pub users: Vec<UserCountOut>,
    #[serde(default)]
    pub errors: Vec<ErrorCountOut>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn seed_day(date: &str, user: &str, calls: u64, code: &str, errors: u64) -> SeedDay {
        SeedDay {
            date: date.into(),
            users: vec![UserCountOut {
                user_id: user.into(),
                count: calls,
            }],
            errors: vec![ErrorCountOut {
                error_code: code.into(),
                count: errors,
            }],
        }
    }

    #[test]
    fn calls_and_errors_are_counted_per_day_user_and_code() {
        let today = day("2026-12-06");
        let mut u = Usage::default();
        u.count_call(today, "a@x.com");
        u.count_call(today, "a@x.com");
        u.count_call(today, "b@x.com");
        u.count_error(today, 606);
        u.count_error(today, 1013);
        u.count_error(today, 606);
        let usage = u.usage_days(today, 1);
        assert_eq!(usage.len(), 1);
        assert_eq!((usage[0].date.as_str(), usage[0].total), ("2026-12-06", 3));
        assert_eq!(
            usage[0].users,
            vec![
                UserCountOut {
                    user_id: "a@x.com".into(),
                    count: 2
                },
                UserCountOut {
                    user_id: "b@x.com".into(),
                    count: 1
                }
            ]
        );
        let errors = u.error_days(today, 1);
        assert_eq!(errors[0].total, 3);
        assert_eq!(
            errors[0]
                .errors
                .iter()
                .map(|e| (e.error_code.as_str(), e.count))
                .collect::<Vec<_>>(),
            [("1013", 1), ("606", 2)]
        );
    }

    #[test]
    fn a_week_is_seven_days_ending_today_oldest_first() {
        let today = day("2026-12-06");
        let mut u = Usage::default();
        u.count_call(today, "a@x.com");
        let week = u.usage_days(today, WEEK);
        let dates: Vec<&str> = week.iter().map(|d| d.date.as_str()).collect();
        assert_eq!(
            dates,
            [
                "2026-11-30",
                "2026-12-01",
                "2026-12-02",
                "2026-12-03",
                "2026-12-04",
                "2026-12-05",
                "2026-12-06"
            ]
        );
        assert_eq!(
            week.iter().map(|d| d.total).collect::<Vec<_>>(),
            [0, 0, 0, 0, 0, 0, 1]
        );
    }

    #[test]
    fn seeding_replaces_the_listed_days_and_old_days_go() {
        let today = day("2026-12-06");
        let mut u = Usage::default();
        u.count_call(today, "a@x.com");
        let body = SeedBody {
            days: vec![seed_day("2026-12-05", "x@y.com", 12, "606", 2)],
        };
        assert!(u.seed(body, today).is_ok());
        let week = u.usage_days(today, WEEK);
        assert_eq!((week[5].total, week[6].total), (12, 1));
        assert_eq!(u.error_days(today, WEEK)[5].errors[0].count, 2);
        // Listing the day again replaces it; listing it empty clears it.
        let again = SeedBody {
            days: vec![seed_day("2026-12-05", "z@y.com", 3, "601", 1)],
        };
        assert!(u.seed(again, today).is_ok());
        let week = u.usage_days(today, WEEK);
        assert_eq!(week[5].users.len(), 1);
        assert_eq!(week[5].total, 3);
        let empty = SeedBody {
            days: vec![SeedDay {
                date: "2026-12-05".into(),
                users: vec![],
                errors: vec![],
            }],
        };
        assert!(u.seed(empty, today).is_ok());
        assert_eq!(u.kept(today).days.len(), 1, "only today remains");
        // The oldest day kept is 30 days back; it goes once a later day is counted.
        let oldest = SeedBody {
            days: vec![seed_day("2026-11-06", "old@y.com", 1, "610", 1)],
        };
        assert!(u.seed(oldest, today).is_ok());
        assert_eq!(u.kept(today).days.len(), 2);
        u.count_call(day("2026-12-07"), "a@x.com");
        assert_eq!(
            u.kept(day("2026-12-07")).days.len(),
            2,
            "2026-11-06 is gone"
        );
        assert!(
            u.kept(day("2026-12-07"))
                .days
                .iter()
                .all(|d| d.date != "2026-11-06")
        );
    }

    #[test]
    fn bad_seeds_are_refused_whole() {
        let today = day("2026-12-06");
        for (days, why) in [
            (vec![seed_day("2026-11-05", "a@b", 1, "606", 1)], "outside"),
            (vec![seed_day("2026-12-07", "a@b", 1, "606", 1)], "outside"),
            (
                vec![seed_day("2026-12-5", "a@b", 1, "606", 1)],
                "YYYY-MM-DD",
            ),
            (
                vec![seed_day("2026-12-05", "a@b", 1, "6o6", 1)],
                "errorCode",
            ),
            (vec![seed_day("2026-12-05", " ", 1, "606", 1)], "blank"),
            (
                vec![
                    seed_day("2026-12-05", "a@b", 1, "606", 1),
                    seed_day("2026-12-05", "c@d", 1, "606", 1),
                ],
                "twice",
            ),
        ] {
            let mut u = Usage::default();
            let e = u.seed(SeedBody { days }, today).unwrap_err();
            assert!(e.message.contains(why), "{why}: {}", e.message);
            assert_eq!(u, Usage::default());
        }
    }
}
