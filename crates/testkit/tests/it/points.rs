//! P1–P2 over HTTP: awards registered, reviewed (single and joint) and credited; corrections by
//! reversing entries; statements; the ledger check; scope.

use super::participation::*;
use super::*;

both!(p2_award_is_registered_then_approved_then_credited, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let (worker_a, worker_b, secretary) = (
        Api::as_user(&t, "worker_a").await,
        Api::as_user(&t, "worker_b").await,
        Api::as_user(&t, "secretary").await,
    );
    let me = r[0].person_id;

    // The grid worker registers 2 h of public welfare: the rule gives 1 point per hour, capped at 2.
    let (s, a) = worker_a
        .post(
            "/points/awards",
            json!({"person_id": me, "category": "public_welfare", "minutes": 180, "note": "楼道清扫"}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(
        (a["amount"].as_i64(), a["status"].as_str(), a["joint"].as_bool()),
        (Some(2), Some("registered"), Some(false))
    );
    let id = a["id"].as_i64().unwrap();
    // Nothing is credited before the review.
    assert_eq!(balance(&r[0].api, "grid_points").await, 0);

    // A worker of another grid neither sees it nor may approve; grid workers do not approve at all.
    assert_eq!(worker_b.get(&format!("/points/awards/{id}")).await.0, 404);
    assert_eq!(worker_a.post(&format!("/points/awards/{id}/approve"), json!({})).await.0, 403);
    // The resident cannot approve their own points.
    assert_eq!(r[0].api.post(&format!("/points/awards/{id}/approve"), json!({})).await.0, 403);

    let (s, a) = secretary.post(&format!("/points/awards/{id}/approve"), json!({})).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["status"], "credited");
    assert_eq!(balance(&r[0].api, "grid_points").await, 2);
    assert_eq!(balance(&r[0].api, "service_minutes").await, 180);
    // Decided once only.
    let (s, e) = secretary.post(&format!("/points/awards/{id}/approve"), json!({})).await;
    assert_eq!((s, code(&e)), (409, "not_pending"));

    // All field errors at once.
    let (s, e) = worker_a
        .post(
            "/points/awards",
            json!({"person_id": me, "category": "nope", "minutes": -1, "activity_on": "tomorrow"}),
        )
        .await;
    assert_eq!(s, 400);
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"category") && fields.contains(&"minutes") && fields.contains(&"activity_on"),
        "{fields:?}"
    );
    // Above the rule's cap is refused.
    let (s, e) = worker_a
        .post(
            "/points/awards",
            json!({"person_id": me, "category": "public_welfare", "amount": 3}),
        )
        .await;
    assert_eq!((s, e["error"]["fields"][0]["field"].as_str()), (400, Some("amount")));
    assert_ledger_ok(&Api::as_user(&t, "admin").await).await;
});

both!(
    p2_large_award_needs_a_joint_review_by_two_different_approvers,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 1).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        let (s, a) = admin
            .post(
                "/points/awards",
                json!({"person_id": r[0].person_id, "category": "outstanding_contribution", "amount": 50}),
            )
            .await;
        assert_eq!(s, 201, "{a}");
        assert_eq!(a["joint"], true);
        let id = a["id"].as_i64().unwrap();
        let (s, a) = secretary.post(&format!("/points/awards/{id}/approve"), json!({})).await;
        assert_eq!((s, a["status"].as_str()), (200, Some("first_approval")));
        assert_eq!(balance(&r[0].api, "grid_points").await, 0);
        let (s, e) = secretary.post(&format!("/points/awards/{id}/approve"), json!({})).await;
        assert_eq!((s, code(&e)), (409, "same_approver"));
        let (s, a) = admin.post(&format!("/points/awards/{id}/approve"), json!({})).await;
        assert_eq!((s, a["status"].as_str()), (200, Some("credited")), "{a}");
        assert!(a["first_approver"] != a["second_approver"]);
        assert_eq!(balance(&r[0].api, "grid_points").await, 50);
    }
);

