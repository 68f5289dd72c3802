//! Unit tests of the review: hand-written plans.
