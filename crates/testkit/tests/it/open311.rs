//! C9 / I3 over HTTP: Open311 GeoReport v2 under `/open311/v2` — discovery, services and their
//! definitions, posting with an api_key (403 without), field errors (400 naming the field),
//! reading requests back with every filter, tokens, 404s, and the same answer in JSON and XML
//! (the XML is parsed here and mapped by the spec's JSON convention).

use chrono::{Duration, SecondsFormat, Utc};

use super::cases::staff;
use super::*;

/// A point in grid 1, micro-grid 1 of the fixture street.
const LAT: &str = "31.005";
const LNG: &str = "121.005";
/// The fixture's first building: 测试路1号 at (31.005, 121.005).
const BUILDING: &str = "999001-001-001-01-01-01";

// ---- a tiny reader for the XML we serve (no dependency) -------------------------------------

/// Containers whose children repeat: arrays in JSON, even with one child or none.
const LISTS: [&str; 7] = [
    "services",
    "service_requests",
    "errors",
    "attributes",
    "values",
    "endpoints",
    "formats",
];

struct Xml<'a> {
    s: &'a str,
}

impl<'a> Xml<'a> {
    fn eat(&mut self, p: &str) {
        assert!(
            self.s.starts_with(p),
            "expected {p:?} at {:?}",
            &self.s[..self.s.len().min(60)]
        );
        self.s = &self.s[p.len()..];
    }

    fn name(&mut self) -> &'a str {
        let end = self.s.find(|c: char| c == '>' || c == '/' || c.is_whitespace()).unwrap();
        let n = &self.s[..end];
        self.s = &self.s[end..];
        n
    }

    fn unescape(t: &str) -> String {
        let mut out = String::new();
        let mut rest = t;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let end = rest[i..].find(';').unwrap() + i;
            let ent = &rest[i + 1..end];
            out.push(match ent {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                e if e.starts_with('#') => char::from_u32(e[1..].parse().unwrap()).unwrap(),
                e => panic!("unknown entity {e}"),
            });
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// One element as JSON by the Spark convention: text as a string, an empty element as
    /// null, children as an object, a list container as an array.
    fn element(&mut self) -> (&'a str, Value) {
        self.eat("<");
        let name = self.name();
        assert!(!name.contains(':'), "no namespaces: {name}");
        if self.s.starts_with("/>") {
            self.eat("/>");
            return (name, if LISTS.contains(&name) { json!([]) } else { Value::Null });
        }
        self.eat(">");
        let close = format!("</{name}>");
        if self.s.starts_with('<') && !self.s.starts_with("</") {
            let mut items = Vec::new();
            while !self.s.starts_with(&close) {
                items.push(self.element());
            }
            self.eat(&close);
            let v = if LISTS.contains(&name) {
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                let mut m = serde_json::Map::new();
                for (k, v) in items {
                    assert!(m.insert(k.to_string(), v).is_none(), "{k} repeats inside {name}");
                }
                Value::Object(m)
            };
            return (name, v);
        }
        let end = self.s.find(&close).unwrap();
        let text = &self.s[..end];
        assert!(!text.contains('<'), "mixed content in {name}");
        self.s = &self.s[end + close.len()..];
        let v = if LISTS.contains(&name) {
            json!([])
        } else if text.is_empty() {
            Value::Null
        } else {
            Value::String(Self::unescape(text))
        };
        (name, v)
    }
}

/// The document's root name and its body as JSON.
fn xml_json(body: &str) -> (String, Value) {
    let rest = body
        .strip_prefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        .unwrap_or_else(|| panic!("no XML declaration: {body}"));
    let mut x = Xml { s: rest.trim_start() };
    let (root, v) = x.element();
    assert!(x.s.trim().is_empty(), "trailing content: {}", x.s);
    (root.to_string(), v)
}

/// JSON with numbers and booleans as the strings XML carries them as.
fn as_text(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(a) => Value::Array(a.iter().map(as_text).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), as_text(v))).collect()),
        other => other.clone(),
    }
}

// ---- the client ------------------------------------------------------------------------------

struct Reply {
    status: u16,
    ctype: String,
    body: String,
}

struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    fn new(t: &TestApp) -> Client {
        Client {
            base: t.url("/open311/v2"),
            http: reqwest::Client::new(),
        }
    }

    async fn reply(r: reqwest::Response) -> Reply {
        let status = r.status().as_u16();
        let ctype = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        Reply {
            status,
            ctype,
            body: r.text().await.unwrap(),
        }
    }

    async fn get_with(&self, path: &str, accept_language: Option<&str>) -> Reply {
        let mut rb = self.http.get(format!("{}{path}", self.base));
        if let Some(l) = accept_language {
            rb = rb.header("accept-language", l);
        }
        Self::reply(rb.send().await.unwrap()).await
    }

    async fn get(&self, path: &str) -> Reply {
        self.get_with(path, None).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)], idempotency_key: Option<&str>) -> Reply {
        let mut rb = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(k) = idempotency_key {
            rb = rb.header("idempotency-key", k);
        }
        Self::reply(rb.send().await.unwrap()).await
    }

    /// `path` (with `{fmt}` for the extension) in JSON and in XML: the same status, the right
    /// content types, the root element, and the same content. Returns (status, JSON).
    async fn both(&self, path: &str, root: &str) -> (u16, Value) {
        let j = self.get(&path.replace("{fmt}", "json")).await;
        let x = self.get(&path.replace("{fmt}", "xml")).await;
        agree(&j, &x, root)
    }

    async fn post_both(&self, form: &[(&str, &str)], root: &str) -> (u16, Value) {
        let j = self.post("/requests.json", form, None).await;
        let x = self.post("/requests.xml", form, None).await;
        agree(&j, &x, root)
    }
}

fn agree(j: &Reply, x: &Reply, root: &str) -> (u16, Value) {
    assert_eq!(j.status, x.status, "json {} / xml {}", j.body, x.body);
    assert_eq!(j.ctype, "application/json; charset=utf-8");
    assert_eq!(x.ctype, "text/xml; charset=utf-8");
    let jv: Value = serde_json::from_str(&j.body).unwrap_or_else(|e| panic!("{e}: {}", j.body));
    let (r, xv) = xml_json(&x.body);
    assert_eq!(r, root, "{}", x.body);
    assert_eq!(as_text(&jv), xv, "JSON and XML differ:\n{}\n{}", j.body, x.body);
    (j.status, jv)
}

/// An error answer: the spec's array, each entry with the HTTP status as its code.
fn errors(status: u16, v: &Value) -> Vec<String> {
    let items = v.as_array().unwrap_or_else(|| panic!("not an error array: {v}"));
    assert!(!items.is_empty());
    items
        .iter()
        .map(|e| {
            assert_eq!(e["code"].as_i64(), Some(i64::from(status)), "{v}");
            e["description"].as_str().unwrap().to_string()
        })
        .collect()
}

fn names_field(errs: &[String], field: &str) -> bool {
    errs.iter().any(|e| e.starts_with(&format!("{field}: ")))
}

async fn key(t: &TestApp) -> String {
    t.app.create_open311_key(None, "test client").await.unwrap().0
}

