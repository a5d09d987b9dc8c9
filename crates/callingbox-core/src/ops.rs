//! The API surface as data. The tables themselves ([`OPS`], [`Resource`]'s fields) are
//! generated from the API description into `api.rs`; this module holds their types.
//! Request building, response decoding and the tests all read these tables, so an
//! endpoint is described exactly once.

pub use crate::api::{Resource, OPS};

/// How a request parameter is checked before any I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Str,
    /// An E.164 phone number: validated and canonicalised (`+1 (415) 555-0123` → `+14155550123`).
    Phone,
    /// A whole number ≥ 1 (`limit`).
    PosInt,
    Bool,
    /// A JSON object (`context`, `metadata`, `returns`).
    Obj,
    /// An array of strings (`number_ids`, `enabled_events`).
    StrArr,
    /// An array of objects (`tools`).
    ObjArr,
}

/// One named parameter of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Param,
    pub required: bool,
    /// `null` is accepted too (it resets the setting to its default).
    pub nullable: bool,
}

impl Op {
    /// The operation's named parameters: its query parameters (GET) or body fields.
    pub fn params(&self) -> impl Iterator<Item = Field> {
        self.params.iter().copied()
    }
}

/// What a successful answer holds, and what the client returns for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One resource (an `{"data": {...}}` wrapper is tolerated and removed).
    One(Resource),
    /// A list, returned as `{ data, has_more }`: from that envelope, from `{"data": [...]}`
    /// or from a bare array (then `has_more` is false).
    List(Resource),
    /// A plain array (search results), from a bare array or a `{"data": [...]}` envelope.
    Array(Resource),
    /// A deletion: the server's object, or `{ id, deleted: true }` for an empty 204.
    Deleted,
    /// An archive: the archived Agent, or `{ id, archived: true }` for an empty 204.
    Archived,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// One API operation.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    /// `resource.method`, as the JS client names it.
    pub name: &'static str,
    pub method: Method,
    /// Path with `{}` for each path argument, in order.
    pub path: &'static str,
    /// Names of the path arguments (for error messages).
    pub path_args: &'static [&'static str],
    /// Query parameters (GET) or body fields (others).
    pub params: &'static [Field],
    pub shape: Shape,
    /// A POST that is safe to retry with the same `Idempotency-Key`.
    pub idempotent: bool,
}

pub fn find(name: &str) -> Option<&'static Op> {
    OPS.iter().find(|op| op.name == name)
}

/// The JSON type a resource field must have when present (`null` is always accepted:
/// the client is tolerant of every variant the API may send).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Num,
    Bool,
    Obj,
    Arr,
    /// Any scalar (a provider's `error_code` may be a number or a string).
    Scalar,
    /// An array of this resource (checked recursively).
    ArrOf(Resource),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    /// The response decoder's one-pass check (`response::quick`) relies on both: a
    /// resource's required fields are the first of its fields, and it has at most 64.
    #[test]
    fn required_fields_come_first() {
        for &r in Resource::ALL {
            let names: Vec<&str> = r.fields().iter().map(|f| f.0).collect();
            assert!(names.len() <= 64, "{}", r.name());
            assert_eq!(&names[..r.required().len()], r.required(), "{}", r.name());
        }
    }

    #[test]
    fn operations_are_distinct() {
        let mut names: Vec<_> = OPS.iter().map(|o| o.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPS.len());
        let mut routes: Vec<_> = OPS.iter().map(|o| (o.method.as_str(), o.path)).collect();
        routes.sort_unstable();
        routes.dedup();
        assert_eq!(routes.len(), OPS.len());
    }

    #[test]
    fn path_args_match_placeholders() {
        for op in OPS {
            assert_eq!(
                op.path.matches("{}").count(),
                op.path_args.len(),
                "{}",
                op.name
            );
        }
    }
}
