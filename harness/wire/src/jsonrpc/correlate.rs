//! Pairing responses with the requests they answer.

use super::id::Id;
use super::request::Request;
use super::response::Response;
use super::rules;
use crate::violation::{Scope, Violation};

/// Which response answers which request, and what did not pair up.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Correlation {
    /// `(request index, response index)` pairs, in response order.
    pub pairs: Vec<(usize, usize)>,
    /// Responses whose id matches no request, or repeats one already answered,
    /// and requests left without a response.
    pub violations: Vec<Violation>,
}

/// Pairs `responses` with `requests` by id (ids compare as written, so `1`
/// does not answer `1.0`).
///
/// Notifications expect no response. A response with a null id answers no
/// request: it reports a request the server could not read, so it is not a
/// violation here (the request side already failed).
pub fn correlate(requests: &[Request], responses: &[Response]) -> Correlation {
    let mut c = Correlation::default();
    let mut answered = vec![false; requests.len()];
    for (ri, response) in responses.iter().enumerate() {
        let Some(id) = &response.id else { continue };
        if *id == Id::Null {
            continue;
        }
        match requests.iter().position(|q| q.id.as_ref() == Some(id)) {
            Some(qi) if answered.get(qi).copied().unwrap_or(false) => {
                c.violations.push(Violation::new(
                    rules::RESPONSE_ID_DUPLICATE,
                    Scope::Message,
                    format!("response {ri} answers id {id} a second time"),
                ))
            }
            Some(qi) => {
                if let Some(a) = answered.get_mut(qi) {
                    *a = true;
                }
                c.pairs.push((qi, ri));
            }
            None => c.violations.push(Violation::new(
                rules::RESPONSE_ID_UNKNOWN,
                Scope::Message,
                format!("response {ri} has id {id}, which no request carried"),
            )),
        }
    }
    for (qi, q) in requests.iter().enumerate() {
        if let Some(id) = &q.id
            && !answered.get(qi).copied().unwrap_or(true)
        {
            c.violations.push(Violation::new(
                rules::RESPONSE_MISSING,
                Scope::Message,
                format!("request {qi} (\"{}\", id {id}) got no response", q.method),
            ));
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonrpc::raw::RawJson;

    #[test]
    fn pairs_out_of_order_batch_like_the_manual() {
        let reqs = vec![Request::new(1, "subtract"), Request::new(2, "add")];
        let resps = vec![
            Response::result(2, RawJson::null()),
            Response::result(1, RawJson::null()),
        ];
        let c = correlate(&reqs, &resps);
        assert_eq!(c.pairs, vec![(1, 0), (0, 1)]);
        assert!(c.violations.is_empty());
    }

    #[test]
    fn reports_unknown_duplicate_and_missing() {
        let reqs = vec![
            Request::new(1, "a"),
            Request::new(2, "b"),
            Request::notification("c"),
        ];
        let resps = vec![
            Response::result(1, RawJson::null()),
            Response::result(1, RawJson::null()),
            Response::result(9, RawJson::null()),
        ];
        let ids: Vec<&str> = correlate(&reqs, &resps)
            .violations
            .iter()
            .map(|v| v.rule.id)
            .collect();
        assert_eq!(
            ids,
            [
                "response-id-duplicate",
                "response-id-unknown",
                "response-missing"
            ]
        );
    }
}
