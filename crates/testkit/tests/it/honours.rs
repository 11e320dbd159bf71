//! P4 over HTTP: honour lists are public and carry display names and figures only.

use super::pages::*;
use super::participation::*;
use super::*;

both!(p4_honour_lists_are_public_and_show_names_only, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 3).await;
    let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
    credit(&admin, &secretary, r[0].person_id, 3).await;
    credit(&admin, &secretary, r[1].person_id, 9).await;
    // Reversed points do not count.
    credit(&admin, &secretary, r[2].person_id, 15).await;
    let (_, awards) = admin.get("/points/awards?status=credited").await;
    let entry = awards["items"][0]["entry_id"].as_i64().unwrap();
    assert_eq!(
        secretary
            .post(&format!("/points/entries/{entry}/reverse"), json!({"note": "误登"}))
            .await
            .0,
        201
    );

    let anonymous = reqwest::Client::new();
    for period in ["month", "quarter", "year"] {
        let resp = anonymous
            .get(t.url(&format!("/api/v1/honours?period={period}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let body = resp.text().await.unwrap();
        assert!(!body.contains("1370000"), "a phone number leaked: {body}");
        let h: Value = serde_json::from_str(&body).unwrap();
        let names: Vec<&str> = h["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, [r[1].name.as_str(), r[0].name.as_str()], "{period}: {h}");
        assert_eq!(h["items"][0]["points"], 9);
        for i in h["items"].as_array().unwrap() {
            let keys: Vec<&String> = i.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), 5, "only rank, name, points, minutes, stars: {i}");
        }
        // Residents 0 and 1 live in the first and second household of one building.
        assert_eq!(h["building_groups"][0]["points"], 12);
    }
    let east = community_id(&t, EAST).await;
    let west = community_id(&t, WEST).await;
    let (s, h) = Api::as_user(&t, "admin")
        .await
        .get(&format!("/honours?period=year&community_id={west}"))
        .await;
    assert_eq!((s, h["items"].as_array().unwrap().len()), (200, 0));
    let h: Value = anonymous
        .get(t.url(&format!("/api/v1/honours?period=month&community_id={east}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["items"].as_array().unwrap().len(), 2);
    let last_year = chrono::Datelike::year(&chrono::Utc::now()) - 1;
    let h: Value = anonymous
        .get(t.url(&format!("/api/v1/honours?period=year&at={last_year}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["items"].as_array().unwrap().len(), 0);
    let resp = anonymous.get(t.url("/api/v1/honours?period=week")).send().await.unwrap();
    assert_eq!(resp.status(), 400);
});

/// Credits points and service time (at most 1440 minutes an award) through the real review.
async fn credit_service(admin: &Api, approver: &Api, person_id: i64, amount: i64, minutes: i64) {
    let (s, a) = admin
        .post(
            "/points/awards",
            json!({"person_id": person_id, "category": "public_welfare", "amount": amount, "minutes": minutes, "note": "服务"}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_i64().unwrap();
    let (s, a) = approver.post(&format!("/points/awards/{id}/approve"), json!({})).await;
    assert_eq!(s, 200, "{a}");
    if a["status"] == "first_approval" {
        assert_eq!(admin.post(&format!("/points/awards/{id}/approve"), json!({})).await.0, 200);
    }
}

fn this_year() -> i64 {
    chrono::Datelike::year(&chrono::Utc::now()) as i64
}

async fn public_get(t: &TestApp, path: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(t.url(&format!("/api/v1{path}")))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

both!(
    p4_building_group_stars_by_share_of_residents_and_volunteer_stars,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        // Residents 0 and 1 live in the two households of the first building (two on the register).
        let r = add_residents(&t, 2).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        credit(&admin, &secretary, r[0].person_id, 3).await;
        let (_, h) = public_get(&t, "/honours?period=month").await;
        let g = &h["building_groups"][0];
        assert_eq!((g["volunteers"].as_i64(), g["residents"].as_i64()), (Some(1), Some(2)), "{h}");
        assert_eq!(g["stars"], 5, "half the building took part: above the default 40 %");
        assert_eq!(h["items"][0]["stars"], 0);

        // The street's thresholds are a setting: 50 % is two stars under 20/40/60/80/100.
        let strict = json!({"building_group_star_percent": [20, 40, 60, 80, 100]});
        assert_eq!(
            secretary.put("/honours/policy", strict.clone()).await.0,
            403,
            "street administrators only"
        );
        let (s, p) = admin
            .put(
                "/honours/policy",
                json!({"building_group_star_percent": [20, 10, 60, 80, 100]}),
            )
            .await;
        assert_eq!(
            (s, p["error"]["fields"][0]["field"].as_str()),
            (400, Some("building_group_star_percent"))
        );
        assert_eq!(admin.put("/honours/policy", strict.clone()).await.0, 200);
        assert_eq!(secretary.get("/honours/policy").await.1, strict);
        let (_, h) = public_get(&t, "/honours?period=month").await;
        assert_eq!(h["building_groups"][0]["stars"], 2, "{h}");
        credit(&admin, &secretary, r[1].person_id, 2).await;
        let (_, h) = public_get(&t, "/honours?period=year").await;
        assert_eq!(h["building_groups"][0]["stars"], 5, "everyone took part: {h}");

        // Volunteer stars count the whole service time: 5 × 24 h = 120 h is one star (100 h).
        for _ in 0..5 {
            credit_service(&admin, &secretary, r[1].person_id, 1, 1440).await;
        }
        let (_, h) = public_get(&t, "/honours?period=month").await;
        let top = h["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == r[1].name.as_str())
            .unwrap();
        assert_eq!((top["minutes"].as_i64(), top["stars"].as_i64()), (Some(7200), Some(1)), "{h}");
    }
);

both!(
    p2_annual_selection_freezes_figures_publishes_and_stays_immutable,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 3).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        let east = community_id(&t, EAST).await;
        credit(&admin, &secretary, r[0].person_id, 5).await;
        credit_service(&admin, &secretary, r[1].person_id, 2, 120).await;
        let year = this_year();

        let (s, sel) = secretary
            .post("/honours/selections", json!({"community_id": east, "year": year}))
            .await;
        assert_eq!(s, 201, "{sel}");
        let id = sel["id"].as_i64().unwrap();
        assert_eq!(
            (sel["status"].as_str(), sel["editable"].as_bool()),
            (Some("draft"), Some(true))
        );
        let volunteers: Vec<&Value> = sel["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "volunteer")
            .collect();
        assert_eq!(volunteers.len(), 2, "{sel}");
        assert_eq!(
            (volunteers[0]["name"].as_str(), volunteers[0]["points"].as_i64()),
            (Some(r[0].name.as_str()), Some(5))
        );
        assert_eq!(
            (volunteers[1]["minutes"].as_i64(), volunteers[1]["tasks"].as_i64()),
            (Some(120), Some(0))
        );
        let group = sel["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "building_group")
            .unwrap()
            .clone();
        assert_eq!(
            (
                group["participants"].as_i64(),
                group["residents"].as_i64(),
                group["stars"].as_i64()
            ),
            (Some(2), Some(2), Some(5))
        );
        assert!(sel["candidates"][0].get("subject_id").is_none(), "ids of people stay inside");

        // Figures are frozen: later awards change the honour list, never the draft.
        credit(&admin, &secretary, r[0].person_id, 50).await;
        credit(&admin, &secretary, r[2].person_id, 7).await;
        let (_, h) = public_get(&t, "/honours?period=year").await;
        assert_eq!(h["items"][0]["points"], 55);
        let (s, again) = secretary.get(&format!("/honours/selections/{id}")).await;
        assert_eq!(s, 200);
        assert_eq!(again["candidates"], sel["candidates"], "the draft kept its figures");

        // Only one selection a community and year.
        let (s, dup) = admin
            .post("/honours/selections", json!({"community_id": east, "year": year}))
            .await;
        assert_eq!((s, code(&dup)), (409, "selection_exists"), "{dup}");

        // Nobody chosen: nothing to publish.
        let (s, e) = secretary.post(&format!("/honours/selections/{id}/publish"), json!({})).await;
        assert_eq!((s, code(&e)), (409, "nothing_chosen"));
        let first = volunteers[0]["id"].as_i64().unwrap();
        let second = volunteers[1]["id"].as_i64().unwrap();
        let (s, chosen) = secretary
            .post(
                &format!("/honours/selections/{id}/choose"),
                json!({"entries": [
                    {"id": first, "chosen": true, "title": " 优秀志愿者 ", "citation": "热心公益"},
                    {"id": second, "chosen": false, "title": ""},
                    {"id": group["id"], "chosen": true}
                ]}),
            )
            .await;
        assert_eq!(s, 200, "{chosen}");
        assert_eq!(chosen["chosen"], 2);
        let c0 = chosen["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == first)
            .unwrap();
        assert_eq!(
            (c0["title"].as_str(), c0["citation"].as_str()),
            (Some("优秀志愿者"), Some("热心公益"))
        );

        // Drafts are the staff's: the public, residents and the selection list see nothing yet.
        assert_eq!(public_get(&t, &format!("/honours/selections/{id}")).await.0, 404);
        assert_eq!(r[0].api.get(&format!("/honours/selections/{id}")).await.0, 404);
        assert_eq!(public_get(&t, "/honours/selections").await.1["items"], json!([]));
        assert_eq!(
            secretary.get("/honours/selections").await.1["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        let (s, published) = secretary.post(&format!("/honours/selections/{id}/publish"), json!({})).await;
        assert_eq!(s, 200, "{published}");
        assert_eq!(
            (published["status"].as_str(), published["editable"].as_bool()),
            (Some("published"), Some(false))
        );

        // Public now, with the honoured entries only.
        let (s, list) = public_get(&t, &format!("/honours/selections?community_id={east}")).await;
        assert_eq!(
            (s, list["items"][0]["id"].as_i64(), list["items"][0]["year"].as_i64()),
            (200, Some(id), Some(year))
        );
        let (s, public) = public_get(&t, &format!("/honours/selections/{id}")).await;
        assert_eq!(s, 200);
        let names: Vec<&str> = public["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, [r[0].name.as_str(), group["name"].as_str().unwrap()], "{public}");
        assert_eq!(public["candidates"][0]["points"], 5, "the frozen figure");

        // Published is immutable: every change is refused with the code, and nothing changed.
        for (path, body) in [
            ("choose", json!({"entries": [{"id": second, "chosen": true}]})),
            ("publish", json!({})),
            ("discard", json!({})),
        ] {
            let (s, e) = admin.post(&format!("/honours/selections/{id}/{path}"), body).await;
            assert_eq!((s, code(&e)), (409, "selection_published"), "{path}: {e}");
        }
        assert_eq!(public_get(&t, &format!("/honours/selections/{id}")).await.1, public);

        // A draft can be discarded and the year started again with today's figures.
        let west = community_id(&t, WEST).await;
        let (_, w) = admin
            .post("/honours/selections", json!({"community_id": west, "year": year - 1}))
            .await;
        let wid = w["id"].as_i64().unwrap();
        assert_eq!(w["candidates"], json!([]), "no points last year");
        assert_eq!(
            admin.post(&format!("/honours/selections/{wid}/discard"), json!({})).await.0,
            200
        );
        assert_eq!(admin.get(&format!("/honours/selections/{wid}")).await.0, 404);
        assert_eq!(
            admin
                .post("/honours/selections", json!({"community_id": west, "year": year - 1}))
                .await
                .0,
            201
        );
        assert_ledger_ok(&admin).await;
    }
);

both!(p2_annual_selection_permissions_and_field_errors, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let (admin, secretary, worker) = (
        Api::as_user(&t, "admin").await,
        Api::as_user(&t, "secretary").await,
        Api::as_user(&t, "worker_a").await,
    );
    let (east, west) = (community_id(&t, EAST).await, community_id(&t, WEST).await);
    let year = this_year() - 1;

    // Residents and grid workers do not run selections; the east secretary does not run the west.
    let body = json!({"community_id": east, "year": year});
    assert_eq!(r[0].api.post("/honours/selections", body.clone()).await.0, 403);
    assert_eq!(worker.post("/honours/selections", body.clone()).await.0, 403);
    let (s, e) = secretary
        .post("/honours/selections", json!({"community_id": west, "year": year}))
        .await;
    assert_eq!(s, 404, "{e}");
    let anonymous = reqwest::Client::new()
        .post(t.url("/api/v1/honours/selections"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    // The west draft (the administrator's) does not exist for the east secretary.
    let (_, w) = admin
        .post("/honours/selections", json!({"community_id": west, "year": year}))
        .await;
    let wid = w["id"].as_i64().unwrap();
    assert_eq!(secretary.get(&format!("/honours/selections/{wid}")).await.0, 404);
    assert_eq!(
        secretary
            .post(&format!("/honours/selections/{wid}/choose"), json!({"entries": []}))
            .await
            .0,
        404
    );
    assert_eq!(
        secretary
            .post(&format!("/honours/selections/{wid}/publish"), json!({}))
            .await
            .0,
        404
    );
    assert_eq!(
        r[0].api
            .post(&format!("/honours/selections/{wid}/publish"), json!({}))
            .await
            .0,
        403
    );
    assert!(
        secretary.get("/honours/selections").await.1["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Bad input: every field named.
    let field_names = |v: &Value| -> Vec<String> {
        v["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_string())
            .collect()
    };
    for (body, fields) in [
        (json!({"community_id": east, "year": 1999}), vec!["year"]),
        (json!({"community_id": east, "year": this_year() + 1}), vec!["year"]),
        (json!({"community_id": east, "year": "last"}), vec!["year"]),
        (json!({"year": year}), vec!["community_id"]),
        (json!({}), vec!["year", "community_id"]),
        (json!({"community_id": 999_999, "year": year}), vec!["community_id"]),
    ] {
        let (s, e) = secretary.post("/honours/selections", body.clone()).await;
        assert_eq!(
            (s, field_names(&e)),
            (400, fields.iter().map(|f| f.to_string()).collect()),
            "{body}: {e}"
        );
    }
    let grid = {
        let mut tx = t.app.db.read().await.unwrap();
        onegrid_store::territory::area_by_code(&mut tx, fixture::GRIDS[0])
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let (s, e) = admin
        .post("/honours/selections", json!({"community_id": grid, "year": year}))
        .await;
    assert_eq!(
        (s, field_names(&e)),
        (400, vec!["community_id".to_string()]),
        "a grid is not a community"
    );

    let (_, sel) = secretary
        .post("/honours/selections", json!({"community_id": east, "year": year}))
        .await;
    let id = sel["id"].as_i64().unwrap();
    for (entries, field) in [
        (json!([]), "entries"),
        (json!([{"id": 999_999, "chosen": true}]), "entries[0].id"),
        (
            json!([{"id": wid, "chosen": true, "title": "长".repeat(31)}]),
            "entries[0].title",
        ),
        (
            json!([{"id": 1, "chosen": true, "citation": "x".repeat(301)}]),
            "entries[0].citation",
        ),
    ] {
        let (s, e) = secretary
            .post(&format!("/honours/selections/{id}/choose"), json!({"entries": entries}))
            .await;
        assert_eq!((s, field_names(&e)[0].as_str()), (400, field), "{e}");
    }
    let (s, e) = admin
        .put("/honours/policy", json!({"building_group_star_percent": "many"}))
        .await;
    assert_eq!((s, field_names(&e)[0].as_str()), (400, "building_group_star_percent"));
});

both!(
    p2_annual_selection_pages_start_choose_publish_and_show,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 2).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        credit(&admin, &secretary, r[0].person_id, 4).await;
        credit(&admin, &secretary, r[1].person_id, 2).await;
        let east = community_id(&t, EAST).await;
        let year = this_year().to_string();

        let (c, csrf) = browser(&t, "secretary").await;
        let (s, page) = fetch(&c, &t, "/honours/manage").await;
        assert_eq!(s, 200, "{page}");
        assert!(
            page.contains("发起年度评选") && page.contains("东社区") && !page.contains("西社区"),
            "{page}"
        );
        let forged = c
            .post(t.url("/honours/manage"))
            .form(&[("csrf", "forged"), ("community_id", &east.to_string()), ("year", &year)])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403);
        let bad = c
            .post(t.url("/honours/manage"))
            .form(&[("csrf", csrf.as_str()), ("community_id", &east.to_string()), ("year", "1990")])
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        assert!(bad.text().await.unwrap().contains("year"));
        let resp = c
            .post(t.url("/honours/manage"))
            .form(&[("csrf", csrf.as_str()), ("community_id", &east.to_string()), ("year", &year)])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303);
        let to = resp.headers()["location"].to_str().unwrap().to_string();
        let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
        let (s, page) = fetch(&c, &t, &to).await;
        assert_eq!(s, 200, "{page}");
        assert!(
            page.contains(&r[0].name) && page.contains("志愿者候选") && page.contains("name=\"chosen_"),
            "{page}"
        );

        // Choose the first volunteer with a title, the building group without one, and publish.
        let (_, sel) = secretary.get(&format!("/honours/selections/{id}")).await;
        let cands = sel["candidates"].as_array().unwrap();
        let (v0, g0) = (
            cands.iter().find(|c| c["name"] == r[0].name.as_str()).unwrap()["id"]
                .as_i64()
                .unwrap(),
            cands.iter().find(|c| c["kind"] == "building_group").unwrap()["id"]
                .as_i64()
                .unwrap(),
        );
        let mut form: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
        for c in cands {
            form.push(("ids".into(), c["id"].to_string()));
        }
        form.push((format!("chosen_{v0}"), "on".into()));
        form.push((format!("title_{v0}"), "学雷锋标兵".into()));
        form.push((format!("citation_{v0}"), "常年服务独居老人".into()));
        form.push((format!("chosen_{g0}"), "on".into()));
        let resp = c
            .post(t.url(&format!("/honours/manage/{id}/choose")))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303);
        let resp = c
            .post(t.url(&format!("/honours/manage/{id}/publish")))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303);
        let (_, page) = fetch(&c, &t, &format!("/honours/manage/{id}")).await;
        assert!(
            page.contains("已公示") && !page.contains("name=\"chosen_"),
            "read-only once published"
        );
        let resp = c
            .post(t.url(&format!("/honours/manage/{id}/discard")))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 409);
        assert!(resp.text().await.unwrap().contains("评选已公示"));

        // The public honour roll and notice show it, with the default title where none was given.
        let public = t.client();
        let (s, page) = fetch(&public, &t, "/honours").await;
        assert_eq!(s, 200, "{page}");
        assert!(
            page.contains("年度评选") && page.contains("学雷锋标兵") && page.contains("常年服务独居老人"),
            "{page}"
        );
        assert!(page.contains("星级楼组") && page.contains(&format!("/honours/selections/{id}")));
        let (s, notice) = fetch(&public, &t, &format!("/honours/selections/{id}")).await;
        assert_eq!(s, 200);
        assert!(
            notice.contains("年度评选公示") && notice.contains(&r[0].name) && !notice.contains(&r[1].name),
            "{notice}"
        );
        fetch(&public, &t, &format!("/lang?to=en&next=/honours/selections/{id}")).await;
        let (_, notice_en) = fetch(&public, &t, &format!("/honours/selections/{id}")).await;
        assert!(
            notice_en.contains("Star building group") && notice_en.contains("public notice"),
            "{notice_en}"
        );

        // Residents do not manage selections; the public does not see drafts as notices.
        let (rc, _) = browser(&t, &r[0].username).await;
        assert_eq!(fetch(&rc, &t, "/honours/manage").await.0, 403);
        let (_, draft) = admin
            .post("/honours/selections", json!({"community_id": east, "year": this_year() - 1}))
            .await;
        assert_eq!(
            fetch(&public, &t, &format!("/honours/selections/{}", draft["id"])).await.0,
            404
        );
        assert_eq!(fetch(&c, &t, &format!("/honours/selections/{}", draft["id"])).await.0, 404);
    }
);

both!(
    p2_demo_has_a_published_annual_selection_of_the_past_year,
    |t: TestApp| async move {
        t.app.load_demo(onegrid_demo::DEFAULT_SEED).await.unwrap();
        let (s, list) = public_get(&t, "/honours/selections").await;
        assert_eq!(s, 200, "{list}");
        let items = list["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{list}");
        for sel in items {
            assert_eq!(
                (sel["status"].as_str(), sel["year"].as_i64()),
                (Some("published"), Some(this_year() - 1))
            );
            assert!(sel["chosen"].as_i64().unwrap() > 0);
        }
        let (_, one) = public_get(&t, &format!("/honours/selections/{}", items[0]["id"])).await;
        let honoured = one["candidates"].as_array().unwrap();
        assert!(
            honoured
                .iter()
                .all(|c| c["chosen"] == true && c["title"].is_string() && c["citation"].is_string())
        );
        assert!(
            honoured
                .iter()
                .any(|c| c["kind"] == "volunteer" && c["points"].as_i64().unwrap() > 0)
        );
        let (s, page) = fetch(&t.client(), &t, "/honours").await;
        assert_eq!(s, 200);
        assert!(
            page.contains("id=\"annual-selection\"") && page.contains("优秀志愿者"),
            "{page}"
        );
    }
);
