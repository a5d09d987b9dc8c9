//! What a connected call "said": a deterministic conversation phrased from the agent's name,
//! the call's instructions and context and its `returns` schema, and the values extraction
//! "finds" in it. No randomness and no language model: the same call always says the same
//! lines, and each `returns` field is asked about in words chosen from its name and type
//! (boolean `confirmed` → "Can you confirm that works for you?", string `reschedule_to` →
//! "When would you like to reschedule to?"), answered with a plausible value, and the agent
//! sums the answers up before saying goodbye.

use super::lifecycle::{ANSWERED_MS, ENDED_MS};
use super::model::Segment;
use callingbox_core::json::Value;

/// The person on the other end when the context names nobody.
const SOMEONE: &str = "Jordan Lee";
/// Fields asked about in one call (the rest are still extracted).
const MAX_QUESTIONS: usize = 12;
/// Context members read out in one call.
const MAX_DETAILS: usize = 4;
/// Longest value (in characters) spoken as is; longer ones are cut with "…".
const MAX_SPOKEN: usize = 80;

/// Words of a field name, lowercase: `reschedule_to`, `rescheduleTo`, `reschedule-to` →
/// `["reschedule", "to"]`.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn has(ws: &[String], any: &[&str]) -> bool {
    ws.iter().any(|w| any.contains(&w.as_str()))
}