both!(
    p2_nobody_approves_their_own_points_and_rejection_credits_nothing,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 1).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        // A resident declares their own activity; work points are not theirs to declare.
        let (s, e) = r[0]
            .api
            .post(
                "/points/awards",
                json!({"category": "study_education", "currency": "work_points"}),
            )
            .await;
        assert_eq!((s, e["error"]["fields"][0]["field"].as_str()), (400, Some("currency")));
        let (s, a) = r[0]
            .api
            .post("/points/awards", json!({"category": "study_education", "note": "党课学习"}))
            .await;
        assert_eq!(s, 201, "{a}");
        let own = a["id"].as_i64().unwrap();
        let (s, list) = r[0].api.get("/points/awards").await;
        assert_eq!((s, list["items"].as_array().unwrap().len()), (200, 1));
        let (s, e) = secretary.post(&format!("/points/awards/{own}/reject"), json!({})).await;
        assert_eq!((s, e["error"]["fields"][0]["field"].as_str()), (400, Some("reason")));
        let (s, a) = secretary
            .post(&format!("/points/awards/{own}/reject"), json!({"reason": "无记录"}))
            .await;
        assert_eq!((s, a["status"].as_str()), (200, Some("rejected")));
        assert_eq!(balance(&r[0].api, "grid_points").await, 0);

        // The secretary's own work points wait for someone else.
        let sec_person = t
            .app
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.username == "secretary")
            .unwrap()
            .person_id
            .unwrap();
        let (s, a) = admin
            .post(
                "/points/awards",
                json!({"person_id": sec_person, "currency": "work_points", "category": "dispute_mediation"}),
            )
            .await;
        assert_eq!(s, 201, "{a}");
        let id = a["id"].as_i64().unwrap();
        let (s, e) = secretary.post(&format!("/points/awards/{id}/approve"), json!({})).await;
        assert_eq!((s, code(&e)), (409, "own_award"));
        let (s, _) = admin.post(&format!("/points/awards/{id}/approve"), json!({})).await;
        assert_eq!(s, 200);
        let sec = Api::as_user(&t, "secretary").await;
        assert_eq!(balance(&sec, "work_points").await, 5);
        assert_eq!(balance(&sec, "grid_points").await, 0);
    }
);

both!(
    p1_corrections_are_reversing_entries_and_never_overdraw,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 1).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        credit(&admin, &secretary, r[0].person_id, 10).await;
        credit(&admin, &secretary, r[0].person_id, 5).await;
        let (_, awards) = admin.get("/points/awards?status=credited").await;
        let entries: Vec<i64> = awards["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["entry_id"].as_i64().unwrap())
            .collect();
        assert_eq!(entries.len(), 2);
        let (ten, five) = (entries[1], entries[0]);

        let (s, e) = secretary
            .post(&format!("/points/entries/{five}/reverse"), json!({"note": ""}))
            .await;
        assert_eq!((s, e["error"]["fields"][0]["field"].as_str()), (400, Some("note")));
        let (s, rev) = secretary
            .post(&format!("/points/entries/{five}/reverse"), json!({"note": "重复登记"}))
            .await;
        assert_eq!(s, 201, "{rev}");
        assert_eq!(
            (rev["movement"]["reason"].as_str(), rev["reverses_id"].as_i64()),
            (Some("correction"), Some(five))
        );
        assert_eq!(balance(&r[0].api, "grid_points").await, 10);
        let (s, e) = secretary
            .post(&format!("/points/entries/{five}/reverse"), json!({"note": "again"}))
            .await;
        assert_eq!((s, code(&e)), (409, "already_reversed"));
        let rid = rev["id"].as_i64().unwrap();
        let (s, e) = secretary
            .post(&format!("/points/entries/{rid}/reverse"), json!({"note": "undo"}))
            .await;
        assert_eq!((s, code(&e)), (409, "reversal_of_reversal"));

        // Spend 10 in the store; then the 10-point award can no longer be taken back.
        let east = community_id(&t, EAST).await;
        let (s, item) = admin
            .post(
                "/store/items",
                json!({"community_id": east, "kind": "goods", "name": "毛巾", "price": 10, "stock": 5}),
            )
            .await;
        assert_eq!(s, 201, "{item}");
        let (s, v) = r[0].api.post(&format!("/store/items/{}/redeem", item["id"]), json!({})).await;
        assert_eq!(s, 201, "{v}");
        let (s, e) = secretary
            .post(&format!("/points/entries/{ten}/reverse"), json!({"note": "错误"}))
            .await;
        assert_eq!((s, code(&e)), (409, "insufficient_points"));
        assert_eq!(balance(&r[0].api, "grid_points").await, 0);
        // A redemption is undone by cancelling it, not by a correction.
        let (s, e) = secretary
            .post(&format!("/points/entries/{}/reverse", v["entry_id"]), json!({"note": "x"}))
            .await;
        assert_eq!((s, code(&e)), (409, "wrong_state"));
        assert_ledger_ok(&admin).await;
    }
);