fn w3c(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Posts a request at the fixture's point; returns (id, token).
async fn post_ok(c: &Client, key: &str, code: &str, description: &str, extra: &[(&str, &str)]) -> (i64, String) {
    let mut form = vec![
        ("api_key", key),
        ("service_code", code),
        ("lat", LAT),
        ("long", LNG),
        ("description", description),
    ];
    form.extend_from_slice(extra);
    let r = c.post("/requests.json", &form, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    (
        v[0]["service_request_id"].as_i64().unwrap(),
        v[0]["token"].as_str().unwrap().to_string(),
    )
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_i64().unwrap())
        .collect()
}

// ---- the tests -------------------------------------------------------------------------------

both!(c9_discovery_services_and_definitions, |t: TestApp| async move {
    let s = staff(&t).await;
    let c = Client::new(&t);

    let r = c.get("/discovery.xml").await;
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{}", r.body);
    let (_, d) = c.both("/discovery.{fmt}", "discovery").await;
    let e = &d["endpoints"][0];
    assert_eq!(e["url"], format!("{}/open311/v2", t.base));
    assert_eq!(e["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(e["formats"], json!(["text/xml", "application/json"]));
    assert_eq!(e["type"], "production");
    assert!(d["contact"].as_str().unwrap().contains(fixture::STREET), "{d}");
    for k in ["changeset", "key_service"] {
        assert!(d[k].as_str().is_some_and(|v| !v.is_empty()), "{k}: {d}");
    }

    // Services: the street's active leaf categories.
    let street = t.app.street_ids().await.unwrap()[0];
    let cats = t.app.case_categories(street).await.unwrap();
    let leaves = cats.iter().filter(|c| c["leaf"] == true && c["active"] == true).count();
    let (st, services) = c.both("/services.{fmt}", "services").await;
    assert_eq!(st, 200);
    assert_eq!(services.as_array().unwrap().len(), leaves);
    let find = |v: &Value, code: &str| v.as_array().unwrap().iter().find(|s| s["service_code"] == code).cloned();
    let e0102 = find(&services, "E0102").unwrap();
    assert_eq!(e0102["service_name"], "暴露垃圾", "zh-CN by default");
    assert_eq!(
        (e0102["group"].as_str(), e0102["type"].as_str()),
        (Some("市容环境"), Some("realtime"))
    );
    assert_eq!(e0102["metadata"], true);
    let kw = e0102["keywords"].as_str().unwrap();
    assert!(kw.contains("Exposed rubbish") && kw.contains("0102"), "{kw}");
    assert!(find(&services, "E01").is_none(), "a group is not a service");
    let (_, en) = c.both("/services.{fmt}?locale=en", "services").await;
    let e0102 = find(&en, "E0102").unwrap();
    assert_eq!(
        (e0102["service_name"].as_str(), e0102["group"].as_str()),
        (Some("Exposed rubbish"), Some("City appearance"))
    );
    let r = c.get_with("/services.json", Some("fr;q=0.9, en;q=0.8")).await;
    assert_eq!(
        find(&serde_json::from_str(&r.body).unwrap(), "E0102").unwrap()["service_name"],
        "Exposed rubbish"
    );
    // A category taken out of use is no longer offered.
    let (st, v) = s.admin.put("/case-categories/E0103", json!({"active": false})).await;
    assert_eq!(st, 200, "{v}");
    let (_, services) = c.both("/services.{fmt}", "services").await;
    assert_eq!(services.as_array().unwrap().len(), leaves - 1);
    assert!(find(&services, "E0103").is_none());
    let (st, v) = c.both("/services/E0103.{fmt}", "errors").await;
    assert!(names_field(&errors(st, &v), "service_code") && st == 404);

    // Definitions: the questions each kind of category needs answered.
    let attr = |d: &Value, code: &str| {
        d["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == code)
            .cloned()
    };
    let (st, social) = c.both("/services/S0101.{fmt}", "service_definition").await;
    assert_eq!((st, social["service_code"].as_str()), (200, Some("S0101")));
    let detail = attr(&social, "location_detail").unwrap();
    assert_eq!(
        (detail["required"].as_bool(), detail["variable"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(
        (detail["datatype"].as_str(), detail["order"].as_i64()),
        (Some("string"), Some(1))
    );
    assert!(attr(&social, "component_id").is_none());
    let limit = attr(&social, "time_limit").unwrap();
    assert_eq!(limit["variable"], false, "information only");
    let (_, component) = c.both("/services/C0101.{fmt}?locale=en", "service_definition").await;
    assert_eq!(attr(&component, "component_id").unwrap()["required"], false);
    assert_eq!(attr(&component, "location_detail").unwrap()["required"], false);
    let orders: Vec<i64> = component["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["order"].as_i64().unwrap())
        .collect();
    assert_eq!(orders, [1, 2, 3], "orders are positive and do not repeat");
    assert!(
        attr(&component, "time_limit").unwrap()["description"]
            .as_str()
            .unwrap()
            .contains("hour"),
        "{component}"
    );

    // Errors: the spec's array with the spec's status, in the format asked for.
    let (st, v) = c.both("/services/NOPE.{fmt}", "errors").await;
    assert_eq!(st, 404);
    assert!(names_field(&errors(404, &v), "service_code"), "{v}");
    let (st, v) = c
        .both(&format!("/services.{{fmt}}?jurisdiction_id={}", fixture::STREET), "services")
        .await;
    assert_eq!((st, v.as_array().unwrap().len()), (200, leaves - 1));
    let (st, v) = c.both("/services.{fmt}?jurisdiction_id=000000-000", "errors").await;
    assert_eq!(st, 404);
    assert!(names_field(&errors(404, &v), "jurisdiction_id"), "{v}");
    let (st, v) = c.both("/services.{fmt}?locale=fr", "errors").await;
    assert!(st == 400 && names_field(&errors(400, &v), "locale"), "{v}");
    let r = c.get("/services.html").await;
    assert_eq!((r.status, r.ctype.as_str()), (404, "text/xml; charset=utf-8"));
    assert!(xml_json(&r.body).0 == "errors");
    let r = c.get("/nothing/here.json").await;
    assert_eq!(r.status, 404);
    errors(404, &serde_json::from_str(&r.body).unwrap());
    let r = c.post("/services.json", &[("a", "b")], None).await;
    assert_eq!(r.status, 405);
    errors(405, &serde_json::from_str(&r.body).unwrap());
});

both!(c9_posting_needs_a_valid_api_key, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let c = Client::new(&t);
    let good = key(&t).await;
    let form = |k: Option<&'static str>| {
        let mut f = vec![
            ("service_code", "E0102"),
            ("lat", LAT),
            ("long", LNG),
            ("description", "门口垃圾"),
        ];
        if let Some(k) = k {
            f.push(("api_key", k));
        }
        f
    };
    let (st, v) = c.post_both(&form(None), "errors").await;
    assert_eq!(st, 403);
    assert!(errors(403, &v)[0].contains("api_key"), "{v}");
    let (st, v) = c.post_both(&form(Some("not-a-key")), "errors").await;
    assert_eq!(st, 403);
    assert!(errors(403, &v)[0].contains("api_key"), "{v}");
    let (st, v) = c.post_both(&form(Some("")), "errors").await;
    assert_eq!((st, errors(403, &v).len()), (403, 1));

    // A revoked key is refused like an unknown one.
    let (revoked, row) = t.app.create_open311_key(Some(fixture::STREET), "old client").await.unwrap();
    t.app.revoke_open311_key(row.id).await.unwrap();
    assert!(t.app.revoke_open311_key(row.id).await.is_err(), "revoking twice is refused");
    let mut f: Vec<(&str, &str)> = form(None);
    f.push(("api_key", &revoked));
    let r = c.post("/requests.json", &f, None).await;
    assert_eq!(r.status, 403, "{}", r.body);

    // Nothing was filed; the good key files, also naming its jurisdiction.
    let (_, list) = c.both("/requests.{fmt}", "service_requests").await;
    assert_eq!(list, json!([]));
    let mut f: Vec<(&str, &str)> = form(None);
    f.push(("api_key", &good));
    f.push(("jurisdiction_id", fixture::STREET));
    let r = c.post("/requests.json", &f, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut f: Vec<(&str, &str)> = form(None);
    f.push(("api_key", &good));
    f.push(("jurisdiction_id", "000000-000"));
    let r = c.post("/requests.json", &f, None).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(names_field(
        &errors(404, &serde_json::from_str(&r.body).unwrap()),
        "jurisdiction_id"
    ));
    let (_, list) = c.both("/requests.{fmt}", "service_requests").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    // Keys are kept as hashes only.
    let keys = t.app.open311_keys().await.unwrap();
    assert_eq!(keys.len(), 2);
    assert!(
        keys.iter()
            .all(|(k, street)| street == fixture::STREET && !format!("{k:?}").contains(&good))
    );
});

both!(c9_invalid_fields_are_400_naming_each_field, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let c = Client::new(&t);
    let k = key(&t).await;
    let k = k.as_str();

    let (st, v) = c
        .post_both(&[("api_key", k), ("lat", LAT), ("long", LNG), ("description", "x")], "errors")
        .await;
    assert!(st == 400 && names_field(&errors(400, &v), "service_code"), "{v}");
    let (st, v) = c
        .post_both(&[("api_key", k), ("service_code", "E9999"), ("description", "x")], "errors")
        .await;
    assert!(st == 404 && names_field(&errors(404, &v), "service_code"), "{v}");

    // Every problem of the form at once, each naming its field.
    let (st, v) = c
        .post_both(
            &[
                ("api_key", k),
                ("service_code", "S0101"),
                ("lat", "91"),
                ("media_url", "ftp://x/y.jpg"),
            ],
            "errors",
        )
        .await;
    assert_eq!(st, 400);
    let errs = errors(400, &v);
    for f in ["lat", "long", "description", "attribute[location_detail]"] {
        assert!(names_field(&errs, f), "{f} in {errs:?}");
    }
    let (st, v) = c
        .post_both(
            &[("api_key", k), ("service_code", "E0102"), ("description", "no place")],
            "errors",
        )
        .await;
    assert!(
        st == 400 && names_field(&errors(400, &v), "lat"),
        "a location is required: {v}"
    );
    // Then what only the intake can tell: contact details, the URL, a point outside the street.
    let (st, v) = c
        .post_both(
            &[
                ("api_key", k),
                ("service_code", "E0102"),
                ("lat", LAT),
                ("long", LNG),
                ("description", "x"),
                ("email", "nobody"),
                ("phone", "call me"),
                ("media_url", "ftp://x/y.jpg"),
            ],
            "errors",
        )
        .await;
    assert_eq!(st, 400);
    let errs = errors(400, &v);
    for f in ["email", "phone", "media_url"] {
        assert!(names_field(&errs, f), "{f} in {errs:?}");
    }
    let (st, v) = c
        .post_both(
            &[
                ("api_key", k),
                ("service_code", "E0102"),
                ("lat", "39.9"),
                ("long", "116.4"),
                ("description", "x"),
            ],
            "errors",
        )
        .await;
    assert!(st == 400 && names_field(&errors(400, &v), "lat"), "outside the street: {v}");
    let long_detail = "楼".repeat(81);
    let (st, v) = c
        .post_both(
            &[
                ("api_key", k),
                ("service_code", "E0102"),
                ("address_string", "测试路1号"),
                ("description", "x"),
                ("attribute[location_detail]", &long_detail),
            ],
            "errors",
        )
        .await;
    assert!(
        st == 400 && names_field(&errors(400, &v), "attribute[location_detail]"),
        "{v}"
    );
    let (st, v) = c
        .post_both(
            &[
                ("api_key", k),
                ("service_code", "E0102"),
                ("address_id", "NO-SUCH-BUILDING"),
                ("description", "x"),
            ],
            "errors",
        )
        .await;
    assert!(st == 400 && names_field(&errors(400, &v), "address_id"), "{v}");
    let (st, v) = c
        .post_both(
            &[
                ("api_key", k),
                ("service_code", "E0102"),
                ("address_string", "a"),
                ("description", "x"),
                ("description", "y"),
            ],
            "errors",
        )
        .await;
    assert!(st == 400 && names_field(&errors(400, &v), "description"), "{v}");
    let r = reqwest::Client::new()
        .post(t.url("/open311/v2/requests.json"))
        .json(&json!({"api_key": k, "service_code": "E0102"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(names_field(&errors(400, &r.json().await.unwrap()), "Content-Type"));

    // None of it filed anything.
    let (_, list) = c.both("/requests.{fmt}", "service_requests").await;
    assert_eq!(list, json!([]));
});

both!(
    c9_a_posted_request_reads_back_without_personal_data,
    |t: TestApp| async move {
        let s = staff(&t).await;
        let c = Client::new(&t);
        let k = key(&t).await;
        let form = [
            ("api_key", k.as_str()),
            ("service_code", "E0102"),
            ("lat", LAT),
            ("long", LNG),
            ("description", "小区门口垃圾 <堆放> & 无人清理"),
            ("first_name", "小明"),
            ("last_name", "王"),
            ("phone", "13800001111"),
            ("email", "wang@example.org"),
            ("device_id", "phone-1"),
            ("media_url", "https://photos.example.org/a.jpg"),
            ("attribute[location_detail]", "1号楼东侧"),
            ("attribute[unknown_extra]", "ignored"),
        ];
        let r = c.post("/requests.json", &form, Some("retry-1")).await;
        assert_eq!(
            (r.status, r.ctype.as_str()),
            (200, "application/json; charset=utf-8"),
            "{}",
            r.body
        );
        let v: Value = serde_json::from_str(&r.body).unwrap();
        let posted = &v.as_array().unwrap()[0];
        let id = posted["service_request_id"].as_i64().unwrap();
        let token = posted["token"].as_str().unwrap().to_string();
        assert_eq!(token.len(), 64);
        assert!(
            posted["account_id"].is_null() && posted["service_notice"].as_str().is_some(),
            "{posted}"
        );
        // A retry with the same Idempotency-Key answers with the first request.
        let again = c.post("/requests.json", &form, Some("retry-1")).await;
        let again: Value = serde_json::from_str(&again.body).unwrap();
        assert_eq!(again[0]["service_request_id"].as_i64(), Some(id));
        assert!(again[0].get("token").is_none(), "the token is shown once");

        let (st, one) = c.both(&format!("/requests/{id}.{{fmt}}"), "service_requests").await;
        assert_eq!(st, 200);
        let r = &one.as_array().unwrap()[0];
        assert_eq!(one.as_array().unwrap().len(), 1);
        assert_eq!(
            (r["status"].as_str(), r["service_code"].as_str()),
            (Some("open"), Some("E0102"))
        );
        assert_eq!(r["service_name"], "暴露垃圾");
        assert_eq!(r["description"], "小区门口垃圾 <堆放> & 无人清理");
        assert_eq!(r["address"], "1号楼东侧");
        assert_eq!((r["lat"].as_f64(), r["long"].as_f64()), (Some(31.005), Some(121.005)));
        assert_eq!(r["media_url"], "https://photos.example.org/a.jpg");
        assert!(
            r["agency_responsible"].as_str().is_some() && r["status_notes"].as_str().is_some(),
            "{r}"
        );
        for f in ["requested_datetime", "updated_datetime", "expected_datetime"] {
            let d = r[f].as_str().unwrap();
            assert!(d.ends_with("+08:00"), "{f}: {d} in the street's offset");
            chrono::DateTime::parse_from_rfc3339(d).unwrap_or_else(|e| panic!("{f}: {d}: {e}"));
        }
        // No personal data in public reads.
        for path in [
            format!("/requests/{id}.json"),
            format!("/requests/{id}.xml"),
            "/requests.json".into(),
            "/requests.xml".into(),
        ] {
            let body = c.get(&path).await.body;
            for secret in ["13800001111", "wang@example.org", "王小明", "小明", "phone-1"] {
                assert!(!body.contains(secret), "{path} shows {secret}");
            }
        }
        // Staff see who reported it, and the channel.
        let (st, case) = s.admin.get(&format!("/cases/{id}")).await;
        assert_eq!(st, 200, "{case}");
        assert_eq!(
            (case["channel"].as_str(), case["reporter_name"].as_str()),
            (Some("open311"), Some("王小明"))
        );
        assert_eq!(case["reporter_phone"], "13800001111");

        // The token resolves to the request.
        let (st, tok) = c.both(&format!("/tokens/{token}.{{fmt}}"), "service_requests").await;
        assert_eq!(st, 200);
        assert_eq!(tok, json!([{"service_request_id": id, "token": token}]));

        // 404s for what does not exist.
        for path in ["/requests/999999.{fmt}", "/requests/abc.{fmt}", "/tokens/0000.{fmt}"] {
            let (st, v) = c.both(path, "errors").await;
            assert_eq!(st, 404, "{path}");
            errors(404, &v);
        }

        // Posting in XML answers in XML; a component's number goes into the description; a
        // building code places the request.
        let r = c
            .post(
                "/requests.xml",
                &[
                    ("api_key", k.as_str()),
                    ("service_code", "C0101"),
                    ("address_id", BUILDING),
                    ("description", "井盖松动"),
                    ("attribute[component_id]", "SS-0042"),
                ],
                None,
            )
            .await;
        assert_eq!((r.status, r.ctype.as_str()), (200, "text/xml; charset=utf-8"), "{}", r.body);
        let (root, v) = xml_json(&r.body);
        assert_eq!(root, "service_requests");
        let cid: i64 = v[0]["service_request_id"].as_str().unwrap().parse().unwrap();
        let (_, one) = c
            .both(&format!("/requests/{cid}.{{fmt}}?locale=en"), "service_requests")
            .await;
        assert_eq!(one[0]["service_name"], "Water-supply manhole cover");
        assert!(one[0]["description"].as_str().unwrap().contains("SS-0042"), "{one}");
        assert_eq!(one[0]["address"], "测试路1号");
        assert_eq!(
            (one[0]["lat"].as_f64(), one[0]["long"].as_f64()),
            (Some(31.005), Some(121.005))
        );

        // A social-governance item (about people): listed with its status only.
        let (sid, _) = post_ok(
            &c,
            &k,
            "S0101",
            "楼上邻居长期噪音纠纷",
            &[("attribute[location_detail]", "2号楼3单元502")],
        )
        .await;
        let (_, one) = c.both(&format!("/requests/{sid}.{{fmt}}"), "service_requests").await;
        let r = &one[0];
        assert_eq!(
            (r["status"].as_str(), r["service_code"].as_str()),
            (Some("open"), Some("S0101"))
        );
        for f in ["description", "address", "lat", "long", "media_url"] {
            assert!(r[f].is_null(), "{f} withheld: {r}");
        }
    }
);

both!(c9_request_lists_filter_by_id_code_status_and_dates, |t: TestApp| async move {
    let s = staff(&t).await;
    let c = Client::new(&t);
    let k = key(&t).await;
    let (a, _) = post_ok(&c, &k, "E0102", "垃圾一", &[]).await;
    let (b, _) = post_ok(&c, &k, "C0101", "井盖一", &[]).await;
    // A resident's report through the app is a request like any other.
    let (r, _) = super::cases::report(&t, "垃圾二").await;
    let (st, v) = s
        .admin
        .post(&format!("/cases/{r}/actions"), json!({"action": "reject", "reason": "重复"}))
        .await;
    assert_eq!(st, 200, "{v}");
    // An imported case received 100 days ago is outside the default window.
    let old_at = Utc::now() - Duration::days(100);
    let (st, v) = s
        .admin
        .post(
            "/cases",
            json!({"channel": "import", "category": "E0101", "description": "历史", "lat": 31.005, "lng": 121.005,
                   "received_at": old_at.timestamp_millis()}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let old = v["id"].as_i64().unwrap();

    let list = |q: String| {
        let c = &c;
        async move {
            let (st, v) = c.both(&format!("/requests.{{fmt}}{q}"), "service_requests").await;
            assert_eq!(st, 200, "{q}: {v}");
            ids(&v)
        }
    };
    assert_eq!(list(String::new()).await, [r, b, a], "the last 90 days, newest first");
    assert_eq!(
        list(format!("?service_request_id={a},{old}")).await,
        [a, old],
        "ids ignore the window"
    );
    assert_eq!(
        list(format!("?service_request_id={a}&status=closed&service_code=C0101")).await,
        [a],
        "ids override the rest"
    );
    assert_eq!(list("?service_request_id=987654".into()).await, Vec::<i64>::new());
    assert_eq!(list("?service_code=C0101".into()).await, [b]);
    assert_eq!(list("?service_code=E0102,C0101".into()).await, [r, b, a]);
    assert_eq!(list("?status=closed".into()).await, [r]);
    assert_eq!(list("?status=open".into()).await, [b, a]);
    assert_eq!(list("?status=open,closed&service_code=E0102".into()).await, [r, a]);
    let (st, v) = c.both(&format!("/requests/{r}.{{fmt}}"), "service_requests").await;
    assert_eq!((st, v[0]["status"].as_str()), (200, Some("closed")));
    assert!(v[0]["expected_datetime"].is_null(), "no deadline once closed: {v}");

    let enc = |d: chrono::DateTime<Utc>| w3c(d).replace('+', "%2B");
    let q = format!(
        "?start_date={}&end_date={}",
        enc(old_at - Duration::days(1)),
        enc(old_at + Duration::days(1))
    );
    assert_eq!(list(q).await, [old]);
    let q = format!("?start_date={}", enc(Utc::now() + Duration::hours(1)));
    assert_eq!(list(q).await, Vec::<i64>::new());
    let q = format!("?end_date={}", enc(Utc::now() - Duration::days(1)));
    assert_eq!(
        list(q).await,
        Vec::<i64>::new(),
        "90 days up to yesterday: the old case is 100 days old"
    );
    let q = format!("?start_date={}", enc(Utc::now() - Duration::days(1)));
    assert_eq!(list(q).await, [r, b, a]);
    // A date in the street's calendar, and a time in another offset.
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    assert_eq!(list(format!("?start_date={today}&end_date={today}")).await, [r, b, a]);
    let in_ny = (Utc::now() - Duration::hours(1)).with_timezone(&chrono::FixedOffset::west_opt(5 * 3600).unwrap());
    let q = format!(
        "?start_date={}",
        in_ny.to_rfc3339_opts(SecondsFormat::Secs, false).replace('+', "%2B")
    );
    assert_eq!(list(q).await, [r, b, a]);

    // Bad arguments: 400, each naming its argument.
    for (q, field) in [
        (
            format!("?start_date={}&end_date={}", enc(old_at), enc(Utc::now())),
            "end_date",
        ),
        ("?start_date=2026-01-01T00:00:00".into(), "start_date"),
        ("?end_date=tomorrow".into(), "end_date"),
        ("?service_code=NOPE".into(), "service_code"),
        ("?status=pending".into(), "status"),
        ("?service_request_id=1,x".into(), "service_request_id"),
    ] {
        let (st, v) = c.both(&format!("/requests.{{fmt}}{q}"), "errors").await;
        assert_eq!(st, 400, "{q}: {v}");
        assert!(names_field(&errors(400, &v), field), "{q}: {v}");
    }
});

both!(c9_several_jurisdictions_are_told_apart, |t: TestApp| async move {
    use geo::polygon;
    use onegrid_domain::territory::{AreaRec, Level, StreetData};
    fixture::load_small_street(&t).await;
    // A second street, elsewhere.
    let other = "999002-001";
    let mut d = StreetData::default();
    d.areas.push(AreaRec {
        level: Level::Street,
        code: other.into(),
        name: "第二街道".into(),
        parent_code: None,
        kind: None,
        boundary: Some(geo::MultiPolygon(vec![polygon![
            (x: 122.0, y: 31.0), (x: 122.01, y: 31.0), (x: 122.01, y: 31.01), (x: 122.0, y: 31.01), (x: 122.0, y: 31.0)
        ]])),
    });
    let mut tx = t.app.db.write().await.unwrap();
    onegrid_store::load::load(&mut tx, &d).await.unwrap();
    tx.commit().await.unwrap();
    t.app.seed_case_catalogues().await.unwrap();
    t.app.locator.rebuild(&t.app.db).await.unwrap();
    let c = Client::new(&t);

    let (st, v) = c.both("/services.{fmt}", "errors").await;
    assert!(st == 400 && names_field(&errors(400, &v), "jurisdiction_id"), "{v}");
    let (st, v) = c
        .both(&format!("/services.{{fmt}}?jurisdiction_id={other}"), "services")
        .await;
    assert!(st == 200 && !v.as_array().unwrap().is_empty());
    let (_, d) = c.both("/discovery.{fmt}", "discovery").await;
    let contact = d["contact"].as_str().unwrap();
    assert!(contact.contains(fixture::STREET) && contact.contains(other), "{contact}");

    // A key belongs to one street: it must be named when there are several.
    assert!(matches!(
        t.app.create_open311_key(None, "x").await,
        Err(onegrid_app::AppError::Invalid(f)) if f[0].field == "street"
    ));
    assert!(matches!(
        t.app.create_open311_key(Some("nope"), "x").await,
        Err(onegrid_app::AppError::Invalid(f)) if f[0].field == "street"
    ));
    let (k, _) = t.app.create_open311_key(Some(fixture::STREET), "first street").await.unwrap();
    let form = |j: &'static str| {
        vec![
            ("api_key", k.clone()),
            ("service_code", "E0102".to_string()),
            ("lat", LAT.to_string()),
            ("long", LNG.to_string()),
            ("description", "垃圾".to_string()),
            ("jurisdiction_id", j.to_string()),
        ]
    };
    let r = c
        .http
        .post(format!("{}/requests.json", c.base))
        .form(&form(other))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "the key is not for the other street");
    let r = c
        .http
        .post(format!("{}/requests.json", c.base))
        .form(&form(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "without jurisdiction_id the key decides");
    let v: Value = r.json().await.unwrap();
    let id = v[0]["service_request_id"].as_i64().unwrap();
    let token = v[0]["token"].as_str().unwrap().to_string();

    let (_, mine) = c
        .both(
            &format!("/requests.{{fmt}}?jurisdiction_id={}", fixture::STREET),
            "service_requests",
        )
        .await;
    assert_eq!(ids(&mine), [id]);
    let (_, theirs) = c
        .both(&format!("/requests.{{fmt}}?jurisdiction_id={other}"), "service_requests")
        .await;
    assert_eq!(theirs, json!([]));
    let (st, _) = c
        .both(&format!("/requests/{id}.{{fmt}}?jurisdiction_id={other}"), "errors")
        .await;
    assert_eq!(st, 404, "a request of another street is not found");
    let (st, _) = c
        .both(&format!("/tokens/{token}.{{fmt}}?jurisdiction_id={other}"), "errors")
        .await;
    assert_eq!(st, 404);
    let (st, v) = c
        .both(
            &format!("/tokens/{token}.{{fmt}}?jurisdiction_id={}", fixture::STREET),
            "service_requests",
        )
        .await;
    assert_eq!((st, v[0]["service_request_id"].as_i64()), (200, Some(id)));
});
