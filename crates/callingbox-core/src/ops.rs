//! The API surface as data: every operation (contract §1–§2) and every resource's fields
//! (§3). Request building, response decoding, the TypeScript declarations test and the JS
//! client all read these tables, so an endpoint is described exactly once.

/// How a request parameter is checked before any I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Str,
    /// A string that may also be `null` (clears the field, e.g. `description`).
    NullableStr,
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
}

/// The entries of a packed table. Written `"<tag><name> <tag><name> ..."` (one tag byte,
/// the name, one space between entries) and turned by `packed!` at compile time into
/// `<tag><length byte><name>...`: one string instead of a slice of structs keeps pointer
/// arrays out of the wasm's data segment (issue 7), and the length bytes let the reader
/// skip from entry to entry without scanning. Used for the operations' parameters and the
/// webhook envelope (not for resource fields: see [`Resource::fields`]).
#[derive(Debug, Clone)]
pub struct Entries(pub &'static str);

impl Iterator for Entries {
    type Item = (u8, &'static str);
    fn next(&mut self) -> Option<(u8, &'static str)> {
        let (&tag, rest) = self.0.as_bytes().split_first()?;
        let end = 2 + usize::from(*rest.first()?);
        let name = self.0.get(2..end)?;
        self.0 = self.0.get(end..)?;
        Some((tag, name))
    }
}

/// `src` (`"<tag><name> <tag><name>"`) as `<tag><length><name>...` (`N` = `src.len() + 1`).
/// Compile time only: a malformed table fails the build.
#[allow(clippy::indexing_slicing)]
pub const fn pack<const N: usize>(src: &str) -> [u8; N] {
    let b = src.as_bytes();
    let mut out = [0u8; N];
    let (mut i, mut start, mut o) = (0, 0, 0);
    while i <= b.len() {
        if i == b.len() || b[i] == b' ' {
            let len = i - start - 1;
            assert!(len > 0 && len < 128, "bad packed table entry");
            out[o] = b[start];
            out[o + 1] = len as u8;
            let mut j = 0;
            while j < len {
                out[o + 2 + j] = b[start + 1 + j];
                j += 1;
            }
            o += 2 + len;
            start = i + 1;
        }
        i += 1;
    }
    assert!(o == N, "bad packed table");
    out
}

/// A packed table (see [`Entries`]) from its readable form, as a `&'static str`.
macro_rules! packed {
    ($src:expr) => {{
        const SRC: &str = $src;
        const BYTES: [u8; SRC.len() + 1] = $crate::ops::pack(SRC);
        #[allow(clippy::panic)]
        const PACKED: &str = match ::core::str::from_utf8(&BYTES) {
            Ok(s) => s,
            Err(_) => panic!("bad packed table"),
        };
        PACKED
    }};
}
pub(crate) use packed;

impl Op {
    /// The operation's named parameters, in table order. Tags: `s` string, `n` string or
    /// null, `p` phone number, `i` whole number >= 1, `b` boolean, `o` object, `a` array of
    /// strings, `l` array of objects; uppercase when required.
    pub fn params(&self) -> impl Iterator<Item = Field> {
        Entries(self.params).map(|(tag, name)| Field {
            name,
            ty: match tag.to_ascii_lowercase() {
                b'n' => Param::NullableStr,
                b'p' => Param::Phone,
                b'i' => Param::PosInt,
                b'b' => Param::Bool,
                b'o' => Param::Obj,
                b'a' => Param::StrArr,
                b'l' => Param::ObjArr,
                _ => Param::Str,
            },
            required: tag.is_ascii_uppercase(),
        })
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
    /// Query parameters (GET) or body fields (others), packed (see [`Op::params`]).
    pub params: &'static str,
    pub shape: Shape,
}

use Resource as R;

/// The agent's settings, after the leading fields that differ between create and update
/// (`name` required and `type` on create; `name` optional on update).
macro_rules! agent_fields {
    () => {
        "npersona sinstructions svoice slanguage oreturns ltools swebhook_url svoicemail_action anumber_ids sprimary_number_id"
    };
}

const AGENT_FIELDS: &str = packed!(concat!("sname ", agent_fields!()));
const AGENT_CREATE: &str = packed!(concat!("Sname Stype ", agent_fields!()));

const PAGE: &str = packed!("ilimit sstarting_after sending_before");

/// All 24 operations of contract §1 (the legacy `PUT /v1/numbers/{id}/inbound` is left out).
pub const OPS: &[Op] = &[
    Op {
        name: "numbers.list",
        method: Method::Get,
        path: "/v1/numbers",
        path_args: &[],
        params: PAGE,
        shape: Shape::List(R::PhoneNumber),
    },
    Op {
        name: "numbers.searchAvailable",
        method: Method::Get,
        path: "/v1/numbers/available",
        path_args: &[],
        params: packed!("scountry_code sarea_code snumber_type ilimit"),
        shape: Shape::Array(R::AvailableNumber),
    },
    Op {
        name: "numbers.purchase",
        method: Method::Post,
        path: "/v1/numbers/purchase",
        path_args: &[],
        params: packed!("Pphone_number"),
        shape: Shape::One(R::PhoneNumber),
    },
    Op {
        name: "agents.list",
        method: Method::Get,
        path: "/v1/agents",
        path_args: &[],
        params: packed!("stype"),
        shape: Shape::List(R::Agent),
    },
    Op {
        name: "agents.create",
        method: Method::Post,
        path: "/v1/agents",
        path_args: &[],
        params: AGENT_CREATE,
        shape: Shape::One(R::Agent),
    },
    Op {
        name: "agents.retrieve",
        method: Method::Get,
        path: "/v1/agents/{}",
        path_args: &["id"],
        params: "",
        shape: Shape::One(R::Agent),
    },
    Op {
        name: "agents.update",
        method: Method::Patch,
        path: "/v1/agents/{}",
        path_args: &["id"],
        params: AGENT_FIELDS,
        shape: Shape::One(R::Agent),
    },
    Op {
        name: "agents.archive",
        method: Method::Delete,
        path: "/v1/agents/{}",
        path_args: &["id"],
        params: "",
        shape: Shape::Archived,
    },
    Op {
        name: "agents.attachNumber",
        method: Method::Post,
        path: "/v1/agents/{}/numbers",
        path_args: &["id"],
        params: packed!("Snumber_id bset_as_primary"),
        shape: Shape::One(R::Agent),
    },
    Op {
        name: "agents.detachNumber",
        method: Method::Delete,
        path: "/v1/agents/{}/numbers/{}",
        path_args: &["id", "numberId"],
        params: "",
        shape: Shape::One(R::Agent),
    },
    Op {
        name: "agents.setPrimaryNumber",
        method: Method::Put,
        path: "/v1/agents/{}/primary-number",
        path_args: &["id"],
        params: packed!("Snumber_id"),
        shape: Shape::One(R::Agent),
    },
    Op {
        name: "calls.create",
        method: Method::Post,
        path: "/v1/calls",
        path_args: &[],
        params: packed!("Sagent_id Pto pfrom_number sinstructions ocontext swebhook_url ometadata"),
        shape: Shape::One(R::Call),
    },
    Op {
        name: "calls.list",
        method: Method::Get,
        path: "/v1/calls",
        path_args: &[],
        params: PAGE,
        shape: Shape::List(R::Call),
    },
    Op {
        name: "calls.retrieve",
        method: Method::Get,
        path: "/v1/calls/{}",
        path_args: &["id"],
        params: "",
        shape: Shape::One(R::Call),
    },
    Op {
        name: "calls.getTranscript",
        method: Method::Get,
        path: "/v1/calls/{}/transcript",
        path_args: &["id"],
        params: "",
        shape: Shape::One(R::Transcript),
    },
    Op {
        name: "webhookEndpoints.create",
        method: Method::Post,
        path: "/v1/webhook_endpoints",
        path_args: &[],
        params: packed!("Surl ndescription aenabled_events"),
        shape: Shape::One(R::WebhookEndpoint),
    },
    Op {
        name: "webhookEndpoints.list",
        method: Method::Get,
        path: "/v1/webhook_endpoints",
        path_args: &[],
        params: "",
        shape: Shape::List(R::WebhookEndpoint),
    },
    Op {
        name: "webhookEndpoints.retrieve",
        method: Method::Get,
        path: "/v1/webhook_endpoints/{}",
        path_args: &["id"],
        params: "",
        shape: Shape::One(R::WebhookEndpoint),
    },
    Op {
        name: "webhookEndpoints.update",
        method: Method::Patch,
        path: "/v1/webhook_endpoints/{}",
        path_args: &["id"],
        params: packed!("surl ndescription aenabled_events sstatus"),
        shape: Shape::One(R::WebhookEndpoint),
    },
    Op {
        name: "webhookEndpoints.delete",
        method: Method::Delete,
        path: "/v1/webhook_endpoints/{}",
        path_args: &["id"],
        params: "",
        shape: Shape::Deleted,
    },
    Op {
        name: "webhookEndpoints.rotateSecret",
        method: Method::Post,
        path: "/v1/webhook_endpoints/{}/rotate_secret",
        path_args: &["id"],
        params: "",
        shape: Shape::One(R::WebhookEndpoint),
    },
    Op {
        name: "webhookDeliveries.list",
        method: Method::Get,
        path: "/v1/webhook_deliveries",
        path_args: &[],
        params: packed!("sendpoint_id scall_id sstatus ilimit"),
        shape: Shape::List(R::WebhookDelivery),
    },
    Op {
        name: "webhookDeliveries.retrieve",
        method: Method::Get,
        path: "/v1/webhook_deliveries/{}",
        path_args: &["id"],
        params: "",
        shape: Shape::One(R::WebhookDelivery),
    },
    Op {
        name: "webhookDeliveries.redeliver",
        method: Method::Post,
        path: "/v1/webhook_deliveries/{}/redeliver",
        path_args: &["id"],
        params: "",
        shape: Shape::One(R::WebhookDelivery),
    },
];

pub fn find(name: &str) -> Option<&'static Op> {
    OPS.iter().find(|op| op.name == name)
}

/// The JSON type a resource field must have when present (`null` is always accepted:
/// the client is tolerant, §0).
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    PhoneNumber,
    AvailableNumber,
    Agent,
    Call,
    Transcript,
    TranscriptSegment,
    WebhookEndpoint,
    WebhookDelivery,
    Deleted,
}

impl Resource {
    pub fn name(self) -> &'static str {
        match self {
            R::PhoneNumber => "PhoneNumber",
            R::AvailableNumber => "AvailableNumber",
            R::Agent => "Agent",
            R::Call => "Call",
            R::Transcript => "Transcript",
            R::TranscriptSegment => "TranscriptSegment",
            R::WebhookEndpoint => "WebhookEndpoint",
            R::WebhookDelivery => "WebhookDelivery",
            R::Deleted => "DeletedWebhookEndpoint",
        }
    }

    /// Fields that must be present (and not null) for the object to be this resource.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            R::AvailableNumber => &["phone_number"],
            R::Transcript => &["call_id", "segments"],
            R::TranscriptSegment => &[],
            _ => &["id"],
        }
    }

    /// Every documented field and its JSON type (contract §3). Unknown fields pass through.
    /// A slice, not a packed string like the parameters: decoding walks it for every object,
    /// and even the length-prefixed packed form cost ~7% of `decode`'s time (for ~0.2 KB
    /// gzip less).
    pub fn fields(self) -> &'static [(&'static str, Kind)] {
        use Kind::*;
        match self {
            R::PhoneNumber => &[
                ("id", Str),
                ("e164", Str),
                ("friendly_name", Str),
                ("country_code", Str),
                ("number_type", Str),
                ("status", Str),
                ("monthly_cost_cents", Num),
                ("purchased_at", Str),
                ("inbound_agent_id", Str),
                ("outbound_agent_ids", Arr),
            ],
            R::AvailableNumber => &[
                ("phone_number", Str),
                ("country_code", Str),
                ("number_type", Str),
                ("state", Str),
                ("locality", Str),
                ("monthly_cost_cents", Num),
                ("upfront_cost_cents", Num),
                ("currency", Str),
            ],
            R::Agent => &[
                ("id", Str),
                ("org_id", Str),
                ("user_id", Str),
                ("name", Str),
                ("type", Str),
                ("persona", Str),
                ("instructions", Str),
                ("voice", Str),
                ("language", Str),
                ("returns", Obj),
                ("tools", Arr),
                ("webhook_url", Str),
                ("voicemail_action", Str),
                ("primary_number_id", Str),
                ("archived_at", Str),
                ("created_at", Str),
                ("updated_at", Str),
                ("numbers", ArrOf(R::PhoneNumber)),
            ],
            R::Call => &[
                ("id", Str),
                ("agent_id", Str),
                ("to_number", Str),
                ("from_number", Str),
                ("status", Str),
                ("direction", Str),
                ("persona", Str),
                ("instructions", Str),
                ("prompt", Str),
                ("context", Obj),
                ("returns", Obj),
                ("result", Obj),
                ("result_status", Str),
                ("result_error", Str),
                ("language", Str),
                ("webhook_url", Str),
                ("webhook_status", Str),
                ("webhook_error", Str),
                ("created_at", Str),
                ("started_at", Str),
                ("answered_at", Str),
                ("ended_at", Str),
                ("duration_seconds", Num),
                ("billed_duration_seconds", Num),
                ("billing_amount_milli_cents", Num),
                ("reservation_status", Str),
                ("error_code", Scalar),
                ("error_message", Str),
                ("hangup_cause", Str),
                ("answered_by", Str),
                ("metadata", Obj),
                ("updated_at", Str),
            ],
            R::Transcript => &[("call_id", Str), ("segments", ArrOf(R::TranscriptSegment))],
            R::TranscriptSegment => &[
                ("sequence_no", Num),
                ("role", Str),
                ("text", Str),
                ("started_at", Str),
                ("ended_at", Str),
                ("duration_ms", Num),
                ("source", Str),
            ],
            R::WebhookEndpoint => &[
                ("id", Str),
                ("org_id", Str),
                ("url", Str),
                ("description", Str),
                ("enabled_events", Arr),
                ("status", Str),
                ("disabled_reason", Str),
                ("disabled_at", Str),
                ("consecutive_failures", Num),
                ("created_at", Str),
                ("updated_at", Str),
                ("signing_secret", Str),
            ],
            R::WebhookDelivery => &[
                ("id", Str),
                ("org_id", Str),
                ("endpoint_id", Str),
                ("call_id", Str),
                ("event_type", Str),
                ("url", Str),
                ("status", Str),
                ("attempt_count", Num),
                ("manual_retry_count", Num),
                ("next_attempt_at", Str),
                ("last_error", Str),
                ("last_response_status", Num),
                ("delivered_at", Str),
                ("created_at", Str),
                ("updated_at", Str),
            ],
            R::Deleted => &[("id", Str), ("deleted", Bool)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    /// The response decoder's one-pass check (`response::quick`) relies on both: a
    /// resource's required fields are the first of its fields, and it has at most 64.
    #[test]
    fn required_fields_come_first() {
        use Resource as R;
        for r in [
            R::PhoneNumber,
            R::AvailableNumber,
            R::Agent,
            R::Call,
            R::Transcript,
            R::TranscriptSegment,
            R::WebhookEndpoint,
            R::WebhookDelivery,
            R::Deleted,
        ] {
            // (A new variant makes this match non-exhaustive: add it to the list above.)
            match r {
                R::PhoneNumber | R::AvailableNumber | R::Agent | R::Call | R::Transcript => {}
                R::TranscriptSegment | R::WebhookEndpoint | R::WebhookDelivery | R::Deleted => {}
            }
            let names: Vec<&str> = r.fields().iter().map(|f| f.0).collect();
            assert!(names.len() <= 64, "{}", r.name());
            assert_eq!(&names[..r.required().len()], r.required(), "{}", r.name());
        }
    }

    #[test]
    fn twenty_four_distinct_operations() {
        assert_eq!(OPS.len(), 24);
        let mut names: Vec<_> = OPS.iter().map(|o| o.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 24);
        let mut routes: Vec<_> = OPS.iter().map(|o| (o.method.as_str(), o.path)).collect();
        routes.sort_unstable();
        routes.dedup();
        assert_eq!(routes.len(), 24);
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
