//! The registry: one module per exercise, each holding the Rust reference
//! implementation of the concept and the driver that observes the candidate's
//! Python. Adding an exercise = `exercises/<id>/` + a module here + one line in
//! [`ALL`]; the consistency tests fail until every part exists.

pub mod decorators;
pub mod generators;
pub mod list_tuple;
pub mod lru_cache;
pub mod rate_limiter;

use crate::exercise::Graded;

/// Every exercise, in the order reports list them.
static ALL: &[&dyn Graded] = &[
    &list_tuple::ListTuple,
    &decorators::Decorators,
    &generators::Generators,
    &lru_cache::LruCacheExercise,
    &rate_limiter::RateLimiter,
];

pub fn all() -> &'static [&'static dyn Graded] {
    ALL
}

pub fn find(id: &str) -> Option<&'static dyn Graded> {
    ALL.iter().copied().find(|e| e.id() == id)
}

pub fn ids() -> Vec<&'static str> {
    ALL.iter().map(|e| e.id()).collect()
}
