//! P3 over HTTP: the catalogue, redemption with its four refusals, cancellation with a refund,
//! vouchers, and redemption under contention on SQLite and PostgreSQL.

use super::participation::*;
use super::*;

async fn item(admin: &Api, community: i64, body: Value) -> i64 {
    let mut b =
        json!({"community_id": community, "kind": "goods", "name": "洗衣液", "price": 10, "stock": 5, "per_person_limit": 1});
    b.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
    let (s, i) = admin.post("/store/items", b).await;
    assert_eq!(s, 201, "{i}");
    i["id"].as_i64().unwrap()
}

both!(
    p3_redeem_issues_a_voucher_and_refuses_with_the_fixed_codes,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 2).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        let east = community_id(&t, EAST).await;
        credit(&admin, &secretary, r[0].person_id, 15).await;
        let soap = item(&admin, east, json!({"stock": 1, "per_person_limit": 1})).await;
        let towel = item(&admin, east, json!({"name": "毛巾", "stock": 5, "per_person_limit": 1})).await;

        let (s, v) = r[0].api.post(&format!("/store/items/{soap}/redeem"), json!({})).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(
            (v["status"].as_str(), v["voucher"].as_str().map(str::len)),
            (Some("issued"), Some(10))
        );
        assert_eq!(balance(&r[0].api, "grid_points").await, 5);

        let (s, e) = r[1].api.post(&format!("/store/items/{soap}/redeem"), json!({})).await;
        assert_eq!((s, code(&e)), (409, "out_of_stock"));
        let (s, e) = r[1].api.post(&format!("/store/items/{towel}/redeem"), json!({})).await;
        assert_eq!((s, code(&e)), (409, "insufficient_points"));
        credit(&admin, &secretary, r[0].person_id, 10).await;
        let (s, _) = r[0].api.post(&format!("/store/items/{towel}/redeem"), json!({})).await;
        assert_eq!(s, 201);
        let (s, e) = r[0].api.post(&format!("/store/items/{towel}/redeem"), json!({})).await;
        assert_eq!((s, code(&e)), (409, "limit_reached"));
        // Refused redemptions wrote nothing.
        assert_eq!(balance(&r[0].api, "grid_points").await, 5);
        let (_, i) = r[0].api.get(&format!("/store/items/{towel}")).await;
        assert_eq!(i["stock"], 4);

        // The item's own window: closed before it opens.
        let later = onegrid_store::now_ms() + 86_400_000;
        let future = item(&admin, east, json!({"name": "盆栽", "opens_at": later})).await;
        let (s, e) = r[0].api.post(&format!("/store/items/{future}/redeem"), json!({})).await;
        assert_eq!((s, code(&e)), (409, "store_closed"));
        // The street's exchange window (quarterly, set by the administrator) closes the whole store.
        let (_, mut policy) = admin.get("/points/policy").await;
        let today = chrono::Utc::now().date_naive();
        let other_month = if chrono::Datelike::month(&today) == 1 { 2 } else { 1 };
        policy["exchange_window"] = json!({"months": [other_month], "from_day": 1, "to_day": 31});
        let rb = reqwest::Client::new()
            .put(t.url("/api/v1/points/policy"))
            .bearer_auth(t.app.create_token("admin", "p").await.unwrap())
            .json(&policy);
        assert_eq!(rb.send().await.unwrap().status(), 200);
        let (s, e) = r[0].api.post(&format!("/store/items/{towel}/redeem"), json!({})).await;
        assert_eq!((s, code(&e)), (409, "store_closed"));
        let (_, items) = r[0].api.get("/store/items").await;
        assert!(items["items"].as_array().unwrap().iter().all(|i| i["open"] == false));
        assert_ledger_ok(&admin).await;
    }
);

