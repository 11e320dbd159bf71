//! Issue 4's pages: a resident's points, the store with redemption and the tasks to claim on the
//! phone; the staff review of points; the public honour roll. zh-CN and English.

use super::pages::*;
use super::participation::*;
use super::*;

both!(p3_resident_pages_show_points_redeem_and_claim, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
    let east = community_id(&t, EAST).await;
    credit(&admin, &secretary, r[0].person_id, 12).await;
    let (_, item) = admin
        .post(
            "/store/items",
            json!({"community_id": east, "kind": "goods", "name": "抽纸", "price": 10, "stock": 3, "per_person_limit": 3}),
        )
        .await;
    let now = onegrid_store::now_ms();
    let (s, task) = secretary
        .post("/volunteer-tasks", json!({"community_id": east, "title": "敬老院陪伴", "place": "社区活动室", "starts_at": now, "ends_at": now + 3_600_000, "capacity": 3, "points": 2, "category": "help_in_difficulty"}))
        .await;
    assert_eq!(s, 201, "{task}");

    let (c, csrf) = browser(&t, &r[0].username).await;
    let html = page(&c, &t, "/points").await;
    assert!(html.contains("网格积分") && html.contains(">12<"), "{html}");
    let html = page(&c, &t, "/store").await;
    assert!(html.contains("抽纸") && html.contains(&format!("/store/{}/redeem", item["id"])));

    // Redeem by form: back on the points page with the voucher shown.
    let resp = c
        .post(t.url(&format!("/store/{}/redeem", item["id"])))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let to = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/points?voucher="));
    let html = page(&c, &t, &to).await;
    assert!(html.contains("兑换成功") && html.contains(&to["/points?voucher=".len()..]));
    // A second redemption is refused with the translated reason, and nothing is written.
    let resp = c
        .post(t.url(&format!("/store/{}/redeem", item["id"])))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    assert!(resp.text().await.unwrap().contains("积分不足"));
    // Forms without the token are refused.
    let resp = c
        .post(t.url(&format!("/store/{}/redeem", item["id"])))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    let html = page(&c, &t, "/tasks").await;
    assert!(html.contains("敬老院陪伴"));
    let resp = c
        .post(t.url(&format!("/tasks/{}/claim", task["id"])))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let html = page(&c, &t, "/tasks").await;
    assert!(html.contains("已认领") && html.contains("/check-in"));
    let claim = r[0].api.get("/volunteer-claims").await.1["items"][0]["id"].as_i64().unwrap();
    let resp = c
        .post(t.url(&format!("/tasks/claims/{claim}/check-in")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert!(page(&c, &t, "/tasks").await.contains("签退"));

    // The same pages in English.
    c.get(t.url("/lang?to=en&next=/points")).send().await.unwrap();
    let html = page(&c, &t, "/points").await;
    assert!(html.contains("Grid points") && html.contains("My vouchers"));
});

both!(p2_staff_review_page_approves_and_rejects, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let worker = Api::as_user(&t, "worker_a").await;
    let mut ids = Vec::new();
    for note in ["清扫楼道", "重复登记"] {
        let (s, a) = worker
            .post(
                "/points/awards",
                json!({"person_id": r[0].person_id, "category": "environmental_upkeep", "minutes": 60, "note": note}),
            )
            .await;
        assert_eq!(s, 201);
        ids.push(a["id"].as_i64().unwrap());
    }
    let (c, csrf) = browser(&t, "secretary").await;
    let html = page(&c, &t, "/points/review").await;
    assert!(html.contains("清扫楼道") && html.contains("重复登记") && html.contains("积分审核"));
    let resp = c
        .post(t.url(&format!("/points/awards/{}/approve", ids[0])))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let resp = c
        .post(t.url(&format!("/points/awards/{}/reject", ids[1])))
        .form(&[("csrf", csrf.as_str()), ("reason", "重复")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let html = page(&c, &t, "/points/review").await;
    assert!(!html.contains("清扫楼道") && !html.contains("重复登记"));
    assert_eq!(balance(&r[0].api, "grid_points").await, 1);
    // Residents have no review link and no review list.
    let (rc, _) = browser(&t, &r[0].username).await;
    assert!(!page(&rc, &t, "/points").await.contains("/points/review"));
    assert!(!page(&rc, &t, "/points/review").await.contains("清扫楼道"));
});

both!(p4_honour_roll_page_is_public, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
    credit(&admin, &secretary, r[0].person_id, 6).await;
    let html = page(&t.client(), &t, "/honours?period=quarter").await;
    assert!(html.contains("光荣榜") && html.contains(&r[0].name) && !html.contains("13700000000"));
});

both!(d4_demo_has_a_year_of_participation, |t: TestApp| async move {
    let demo = t.app.load_demo(onegrid_demo::DEFAULT_SEED).await.unwrap();
    let (username, password) = demo.resident.clone().expect("a resident sign-in");
    let admin = demo
        .accounts
        .iter()
        .find(|a| a.role == onegrid_domain::people::Role::StreetAdmin)
        .unwrap();
    let admin = Api::as_user(&t, &admin.username).await;
    assert_ledger_ok(&admin).await;
    let resident = Api::as_user(&t, &username).await;
    assert!(balance(&resident, "grid_points").await > 0);
    assert!(balance(&resident, "service_minutes").await > 0);
    // The resident's community has a store and a task running now.
    let (_, items) = resident.get("/store/items").await;
    assert!(items["items"].as_array().unwrap().iter().any(|i| i["open"] == true));
    let (_, tasks) = resident.get("/volunteer-tasks").await;
    let now = onegrid_store::now_ms();
    assert!(
        tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["starts_at"].as_i64().unwrap() <= now)
    );
    // The secretary has registrations to review, and the honour roll of the year is full.
    let secretary = Api::as_user(&t, "secretary").await;
    let (_, pending) = secretary.get("/points/awards?status=pending").await;
    assert!(!pending["items"].as_array().unwrap().is_empty());
    let (_, h) = admin.get("/honours?period=year").await;
    assert_eq!(h["items"].as_array().unwrap().len(), 20);
    // The resident signs in with the printed password.
    let r = t
        .client()
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
});

