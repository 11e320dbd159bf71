//! Helpers for the participation tests (issue 4): residents as people with a household and an
//! account, API clients by bearer token, and points credited through the real review.

use onegrid_domain::territory::{PersonRec, StreetData};

use super::*;

/// An API client acting as one account (bearer token, so no CSRF token is needed).
#[derive(Clone)]
pub struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    pub async fn as_user(t: &TestApp, username: &str) -> Api {
        let token = t.app.create_token(username, "test").await.unwrap();
        Api {
            base: t.base.clone(),
            token,
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> (u16, Value) {
        let r = rb.bearer_auth(&self.token).send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(format!("{}/api/v1{path}", self.base))).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.http.post(format!("{}/api/v1{path}", self.base)).json(&body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.http.patch(format!("{}/api/v1{path}", self.base)).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.http.put(format!("{}/api/v1{path}", self.base)).json(&body))
            .await
    }

    /// Uploads a file to the evidence store (`POST /api/v1/attachments`).
    pub async fn upload(&self, name: &str, bytes: &[u8]) -> (u16, Value) {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.send(self.http.post(format!("{}/api/v1/attachments", self.base)).multipart(form))
            .await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(self.http.delete(format!("{}/api/v1{path}", self.base))).await
    }
}

/// The error code of a refused request.
pub fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// The 12 household codes of the small street: grid g, micro-grid m, household h.
pub fn household_code(i: usize) -> String {
    let (g, m, h) = (i / 4 % 3, i / 2 % 2, i % 2);
    format!("{}-0{}-01-1-0{}01", fixture::GRIDS[g], m + 1, h + 1)
}

pub struct Resident {
    pub person_id: i64,
    pub username: String,
    pub name: String,
    pub api: Api,
}

/// `n` residents (people living in the fixture's households; resident `i` in household
/// `i % 12`, so residents 0–3 live in grid 1, 4–7 in grid 2, 8–11 in grid 3), each with an
/// account `res{i}` and a token.
pub async fn add_residents(t: &TestApp, n: usize) -> Vec<Resident> {
    let mut d = StreetData::default();
    for i in 0..n {
        d.people.push(PersonRec {
            code: format!("R-{i:03}"),
            name: format!("居民{i:03}"),
            gender: "F".into(),
            phone: Some("13700000000".into()),
            party_member: false,
            household_code: Some(household_code(i % 12)),
        });
    }
    let mut tx = t.app.db.write().await.unwrap();
    onegrid_store::load::load(&mut tx, &d).await.unwrap();
    tx.commit().await.unwrap();
    let mut out = Vec::new();
    for i in 0..n {
        let username = format!("res{i:03}");
        let user = t
            .app
            .add_user(&username, PASSWORD, Some(&format!("R-{i:03}")), false)
            .await
            .unwrap();
        let api = Api::as_user(t, &username).await;
        out.push(Resident {
            person_id: user.person_id.unwrap(),
            username,
            name: format!("居民{i:03}"),
            api,
        });
    }
    out
}

/// Community 001 (东社区) and its id.
pub async fn community_id(t: &TestApp, code: &str) -> i64 {
    let mut tx = t.app.db.read().await.unwrap();
    onegrid_store::territory::area_by_code(&mut tx, code)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub const EAST: &str = "999001-001-001";
pub const WEST: &str = "999001-001-002";

/// Credits `amount` grid points to a person: registered by the street admin, approved by the
/// secretary (or the admin for people outside the secretary's community).
pub async fn credit(admin: &Api, approver: &Api, person_id: i64, amount: i64) {
    let (s, a) = admin
        .post(
            "/points/awards",
            json!({"person_id": person_id, "category": "outstanding_contribution", "amount": amount, "note": "test"}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_i64().unwrap();
    let (s, a) = approver.post(&format!("/points/awards/{id}/approve"), json!({})).await;
    assert_eq!(s, 200, "{a}");
    if a["status"] == "first_approval" {
        let (s, a) = admin.post(&format!("/points/awards/{id}/approve"), json!({})).await;
        assert_eq!(s, 200, "{a}");
    }
}

pub async fn balance(api: &Api, currency: &str) -> i64 {
    let (s, me) = api.get("/points/me").await;
    assert_eq!(s, 200, "{me}");
    me["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["currency"] == currency)
        .unwrap()["balance"]
        .as_i64()
        .unwrap()
}

/// The ledger check of the street passes: every cached balance equals its entries, and every
/// currency sums to zero.
pub async fn assert_ledger_ok(admin: &Api) {
    let (s, c) = admin.get("/points/check").await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["ok"], true, "{c}");
}