both!(
    p3_cancel_refunds_by_a_reversing_entry_and_returns_the_stock,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 2).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        let east = community_id(&t, EAST).await;
        credit(&admin, &secretary, r[0].person_id, 10).await;
        let id = item(&admin, east, json!({"stock": 1})).await;
        let (_, v) = r[0].api.post(&format!("/store/items/{id}/redeem"), json!({})).await;
        let rid = v["id"].as_i64().unwrap();
        // Someone else's voucher is not theirs to cancel.
        assert_eq!(
            r[1].api.post(&format!("/store/redemptions/{rid}/cancel"), json!({})).await.0,
            404
        );
        let (s, c) = r[0].api.post(&format!("/store/redemptions/{rid}/cancel"), json!({})).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("cancelled")), "{c}");
        assert!(c["refund_entry_id"].is_i64());
        assert_eq!(balance(&r[0].api, "grid_points").await, 10);
        let (_, i) = r[0].api.get(&format!("/store/items/{id}")).await;
        assert_eq!(i["stock"], 1);
        let (s, e) = r[0].api.post(&format!("/store/redemptions/{rid}/cancel"), json!({})).await;
        assert_eq!((s, code(&e)), (409, "wrong_state"));
        // The statement shows the redemption and its refund.
        let (_, st) = r[0].api.get(&format!("/points/statements/people/{}", r[0].person_id)).await;
        let grid = st["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["currency"] == "grid_points")
            .unwrap()
            .clone();
        let reasons: Vec<&str> = grid["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["entry"]["movement"]["reason"].as_str().unwrap())
            .collect();
        assert_eq!(reasons, ["award", "redeem", "refund"]);

        // A voucher used at the counter can no longer be cancelled by the resident.
        let (_, v) = r[0].api.post(&format!("/store/items/{id}/redeem"), json!({})).await;
        let code_ = v["voucher"].as_str().unwrap().to_lowercase();
        let (s, u) = secretary.post(&format!("/store/vouchers/{code_}/use"), json!({})).await;
        assert_eq!((s, u["status"].as_str()), (200, Some("used")), "{u}");
        let (s, e) = r[0]
            .api
            .post(&format!("/store/redemptions/{}/cancel", v["id"]), json!({}))
            .await;
        assert_eq!((s, code(&e)), (409, "wrong_state"));
        let (s, mine) = r[0].api.get("/store/redemptions").await;
        assert_eq!((s, mine["items"].as_array().unwrap().len()), (200, 2));
        // Store staff restock and take items off the shelf; residents no longer see those.
        let (s, i) = secretary
            .patch(&format!("/store/items/{id}"), json!({"add_stock": 4, "active": false}))
            .await;
        assert_eq!(
            (s, i["stock"].as_i64(), i["active"].as_bool()),
            (200, Some(4), Some(false)),
            "{i}"
        );
        let (_, items) = r[0].api.get("/store/items").await;
        assert!(items["items"].as_array().unwrap().is_empty());
        assert_eq!(r[0].api.get(&format!("/store/items/{id}")).await.0, 404);
        // Residents do not run the store.
        assert_eq!(
            r[0].api
                .post(
                    "/store/items",
                    json!({"community_id": east, "kind": "goods", "name": "x", "price": 1, "stock": 1})
                )
                .await
                .0,
            403
        );
        let (s, e) = admin
            .post(
                "/store/items",
                json!({"community_id": east, "kind": "venue", "name": "", "price": 0, "stock": -1}),
            )
            .await;
        assert_eq!(s, 400, "{e}");
        assert!(e["error"]["fields"].as_array().unwrap().len() >= 4);
        assert_ledger_ok(&admin).await;
    }
);

// Issue 4's acceptance: 200 concurrent redemptions of an item with stock 50, by 100 people of
// whom only 40 have points (for two each): exactly 50 succeed, nobody goes below zero.
both!(
    p3_two_hundred_concurrent_redemptions_of_fifty_never_oversell_or_overdraw,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 100).await;
        let admin = Api::as_user(&t, "admin").await;
        let east = community_id(&t, EAST).await;
        // Below the joint-review threshold, so the administrator's one approval credits.
        for (n, p) in r.iter().enumerate() {
            credit(&admin, &admin, p.person_id, if n < 40 { 10 } else { 4 }).await;
        }
        let id = item(&admin, east, json!({"stock": 50, "price": 5, "per_person_limit": 2})).await;

        let mut set = tokio::task::JoinSet::new();
        for _round in 0..2 {
            for p in &r {
                let api = p.api.clone();
                set.spawn(async move { api.post(&format!("/store/items/{id}/redeem"), json!({})).await });
            }
        }
        let mut ok = 0;
        while let Some(res) = set.join_next().await {
            let (s, v) = res.unwrap();
            match s {
                201 => ok += 1,
                409 => assert!(
                    ["out_of_stock", "insufficient_points", "limit_reached"].contains(&code(&v)),
                    "{v}"
                ),
                _ => panic!("unexpected {s}: {v}"),
            }
        }
        assert_eq!(ok, 50);
        let (_, i) = admin.get(&format!("/store/items/{id}")).await;
        assert_eq!(i["stock"], 0);
        let mut spent = 0;
        for (n, p) in r.iter().enumerate() {
            let b = balance(&p.api, "grid_points").await;
            assert!(b >= 0, "{} went below zero: {b}", p.username);
            spent += if n < 40 { 10 - b } else { 4 - b };
        }
        assert_eq!(spent, 250);
        assert_ledger_ok(&admin).await;
    }
);