both!(p5_organiser_pages_post_confirm_and_evaluate, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let (c, csrf) = browser(&t, "worker_a").await;
    assert!(page(&c, &t, "/tasks/manage").await.contains("id=\"post-task\""));
    let starts = (chrono::Utc::now() + chrono::Duration::hours(8) - chrono::Duration::minutes(30))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "花坛除草"),
        ("place", "1号楼前"),
        ("starts", &starts),
        ("hours", "2"),
        ("capacity", "5"),
        ("points", "2"),
        ("category", "environmental_upkeep"),
        ("skills", "园艺，体力"),
    ];
    let resp = c.post(t.url("/tasks/manage")).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let at = resp.headers()["location"].to_str().unwrap().to_string();
    let tid: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    // Bad input names the fields.
    let resp = c
        .post(t.url("/tasks/manage"))
        .form(&[("csrf", csrf.as_str()), ("title", "x"), ("starts", "soon")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);

    let (s, claim) = r[0].api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
    assert_eq!(s, 201, "{claim}");
    let cid = claim["id"].as_i64().unwrap();
    r[0].api.post(&format!("/volunteer-claims/{cid}/check-in"), json!({})).await;
    let html = page(&c, &t, &at).await;
    assert!(html.contains(&r[0].name) && html.contains(&format!("/tasks/manage/claims/{cid}/confirm")));
    let resp = c
        .post(t.url(&format!("/tasks/manage/claims/{cid}/confirm")))
        .form(&[("csrf", csrf.as_str()), ("minutes", "90")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let resp = c
        .post(t.url(&format!("/tasks/manage/claims/{cid}/evaluate")))
        .form(&[("csrf", csrf.as_str()), ("rating", "5")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert!(page(&c, &t, &at).await.contains("已评价"));
    assert_eq!(balance(&r[0].api, "grid_points").await, 2);
    assert_eq!(balance(&r[0].api, "service_minutes").await, 90);
    // Residents do not organise.
    let (rc, _) = browser(&t, &r[0].username).await;
    assert_eq!(rc.get(t.url("/tasks/manage")).send().await.unwrap().status(), 403);
    assert_eq!(rc.get(t.url(&at)).send().await.unwrap().status(), 404);
});

both!(
    p2_monthly_statement_pages_for_the_community_and_the_person,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 2).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        credit(&admin, &secretary, r[0].person_id, 12).await;
        credit(&admin, &secretary, r[1].person_id, 5).await;
        // One more waits for review.
        let (s, _) = admin
            .post(
                "/points/awards",
                json!({"person_id": r[0].person_id, "category": "outstanding_contribution", "amount": 3, "note": "待审"}),
            )
            .await;
        assert_eq!(s, 201);
        let this_month = chrono::Utc::now().format("%Y-%m").to_string();

        let (c, _) = browser(&t, "secretary").await;
        assert!(
            page(&c, &t, "/").await.contains("/points/statements"),
            "the staff navigation links it"
        );
        let html = page(&c, &t, "/points/statements").await;
        assert!(html.contains("东社区") && html.contains(&this_month), "{html}");
        assert!(html.contains("data-people-credited>2<"), "{html}");
        assert!(html.contains("data-pending-awards>1<"), "{html}");
        assert!(
            html.contains("data-currency=\"grid_points\" data-reason=\"award\"") && html.contains(">17<"),
            "both awards are summed: {html}"
        );
        // A month without movements says so; a bad month names the field.
        let html = page(&c, &t, "/points/statements?month=2001-01").await;
        assert!(html.contains("id=\"no-movements\""), "{html}");
        let (s, html) = fetch(&c, &t, "/points/statements?month=someday").await;
        assert_eq!(s, 400);
        assert!(html.contains("month"), "{html}");
        // Another community's statement is not the secretary's to see; residents get none.
        let west = community_id(&t, WEST).await;
        assert_eq!(fetch(&c, &t, &format!("/points/statements?community_id={west}")).await.0, 404);
        let (rc, _) = browser(&t, &r[0].username).await;
        assert_eq!(fetch(&rc, &t, "/points/statements").await.0, 403);
        // The resident's own statement by month.
        let html = page(&rc, &t, &format!("/points?month={this_month}")).await;
        assert!(html.contains(">12<"), "{html}");
        let html = page(&rc, &t, "/points?month=2001-01").await;
        assert!(!html.contains("+12"), "nothing was credited in 2001: {html}");
        assert_eq!(fetch(&rc, &t, "/points?month=13").await.0, 400);
    }
);