both!(p2_monthly_statements_for_a_person_and_a_community, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 2).await;
    let (admin, secretary, worker_b) = (
        Api::as_user(&t, "admin").await,
        Api::as_user(&t, "secretary").await,
        Api::as_user(&t, "worker_b").await,
    );
    credit(&admin, &secretary, r[0].person_id, 10).await;
    credit(&admin, &secretary, r[1].person_id, 4).await;
    let month = chrono::Utc::now().format("%Y-%m").to_string();

    let (s, st) = r[0]
        .api
        .get(&format!("/points/statements/people/{}?month={month}", r[0].person_id))
        .await;
    assert_eq!(s, 200, "{st}");
    let grid = st["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["currency"] == "grid_points")
        .unwrap();
    assert_eq!(
        (grid["opening"].as_i64(), grid["credits"].as_i64(), grid["closing"].as_i64()),
        (Some(0), Some(10), Some(10))
    );
    assert_eq!(grid["lines"].as_array().unwrap().len(), 1);
    // Last month the account was empty.
    let (s, st) = r[0]
        .api
        .get(&format!("/points/statements/people/{}?month=2000-01", r[0].person_id))
        .await;
    assert_eq!(s, 200);
    assert_eq!(st["accounts"][0]["closing"], 0);
    // Another resident's statement does not exist for this resident; bad months are named.
    assert_eq!(
        r[1].api.get(&format!("/points/statements/people/{}", r[0].person_id)).await.0,
        404
    );
    let (s, e) = r[0]
        .api
        .get(&format!("/points/statements/people/{}?month=2024-13", r[0].person_id))
        .await;
    assert_eq!((s, e["error"]["fields"][0]["field"].as_str()), (400, Some("month")));

    let east = community_id(&t, EAST).await;
    let (s, cs) = secretary
        .get(&format!("/points/statements/communities/{east}?month={month}"))
        .await;
    assert_eq!(s, 200, "{cs}");
    let award = cs["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["reason"] == "award" && l["currency"] == "grid_points")
        .unwrap();
    assert_eq!((award["entries"].as_i64(), award["amount"].as_i64()), (Some(2), Some(14)));
    assert_eq!(cs["people_credited"], 2);
    // A grid worker does not get the whole community's statement.
    assert_eq!(worker_b.get(&format!("/points/statements/communities/{east}")).await.0, 404);
});

both!(p1_ledger_check_and_append_only_entries, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
    credit(&admin, &secretary, r[0].person_id, 7).await;
    assert_ledger_ok(&admin).await;
    // The database itself refuses to edit or delete an entry.
    let mut tx = t.app.db.write().await.unwrap();
    let edited = match &mut tx {
        onegrid_store::Tx::Sqlite(c) => sqlx::query("UPDATE points_entries SET amount = 1")
            .execute(&mut **c)
            .await
            .is_err(),
        onegrid_store::Tx::Postgres(c) => sqlx::query("UPDATE points_entries SET amount = 1")
            .execute(&mut **c)
            .await
            .is_err(),
    };
    assert!(edited, "an UPDATE of an entry must fail");
    drop(tx);
    let mut tx = t.app.db.write().await.unwrap();
    let deleted = match &mut tx {
        onegrid_store::Tx::Sqlite(c) => sqlx::query("DELETE FROM points_entries").execute(&mut **c).await.is_err(),
        onegrid_store::Tx::Postgres(c) => sqlx::query("DELETE FROM points_entries").execute(&mut **c).await.is_err(),
    };
    assert!(deleted, "a DELETE of an entry must fail");
    drop(tx);
    // Only administrators run the check.
    assert_eq!(secretary.get("/points/check").await.0, 403);
});

both!(p1_cookie_writes_need_the_csrf_token, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let c = t.client();
    let login: Value = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": r[0].username, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = login["csrf_token"].as_str().unwrap().to_string();
    let body = json!({"category": "study_education"});
    let r1 = c.post(t.url("/api/v1/points/awards")).json(&body).send().await.unwrap();
    assert_eq!(r1.status(), 403);
    let r2 = c
        .post(t.url("/api/v1/points/awards"))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r2.status(), 201);
});

both!(p2_expiry_writes_entries_back_to_the_issuer_once, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
    credit(&admin, &secretary, r[0].person_id, 10).await;
    let street = t
        .app
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "admin")
        .unwrap()
        .street_id
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    // No validity set: nothing expires.
    assert_eq!(
        t.app.expire_points(street, today + chrono::Days::new(3 * 366)).await.unwrap(),
        0
    );
    let (_, mut policy) = admin.get("/points/policy").await;
    policy["expiry_years"] = json!(1);
    let resp = reqwest::Client::new()
        .put(t.url("/api/v1/points/policy"))
        .bearer_auth(t.app.create_token("admin", "p").await.unwrap())
        .json(&policy)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // A year on, today's points are still valid; three years on they expire, once.
    assert_eq!(t.app.expire_points(street, today + chrono::Days::new(200)).await.unwrap(), 0);
    assert_eq!(
        t.app.expire_points(street, today + chrono::Days::new(3 * 366)).await.unwrap(),
        1
    );
    assert_eq!(
        t.app.expire_points(street, today + chrono::Days::new(3 * 366)).await.unwrap(),
        0
    );
    assert_eq!(balance(&r[0].api, "grid_points").await, 0);
    let (_, st) = r[0].api.get(&format!("/points/statements/people/{}", r[0].person_id)).await;
    let grid = st["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["currency"] == "grid_points")
        .unwrap()
        .clone();
    assert_eq!(grid["lines"][1]["entry"]["movement"]["reason"], "expire");
    assert_ledger_ok(&admin).await;
    // A bad policy is refused field by field.
    policy["expiry_years"] = json!(0);
    policy["joint_review_threshold"] = json!(0);
    let resp = reqwest::Client::new()
        .put(t.url("/api/v1/points/policy"))
        .bearer_auth(t.app.create_token("admin", "q").await.unwrap())
        .json(&policy)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(secretary.get("/points/policy").await.0, 200);
});