fn without(ws: &[String], drop: &[&str]) -> Vec<String> {
    ws.iter()
        .filter(|w| !drop.contains(&w.as_str()))
        .cloned()
        .collect()
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn spoken(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= MAX_SPOKEN {
        return s.to_string();
    }
    let cut: String = s.chars().take(MAX_SPOKEN - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Context keys that name the person called (`patient`, `customer_name`, `first_name`, ...).
const PERSON: &[&str] = &[
    "name",
    "full",
    "first",
    "customer",
    "patient",
    "contact",
    "client",
    "caller",
    "callee",
    "recipient",
    "person",
    "guest",
    "member",
];

fn names_a_person(key: &str) -> bool {
    let ws = words(key);
    !ws.is_empty() && ws.iter().all(|w| PERSON.contains(&w.as_str()))
}

/// The context member naming the person called: `(key, name)`.
fn callee(context: &Value) -> Option<(&str, String)> {
    context.as_object()?.iter().find_map(|(k, v)| {
        let name = v.as_str()?.trim();
        (names_a_person(k) && !name.is_empty()).then(|| (k.as_str(), spoken(name)))
    })
}

/// What a `returns` field is about, from the words of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    Reschedule,
    Time,
    Name,
    Email,
    Phone,
    Address,
    City,
    Zip,
    Reason,
    Feedback,
    Language,
    Count,
    Rating,
    Age,
    Money,
    Other,
}

const COUNT_WORDS: &[&str] = &["count", "number", "num", "total", "quantity", "qty", "size"];

fn topic(ws: &[String], kind: &str) -> Topic {
    use Topic::*;
    if kind == "number" {
        return if has(ws, &["rating", "score", "stars", "satisfaction", "nps"]) {
            Rating
        } else if has(ws, &["age"]) {
            Age
        } else if has(
            ws,
            &[
                "price", "amount", "cost", "budget", "fee", "payment", "balance", "spend",
                "dollars", "usd",
            ],
        ) {
            Money
        } else if has(
            ws,
            &[
                "count",
                "number",
                "num",
                "quantity",
                "qty",
                "size",
                "guests",
                "people",
                "party",
                "seats",
                "attendees",
                "tickets",
                "children",
                "kids",
                "adults",
                "units",
                "items",
                "nights",
                "rooms",
            ],
        ) {
            Count
        } else {
            Other
        };
    }
    if has(ws, &["reschedule", "rescheduled", "rebook", "postpone"]) {
        Reschedule
    } else if has(ws, &["phone", "mobile", "cell", "tel", "telephone"]) {
        Phone
    } else if has(ws, &["email", "mail"]) {
        Email
    } else if has(ws, &["address", "street"]) {
        Address
    } else if has(ws, &["city", "town"]) {
        City
    } else if has(ws, &["zip", "postcode", "postal"]) {
        Zip
    } else if has(
        ws,
        &[
            "date",
            "day",
            "time",
            "when",
            "slot",
            "appointment",
            "availability",
            "callback",
            "datetime",
            "schedule",
        ],
    ) {
        Time
    } else if has(
        ws,
        &[
            "reason",
            "purpose",
            "issue",
            "problem",
            "concern",
            "complaint",
            "inquiry",
            "enquiry",
            "topic",
            "request",
        ],
    ) {
        Reason
    } else if has(
        ws,
        &[
            "feedback", "comment", "comments", "notes", "note", "summary", "message", "remarks",
        ],
    ) {
        Feedback
    } else if has(ws, &["language", "lang"]) {
        Language
    } else if names_a_person(&ws.join("_")) {
        Name
    } else {
        Other
    }
}

/// The value a field gets when the context does not supply one: plausible for its name.
fn made_up(key: &str, kind: &str, context: &Value) -> Value {
    let ws = words(key);
    let person = callee(context).map_or_else(|| SOMEONE.to_string(), |(_, n)| n);
    let s = |v: &str| Value::String(v.to_string());
    match (kind, topic(&ws, kind)) {
        ("boolean", _) => Value::Bool(true),
        (_, Topic::Rating) => Value::Number(4.0),
        (_, Topic::Age) => Value::Number(42.0),
        (_, Topic::Money) => Value::Number(120.0),
        (_, Topic::Count) => Value::Number(2.0),
        ("number", _) => Value::Number(1.0),
        (_, Topic::Reschedule) => s("next Thursday at 3pm"),
        (_, Topic::Time) if !has(&ws, &["time", "slot", "when", "callback", "appointment"]) => {
            s("next Thursday")
        }
        (_, Topic::Time) => s("next Thursday at 3pm"),
        (_, Topic::Name) if has(&ws, &["first"]) => {
            s(person.split_whitespace().next().unwrap_or(&person))
        }
        (_, Topic::Name) => s(&person),
        (_, Topic::Email) => {
            let local: Vec<String> = person
                .split_whitespace()
                .map(|w| {
                    w.chars()
                        .filter(char::is_ascii_alphanumeric)
                        .collect::<String>()
                        .to_ascii_lowercase()
                })
                .filter(|w| !w.is_empty())
                .collect();
            let local = if local.is_empty() {
                "jordan.lee".to_string()
            } else {
                local.join(".")
            };
            Value::String(format!("{local}@example.com"))
        }
        (_, Topic::Phone) => s("+15551234567"),
        (_, Topic::Address) => s("42 Market Street, San Francisco, CA 94105"),
        (_, Topic::City) => s("San Francisco"),
        (_, Topic::Zip) => s("94105"),
        (_, Topic::Reason) => s("a question about my last bill"),
        (_, Topic::Feedback) => s("everything went smoothly, thank you"),
        (_, Topic::Language) => s("English"),
        _ => s("not sure yet"),
    }
}

/// The value extraction "finds" for a `returns` schema: the context's value when it has a
/// same-named member of the right type, else a plausible one for the field's name and type
/// (booleans `true`; numbers 2 for counts, 4 for ratings, else 1; strings such as
/// "next Thursday at 3pm" for times, the callee's name for names, else "not sure yet").
pub fn extract(returns: &Value, context: &Value) -> Value {
    let Some(fields) = returns.as_object() else {
        return Value::Null;
    };
    Value::Object(
        fields
            .iter()
            .map(|(k, t)| {
                let kind = t.as_str().unwrap_or("");
                let from_ctx = context.get(k).filter(|v| v.type_name() == kind);
                let v = from_ctx
                    .cloned()
                    .unwrap_or_else(|| made_up(k, kind, context));
                (k.clone(), v)
            })
            .collect(),
    )
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(spoken(s)),
        Value::Number(_) | Value::Bool(_) => Some(v.to_json()),
        _ => None,
    }
}

/// "a callback" / "an upgrade" for one singular word, else the words as they are ("to
/// reschedule", "reminders").
fn with_article(rest: &[String]) -> String {
    let phrase = rest.join(" ");
    match rest {
        [one] if !one.ends_with('s') && one != "to" => {
            let an = one.starts_with(['a', 'e', 'i', 'o', 'u']);
            format!("{} {phrase}", if an { "an" } else { "a" })
        }
        _ => phrase,
    }
}

/// The agent's question and the callee's answer for field `key` holding `value`.
/// `confirmed_before`: an earlier yes/no question confirmed the call's purpose.
fn exchange(key: &str, value: &Value, confirmed_before: bool) -> (String, String) {
    let ws = words(key);
    let phrase = spoken(&if ws.is_empty() {
        key.to_string()
    } else {
        ws.join(" ")
    });
    let said = scalar(value).unwrap_or_default();
    match value {
        Value::Bool(yes) => {
            let yes = *yes;
            let first = ws.first().map_or("", String::as_str);
            let rest = ws.get(1..).unwrap_or(&[]);
            let pick = |y: &str, n: &str| if yes { y.to_string() } else { n.to_string() };
            if ws.iter().any(|w| w.starts_with("confirm")) {
                let rest = without(
                    &ws,
                    &[
                        "confirm",
                        "confirmed",
                        "confirms",
                        "confirmation",
                        "is",
                        "has",
                        "been",
                    ],
                );
                let q = if rest.is_empty() {
                    "Can you confirm that works for you?".to_string()
                } else {
                    format!("Can you confirm the {}?", rest.join(" "))
                };
                return (
                    q,
                    pick("Yes, that works for me.", "No, that doesn't work for me."),
                );
            }
            let (q, y, n) = match first {
                "is" | "are" | "am" if !rest.is_empty() => (
                    format!("Are you {}?", rest.join(" ")),
                    "Yes, I am.",
                    "No, I'm not.",
                ),
                "has" | "have" if !rest.is_empty() => (
                    format!("Do you have {}?", rest.join(" ")),
                    "Yes, I do.",
                    "No, I don't.",
                ),
                "wants" | "want" | "wishes" | "likes" | "would" if !rest.is_empty() => (
                    format!(
                        "Would you like {}?",
                        with_article(&without(rest, &["like"]))
                    ),
                    "Yes, please.",
                    "No, thank you.",
                ),
                "needs" | "need" if !rest.is_empty() => (
                    format!("Do you need {}?", rest.join(" ")),
                    "Yes, I do.",
                    "No, I don't.",
                ),
                "can" | "could" if !rest.is_empty() => (
                    format!("Can you {}?", rest.join(" ")),
                    "Yes, I can.",
                    "No, I can't.",
                ),
                "will" if !rest.is_empty() => (
                    format!("Will you {}?", rest.join(" ")),
                    "Yes, I will.",
                    "No, I won't.",
                ),
                "did" if !rest.is_empty() => (
                    format!("Did you {}?", rest.join(" ")),
                    "Yes, I did.",
                    "No, I didn't.",
                ),
                "does" | "do" if !rest.is_empty() => (
                    format!("Do you {}?", rest.join(" ")),
                    "Yes, I do.",
                    "No, I don't.",
                ),
                w if w.ends_with("ed") && !rest.is_empty() => (
                    format!("Have you {phrase}?"),
                    "Yes, I have.",
                    "No, I haven't.",
                ),
                w if rest.is_empty()
                    && (w.ends_with("ed")
                        || [
                            "available",
                            "interested",
                            "eligible",
                            "ready",
                            "happy",
                            "home",
                            "ok",
                            "okay",
                        ]
                        .contains(&w)) =>
                {
                    (format!("Are you {w}?"), "Yes, I am.", "No, I'm not.")
                }
                _ => (
                    format!("Just to check, {phrase}: yes or no?"),
                    "Yes.",
                    "No.",
                ),
            };
            (q, pick(y, n))
        }
        Value::Number(_) => match topic(&ws, "number") {
            Topic::Count => {
                let noun = match ws.iter().position(|w| w == "of") {
                    Some(i) => ws.get(i + 1..).unwrap_or(&[]).to_vec(),
                    None => without(&ws, COUNT_WORDS),
                };
                let noun = match noun.as_slice() {
                    [] => "people".to_string(),
                    [p] if p == "party" || p == "group" => "people".to_string(),
                    _ => {
                        let n = noun.join(" ");
                        if n.ends_with('s') || n.ends_with("people") || n.ends_with("children") {
                            n
                        } else {
                            format!("{n}s")
                        }
                    }
                };
                (
                    format!("How many {noun} should I put down?"),
                    format!("Let's say {said}."),
                )
            }
            Topic::Rating => {
                let rest = without(
                    &ws,
                    &["rating", "score", "stars", "satisfaction", "nps", "overall"],
                );
                let what = if rest.is_empty() {
                    "your experience".to_string()
                } else {
                    format!("the {}", rest.join(" "))
                };
                (
                    format!("On a scale of 1 to 5, how would you rate {what}?"),
                    format!("I'd give it a {said}."),
                )
            }
            Topic::Age => (
                "May I ask how old you are?".to_string(),
                format!("I'm {said}."),
            ),
            Topic::Money => (
                format!("What {phrase} should I note down, in dollars?"),
                format!("About {said} dollars."),
            ),
            _ => (format!("What's the {phrase}?"), format!("It's {said}.")),
        },
        _ => match topic(&ws, "string") {
            Topic::Reschedule if confirmed_before => (
                "And if anything comes up, when could we move it to?".to_string(),
                format!("{} would work too.", cap(&said)),
            ),
            Topic::Reschedule => (
                "When would you like to reschedule to?".to_string(),
                format!("{}, if possible.", cap(&said)),
            ),
            Topic::Time => {
                let rest = without(
                    &ws,
                    &["preferred", "desired", "requested", "new", "best", "the"],
                );
                let what = if rest.is_empty() {
                    "time".to_string()
                } else {
                    rest.join(" ")
                };
                (
                    format!("What {what} works best for you?"),
                    format!("{} works for me.", cap(&said)),
                )
            }
            Topic::Name => {
                let which = if has(&ws, &["first"]) {
                    "first name"
                } else {
                    "full name"
                };
                (
                    format!("Could I get your {which}?"),
                    format!("It's {said}."),
                )
            }
            Topic::Email => (
                "What's the best email address for you?".to_string(),
                format!("It's {said}."),
            ),
            Topic::Phone => (
                "What's the best number to reach you on?".to_string(),
                format!("It's {said}."),
            ),
            Topic::Address => ("What's your address?".to_string(), format!("It's {said}.")),
            Topic::City => (
                "Which city are you in?".to_string(),
                format!("{}.", cap(&said)),
            ),
            Topic::Zip => ("And your ZIP code?".to_string(), format!("It's {said}.")),
            Topic::Reason => (
                "What can I help you with today?".to_string(),
                format!("{}.", cap(&said)),
            ),
            Topic::Feedback => (
                "Is there anything else you'd like me to pass on?".to_string(),
                format!("{}.", cap(&said)),
            ),
            Topic::Language => (
                "Which language would you prefer?".to_string(),
                format!("{}, please.", cap(&said)),
            ),
            _ => (format!("What's your {phrase}?"), format!("{}.", cap(&said))),
        },
    }
}

/// Instructions that start with one of these read as the call's purpose ("I'm calling to
/// confirm ..."); others are not spoken (they are the agent's brief, not a line).
const PURPOSE_VERBS: &[&str] = &[
    "confirm",
    "remind",
    "ask",
    "check",
    "follow",
    "schedule",
    "book",
    "reschedule",
    "collect",
    "verify",
    "tell",
    "let",
    "offer",
    "get",
    "find",
    "see",
    "update",
    "notify",
    "invite",
    "survey",
    "gather",
    "request",
    "arrange",
    "discuss",
    "share",
    "inform",
    "qualify",
    "thank",
    "introduce",
    "cancel",
    "review",
    "help",
    "reach",
];

/// "I'm calling to confirm the patient's appointment tomorrow at 2pm." from instructions
/// whose first sentence starts with a verb of [`PURPOSE_VERBS`].
fn purpose(instructions: Option<&str>) -> Option<String> {
    let text = instructions?.trim();
    // The first sentence ends at . ! ? before a space or the end, but not after an
    // abbreviation ("Dr. Chen", "a.m.") or an initial.
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            let before = text[..i].rsplit(char::is_whitespace).next().unwrap_or("");
            let abbreviation = c == '.'
                && (before.chars().count() <= 1
                    || before.contains('.')
                    || [
                        "Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Jr", "Sr", "vs", "etc", "No",
                    ]
                    .contains(&before));
            matches!(c, '.' | '!' | '?' | '\n')
                && !abbreviation
                && text[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(text.len(), |(i, _)| i);
    let first = text[..end].trim();
    let verb = first.split_whitespace().next()?.to_lowercase();
    if !PURPOSE_VERBS.contains(&verb.as_str()) {
        return None;
    }
    let mut chars = first.chars();
    let lowered: String = chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default();
    Some(format!("I'm calling to {}.", spoken(&lowered)))
}

/// "the Appointment reminders assistant", or the name alone when it already says what it is.
fn introduce(agent_name: &str) -> String {
    let name = spoken(agent_name);
    let last = name.split_whitespace().last().unwrap_or("").to_lowercase();
    if ["assistant", "bot", "agent", "receptionist"].contains(&last.as_str()) {
        format!("the {name}")
    } else {
        format!("the {name} assistant")
    }
}

/// "the doctor is Dr. Chen and the crm id is 12345"
fn details(context: &Value, skip: Option<&str>) -> Option<String> {
    let parts: Vec<String> = context
        .as_object()?
        .iter()
        .filter(|(k, _)| Some(k.as_str()) != skip)
        .filter_map(|(k, v)| {
            let ws = words(k);
            let said = scalar(v)?;
            (!ws.is_empty()).then(|| format!("the {} is {said}", spoken(&ws.join(" "))))
        })
        .take(MAX_DETAILS)
        .collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [init @ .., last] => Some(format!("{} and {last}", init.join(", "))),
    }
}

/// The conversation of a connected call, with times relative to the call's creation:
/// greeting (the callee by name when the context has one, the agent, the purpose when the
/// instructions start with a verb such as "Confirm ..."), the context's details, one
/// question and answer per `returns` field (the answers are `result`'s values), a summary of
/// the answers, goodbye. Inbound calls start with the agent answering the phone. Starts 1 s
/// after the answer; each line lasts 600 ms + 50 ms a character (at most 12 s) with 800 ms
/// between lines, squeezed if need be so that the last line ends before the hang-up.
pub fn script(
    agent_name: &str,
    instructions: Option<&str>,
    context: &Value,
    result: &Value,
    inbound: bool,
) -> Vec<Segment> {
    let fields: Vec<(&String, &Value)> = result
        .as_object()
        .unwrap_or(&[])
        .iter()
        .map(|(k, v)| (k, v))
        .take(MAX_QUESTIONS)
        .collect();
    let who = introduce(agent_name);
    let mut lines: Vec<(bool, String)> = Vec::new();
    if inbound {
        lines.push((
            true,
            format!("Thanks for calling, this is {who}. How can I help you today?"),
        ));
        lines.push((
            false,
            "Hi, I was hoping you could help me with something.".into(),
        ));
        lines.push((
            true,
            if fields.is_empty() {
                "Of course. I've made a note, and someone will follow up with you shortly."
            } else {
                "Of course! I just need a few details first."
            }
            .into(),
        ));
    } else {
        let named = callee(context);
        let why = purpose(instructions).unwrap_or_else(|| {
            if fields.is_empty() {
                "I'm just calling to check in.".into()
            } else {
                "I'm calling with a few quick questions.".into()
            }
        });
        match &named {
            Some((_, name)) => {
                lines.push((true, format!("Hi, is this {name}?")));
                lines.push((false, "Yes, speaking.".into()));
                lines.push((true, format!("Great! This is {who}. {why}")));
            }
            None => lines.push((true, format!("Hi, this is {who}. {why}"))),
        }
        if let Some(d) = details(context, named.as_ref().map(|(k, _)| *k)) {
            lines.push((true, format!("For reference, {d}.")));
        }
        lines.push((
            false,
            if fields.is_empty() {
                "Okay, thanks for letting me know."
            } else {
                "Sure, go ahead."
            }
            .into(),
        ));
    }
    let mut confirmed = false;
    let mut summary = Vec::new();
    for (k, v) in &fields {
        let (q, a) = exchange(k, v, confirmed);
        lines.push((true, q));
        lines.push((false, a));
        let ws = words(k);
        if v.as_bool() == Some(true) && ws.iter().any(|w| w.starts_with("confirm")) {
            confirmed = true;
        }
        let said = match v {
            Value::Bool(true) => "yes".to_string(),
            Value::Bool(false) => "no".to_string(),
            other => scalar(other).unwrap_or_default(),
        };
        let name = spoken(&if ws.is_empty() {
            k.to_string()
        } else {
            ws.join(" ")
        });
        summary.push(format!("{name}: {said}"));
    }
    if !summary.is_empty() {
        lines.push((
            true,
            format!(
                "Perfect, I've noted that down. To sum up, {}.",
                summary.join("; ")
            ),
        ));
    }
    lines.push((
        true,
        if inbound {
            "Thanks for calling. Goodbye!"
        } else {
            "Thank you for your time. Goodbye!"
        }
        .into(),
    ));
    lines.push((false, "Thanks, bye!".into()));
    timed(lines)
}

/// Times the lines: from 1 s after the answer, 600 ms + 50 ms a character each (≤ 12 s),
/// 800 ms apart; scaled down together if they would run past the hang-up.
fn timed(lines: Vec<(bool, String)>) -> Vec<Segment> {
    const GAP_MS: i64 = 800;
    let start = ANSWERED_MS + 1_000;
    let budget = ENDED_MS - 500 - start;
    let durs: Vec<i64> = lines
        .iter()
        .map(|(_, t)| (600 + 50 * t.chars().count() as i64).min(12_000))
        .collect();
    let total: i64 = durs.iter().sum::<i64>() + GAP_MS * (durs.len() as i64 - 1).max(0);
    let scale = |ms: i64| {
        if total > budget {
            (ms * budget / total).max(1)
        } else {
            ms
        }
    };
    let mut at = start;
    lines
        .into_iter()
        .zip(durs)
        .map(|((agent, text), dur)| {
            let dur = scale(dur);
            let seg = Segment {
                agent,
                text,
                start_ms: at,
                dur_ms: dur,
            };
            at += dur + scale(GAP_MS);
            seg
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(key: &str, value: Value) -> (String, String) {
        exchange(key, &value, false)
    }

    fn returns(json: &str) -> Value {
        Value::parse(json).unwrap()
    }

    #[test]
    fn field_names_split_into_words() {
        assert_eq!(words("reschedule_to"), ["reschedule", "to"]);
        assert_eq!(words("rescheduleTo"), ["reschedule", "to"]);
        assert_eq!(words("Party-Size 2"), ["party", "size", "2"]);
        assert!(words("__").is_empty());
    }

    /// Each question is phrased from the field's name and type, and answered in kind.
    #[test]
    fn questions_read_like_a_call() {
        let t = Value::Bool(true);
        let f = Value::Bool(false);
        let cases: &[(&str, Value, &str, &str)] = &[
            (
                "confirmed",
                t.clone(),
                "Can you confirm that works for you?",
                "Yes, that works for me.",
            ),
            (
                "appointment_confirmed",
                f.clone(),
                "Can you confirm the appointment?",
                "No, that doesn't work for me.",
            ),
            (
                "is_available",
                t.clone(),
                "Are you available?",
                "Yes, I am.",
            ),
            (
                "has_insurance",
                f.clone(),
                "Do you have insurance?",
                "No, I don't.",
            ),
            (
                "wants_upgrade",
                f.clone(),
                "Would you like an upgrade?",
                "No, thank you.",
            ),
            (
                "needs_follow_up",
                t.clone(),
                "Do you need follow up?",
                "Yes, I do.",
            ),
            (
                "wants_callback",
                t.clone(),
                "Would you like a callback?",
                "Yes, please.",
            ),
            (
                "wants_to_reschedule",
                t.clone(),
                "Would you like to reschedule?",
                "Yes, please.",
            ),
            ("can_attend", t.clone(), "Can you attend?", "Yes, I can."),
            ("interested", t.clone(), "Are you interested?", "Yes, I am."),
            ("opted_in", t.clone(), "Have you opted in?", "Yes, I have."),
            ("vip", f.clone(), "Just to check, vip: yes or no?", "No."),
            (
                "reschedule_to",
                Value::from("next Thursday at 3pm"),
                "When would you like to reschedule to?",
                "Next Thursday at 3pm, if possible.",
            ),
            (
                "preferred_time",
                Value::from("next Thursday at 3pm"),
                "What time works best for you?",
                "Next Thursday at 3pm works for me.",
            ),
            (
                "email",
                Value::from("maria.lopez@example.com"),
                "What's the best email address for you?",
                "It's maria.lopez@example.com.",
            ),
            (
                "phone_number",
                Value::from("+15551234567"),
                "What's the best number to reach you on?",
                "It's +15551234567.",
            ),
            (
                "full_name",
                Value::from("Maria Lopez"),
                "Could I get your full name?",
                "It's Maria Lopez.",
            ),
            (
                "reason",
                Value::from("a question about my last bill"),
                "What can I help you with today?",
                "A question about my last bill.",
            ),
            (
                "favorite_color",
                Value::from("not sure yet"),
                "What's your favorite color?",
                "Not sure yet.",
            ),
            (
                "party_size",
                Value::Number(2.0),
                "How many people should I put down?",
                "Let's say 2.",
            ),
            (
                "number_of_guests",
                Value::Number(3.0),
                "How many guests should I put down?",
                "Let's say 3.",
            ),
            (
                "ticket_count",
                Value::Number(2.0),
                "How many tickets should I put down?",
                "Let's say 2.",
            ),
            (
                "service_rating",
                Value::Number(4.0),
                "On a scale of 1 to 5, how would you rate the service?",
                "I'd give it a 4.",
            ),
            (
                "budget",
                Value::Number(120.0),
                "What budget should I note down, in dollars?",
                "About 120 dollars.",
            ),
            ("floor", Value::Number(1.0), "What's the floor?", "It's 1."),
        ];
        for (key, value, q, a) in cases {
            assert_eq!(
                ask(key, value.clone()),
                (q.to_string(), a.to_string()),
                "{key}"
            );
        }
        // After a "yes" to a confirmation, a reschedule question is about a fallback.
        assert_eq!(
            exchange("reschedule_to", &Value::from("next Thursday at 3pm"), true).0,
            "And if anything comes up, when could we move it to?"
        );
    }

    #[test]
    fn extraction_makes_up_plausible_values_unless_the_context_has_them() {
        let schema = returns(
            r#"{"confirmed":"boolean","reschedule_to":"string","first_name":"string","email":"string","party_size":"number","rating":"number","weight":"number","notes":"string","misc":"string"}"#,
        );
        let ctx = returns(r#"{"patient":"Maria Lopez","notes":"call after 5","rating":"five"}"#);
        assert_eq!(
            extract(&schema, &ctx).to_json(),
            r#"{"confirmed":true,"reschedule_to":"next Thursday at 3pm","first_name":"Maria","email":"maria.lopez@example.com","party_size":2,"rating":4,"weight":1,"notes":"call after 5","misc":"not sure yet"}"#
        );
        // Nobody named: a stand-in person.
        let who = returns(r#"{"name":"string","email":"string"}"#);
        assert_eq!(
            extract(&who, &Value::Null).to_json(),
            r#"{"name":"Jordan Lee","email":"jordan.lee@example.com"}"#
        );
        assert_eq!(extract(&Value::Null, &ctx), Value::Null);
    }

    fn lines(segs: &[Segment]) -> Vec<String> {
        segs.iter()
            .map(|s| format!("{} {}", if s.agent { "agent" } else { "user" }, s.text))
            .collect()
    }

    #[test]
    fn purpose_comes_from_imperative_instructions_only() {
        assert_eq!(
            purpose(Some(
                "Confirm tomorrow's 2pm appointment with Dr. Chen. Offer to reschedule."
            )),
            Some("I'm calling to confirm tomorrow's 2pm appointment with Dr. Chen.".into())
        );
        assert_eq!(purpose(Some("You are a friendly receptionist.")), None);
        assert_eq!(purpose(None), None);
        assert_eq!(purpose(Some("")), None);
    }

    #[test]
    fn inbound_calls_are_answered_by_the_agent() {
        let result = returns(r#"{"reason":"a question about my last bill"}"#);
        assert_eq!(
            lines(&script("Front desk", None, &Value::Null, &result, true)),
            [
                "agent Thanks for calling, this is the Front desk assistant. How can I help you today?",
                "user Hi, I was hoping you could help me with something.",
                "agent Of course! I just need a few details first.",
                "agent What can I help you with today?",
                "user A question about my last bill.",
                "agent Perfect, I've noted that down. To sum up, reason: a question about my last bill.",
                "agent Thanks for calling. Goodbye!",
                "user Thanks, bye!",
            ]
        );
    }

    #[test]
    fn without_a_schema_or_a_name_the_call_still_reads_naturally() {
        assert_eq!(
            lines(&script(
                "Acme Bot",
                Some("Be nice."),
                &returns("{}"),
                &Value::Null,
                false
            )),
            [
                "agent Hi, this is the Acme Bot. I'm just calling to check in.",
                "user Okay, thanks for letting me know.",
                "agent Thank you for your time. Goodbye!",
                "user Thanks, bye!",
            ]
        );
    }

    /// However long the lines, the conversation ends before the call does, in order.
    #[test]
    fn long_conversations_fit_before_the_hang_up() {
        let long = "x".repeat(5_000);
        let mut fields = Vec::new();
        for i in 0..40 {
            fields.push((format!("field_{i}_{long}"), Value::from(long.as_str())));
        }
        let result = Value::Object(fields);
        let ctx = returns(&format!(
            r#"{{"customer":"{long}","a":"{long}","b":"{long}"}}"#
        ));
        let segs = script(
            &long,
            Some(&format!("Confirm {long}")),
            &ctx,
            &result,
            false,
        );
        assert!(segs.len() > 20);
        let mut at = 0;
        for s in &segs {
            assert!(s.start_ms >= at && s.dur_ms > 0);
            at = s.start_ms + s.dur_ms;
            assert!(s.text.chars().count() < 3_000, "spoken values are cut");
        }
        assert!(at <= ENDED_MS, "{at}");
        assert_eq!(segs[0].start_ms, ANSWERED_MS + 1_000);
    }

    #[test]
    fn the_same_call_always_says_the_same_thing() {
        let schema = returns(r#"{"confirmed":"boolean","reschedule_to":"string"}"#);
        let ctx = returns(r#"{"patient":"Maria Lopez","doctor":"Dr. Chen"}"#);
        let a = script(
            "R",
            Some("Confirm it."),
            &ctx,
            &extract(&schema, &ctx),
            false,
        );
        let b = script(
            "R",
            Some("Confirm it."),
            &ctx,
            &extract(&schema, &ctx),
            false,
        );
        assert_eq!(lines(&a), lines(&b));
        assert_eq!(
            a.iter().map(|s| (s.start_ms, s.dur_ms)).collect::<Vec<_>>(),
            b.iter().map(|s| (s.start_ms, s.dur_ms)).collect::<Vec<_>>()
        );
    }
}
