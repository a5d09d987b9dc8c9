//! Every item of a list, page after page (`list_all`): the Rust form of the JS client's
//! `for await (const call of client.calls.list())`. The cursor is the last item's id
//! (`starting_after`), or the first item's when paging backwards from `ending_before`; the
//! stream ends when the API says `has_more: false`.

use std::collections::{HashSet, VecDeque};

use futures_util::stream::{self, Stream};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::redact;
use crate::{Client, Error, Page};

/// A list's parameters with cursors (implemented by the generated parameter types).
pub(crate) trait Cursors {
    /// `starting_after` and `ending_before`.
    fn cursors(&mut self) -> (&mut Option<String>, &mut Option<String>);
}

/// An object a list returns: its id is the next page's cursor.
pub(crate) trait Listed {
    fn list_id(&self) -> &str;
}

struct State<P, T> {
    client: Client,
    op: &'static str,
    params: P,
    backwards: bool,
    /// The items of the page read last, still to be yielded.
    items: VecDeque<T>,
    /// What comes once `items` are yielded: another page, an error, or the end.
    next: Next,
    /// Every cursor so far: a server that cycles through pages (A, B, A) is stopped too.
    cursors: HashSet<String>,
}

enum Next {
    Page,
    Fail(Error),
    End,
}

/// The stream of `op`'s items from the page `params` asks for on. A failed page request is
/// the stream's last item; a server that says `has_more` but gives a cursor it gave before
/// ends it with [`Error::InvalidResponse`] rather than the same items forever.
pub(crate) fn items<P, T>(
    client: Client,
    op: &'static str,
    mut params: P,
) -> impl Stream<Item = Result<T, Error>> + Unpin
where
    P: Cursors + Serialize,
    T: Listed + DeserializeOwned,
{
    let (after, before) = params.cursors();
    let backwards = before.is_some();
    let first = if backwards {
        before.clone()
    } else {
        after.clone()
    };
    let state = State {
        client,
        op,
        params,
        backwards,
        items: VecDeque::new(),
        next: Next::Page,
        cursors: first.into_iter().collect(),
    };
    // Boxed so that callers can poll it without pinning it themselves.
    Box::pin(stream::unfold(state, |mut s| async move {
        loop {
            if let Some(item) = s.items.pop_front() {
                return Some((Ok(item), s));
            }
            match std::mem::replace(&mut s.next, Next::End) {
                Next::End => return None,
                Next::Fail(e) => return Some((Err(e), s)),
                Next::Page => {}
            }
            let page: Page<T> = match s.client.request(s.op, &[], Some(&s.params)).await {
                Ok(page) => page,
                Err(e) => return Some((Err(e), s)),
            };
            s.next = s.after(&page);
            s.items = if s.backwards {
                page.data.into_iter().rev().collect()
            } else {
                page.data.into()
            };
        }
    }))
}

impl<P: Cursors, T: Listed> State<P, T> {
    /// What follows `page`, with the cursor moved to its edge.
    fn after(&mut self, page: &Page<T>) -> Next {
        if !page.has_more {
            return Next::End;
        }
        let edge = if self.backwards {
            page.data.first()
        } else {
            page.data.last()
        };
        let Some(id) = edge.map(Listed::list_id) else {
            return Next::End; // an empty page ends the list, whatever it says
        };
        if id.is_empty() || self.cursors.contains(id) {
            let shown = if id.is_empty() {
                "missing".to_string()
            } else {
                // The key out first: clipped, an echoed key could be cut where redaction no
                // longer finds it.
                let head: String = redact(id.to_string(), self.client.api_key())
                    .chars()
                    .take(64)
                    .collect();
                format!("\"{head}\" again")
            };
            return Next::Fail(Error::InvalidResponse {
                status: 200,
                message: format!(
                    "{}: the list says has_more but does not advance (its {} item's id is {shown}); stopped instead of repeating it",
                    self.op,
                    if self.backwards { "first" } else { "last" },
                ),
                request_id: None,
            });
        }
        self.cursors.insert(id.to_string());
        let (after, before) = self.params.cursors();
        *(if self.backwards { before } else { after }) = Some(id.to_string());
        Next::Page
    }
}
