//! The operations, as functions of the state (being split by API family).

mod users;

pub(crate) use users::*;
