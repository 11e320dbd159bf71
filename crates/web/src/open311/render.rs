//! The app's Open311 answers as response trees, with the spec's element names in the spec's order.

use onegrid_app::case::open311::{Posted, PublicRequest, Service, ServiceDefinition};

use super::doc::{Doc, V};

/// The GeoReport v2 specification this endpoint implements.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this endpoint's behaviour last changed (sortable, as discovery asks).
pub const CHANGESET: &str = "2026-11-22T00:00:00Z";

pub fn services(items: &[Service]) -> Doc {
    let body = items
        .iter()
        .map(|s| {
            V::Obj(vec![
                ("service_code", V::str(&s.service_code)),
                ("service_name", V::str(&s.service_name)),
                ("description", V::str(&s.description)),
                ("metadata", V::Bool(s.metadata)),
                ("type", V::str(s.kind)),
                ("keywords", V::str(&s.keywords)),
                ("group", V::str(&s.group)),
            ])
        })
        .collect();
    Doc {
        root: "services",
        body: V::List("service", body),
    }
}

pub fn definition(d: &ServiceDefinition) -> Doc {
    let attributes = d
        .attributes
        .iter()
        .map(|a| {
            let mut f = vec![
                ("variable", V::Bool(a.variable)),
                ("code", V::str(a.code)),
                ("datatype", V::str(a.datatype)),
                ("required", V::Bool(a.required)),
                ("datatype_description", V::opt(a.datatype_description.clone())),
                ("order", V::Int(i64::from(a.order))),
                ("description", V::str(&a.description)),
            ];
            if !a.values.is_empty() {
                let values = a
                    .values
                    .iter()
                    .map(|(k, n)| V::Obj(vec![("key", V::str(k)), ("name", V::str(n))]))
                    .collect();
                f.push(("values", V::List("value", values)));
            }
            V::Obj(f)
        })
        .collect();
    Doc {
        root: "service_definition",
        body: V::Obj(vec![
            ("service_code", V::str(&d.service_code)),
            ("attributes", V::List("attribute", attributes)),
        ]),
    }
}

fn request(r: &PublicRequest) -> V {
    V::Obj(vec![
        ("service_request_id", V::Int(r.service_request_id)),
        ("status", V::str(r.status)),
        ("status_notes", V::str(&r.status_notes)),
        ("service_name", V::str(&r.service_name)),
        ("service_code", V::str(&r.service_code)),
        ("description", V::opt(r.description.clone())),
        ("agency_responsible", V::opt(r.agency_responsible.clone())),
        ("service_notice", V::opt(r.service_notice.clone())),
        ("requested_datetime", V::str(&r.requested_datetime)),
        ("updated_datetime", V::str(&r.updated_datetime)),
        ("expected_datetime", V::opt(r.expected_datetime.clone())),
        ("address", V::opt(r.address.clone())),
        ("address_id", V::opt(r.address_id.clone())),
        ("zipcode", V::opt(r.zipcode.clone())),
        ("lat", V::num(r.lat)),
        ("long", V::num(r.long)),
        ("media_url", V::opt(r.media_url.clone())),
    ])
}

pub fn requests(items: &[PublicRequest]) -> Doc {
    Doc {
        root: "service_requests",
        body: V::List("request", items.iter().map(request).collect()),
    }
}

/// The answer to a POST: the id at once (realtime), and the reporter's private token, which
/// `tokens/{token}` also resolves. `account_id` is always empty: Open311 clients have no
/// OneGrid account.
pub fn posted(p: &Posted) -> Doc {
    let mut f = vec![("service_request_id", V::Int(p.service_request_id))];
    if let Some(t) = &p.token {
        f.push(("token", V::str(t)));
    }
    f.push(("service_notice", V::opt(p.service_notice.clone())));
    f.push(("account_id", V::Null));
    Doc {
        root: "service_requests",
        body: V::List("request", vec![V::Obj(f)]),
    }
}

pub fn token(id: i64, token: &str) -> Doc {
    Doc {
        root: "service_requests",
        body: V::List(
            "request",
            vec![V::Obj(vec![("service_request_id", V::Int(id)), ("token", V::str(token))])],
        ),
    }
}

pub fn discovery(base: &str, contact: &str) -> Doc {
    let endpoint = V::Obj(vec![
        ("specification", V::str(SPECIFICATION)),
        ("url", V::str(format!("{base}/open311/v2"))),
        ("changeset", V::str(CHANGESET)),
        ("type", V::str("production")),
        (
            "formats",
            V::List("format", vec![V::str("text/xml"), V::str("application/json")]),
        ),
    ]);
    Doc {
        root: "discovery",
        body: V::Obj(vec![
            ("changeset", V::str(CHANGESET)),
            ("contact", V::str(contact)),
            (
                "key_service",
                V::str(
                    "Reads need no key. Keys for posting requests are issued by the operator of this server \
                     (onegrid apikey create --name NAME --street CODE); ask the street office.",
                ),
            ),
            ("endpoints", V::List("endpoint", vec![endpoint])),
        ]),
    }
}
