//! An entity's `#[colt(..)]` attributes ([`attr`]) and the validated model the derive expands
//! ([`model`]).

pub mod attr;
pub mod model;
