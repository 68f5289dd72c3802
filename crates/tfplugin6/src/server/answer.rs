//! How an RPC answers early: [`or_answer!`] unwraps a result or returns the call's response at
//! once with the diagnostics. Nothing here knows a particular RPC.

/// Unwraps `$result`, or returns the response at once: its diagnostics, the fields given (what
/// Terraform must get back unchanged, such as the prior state), every other field empty.
macro_rules! or_answer {
    ($result:expr, $($response:ident)::+ $(, $field:ident: $value:expr)* $(,)?) => {
        match $result {
            Ok(v) => v,
            Err(d) => {
                return $($response)::+ {
                    diagnostics: $crate::diag::Diagnostics::from(d).to_proto(),
                    $($field: $value,)*
                    ..Default::default()
                };
            }
        }
    };
}

pub(super) use or_answer;
