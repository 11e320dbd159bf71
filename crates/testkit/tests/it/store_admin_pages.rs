//! Staff pages for the points store and the points policy over HTTP: an item created by form
//! appears in the resident store, its terms edited (refused forms write nothing), the voucher
//! counter takes a voucher once, the policy form saves what new awards then follow, and
//! residents, grid workers and staff of other communities are kept out.

use super::pages::*;
use super::participation::*;
use super::*;

async fn api_item(admin: &Api, community: i64, name: &str, price: i64, stock: i64) -> i64 {
    let (s, i) = admin
        .post(
            "/store/items",
            json!({"community_id": community, "kind": "goods", "name": name, "price": price, "stock": stock, "per_person_limit": 1}),
        )
        .await;
    assert_eq!(s, 201, "{i}");
    i["id"].as_i64().unwrap()
}

/// The edit form of an item as staff would send it.
fn edit_form<'a>(csrf: &'a str, price: &'a str, limit: &'a str, add: &'a str, active: bool) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf", csrf),
        ("price", price),
        ("per_person_limit", limit),
        ("add_stock", add),
        ("opens", ""),
        ("closes", ""),
    ];
    if active {
        f.push(("active", "on"));
    }
    f
}

both!(p3_store_manage_creates_an_item_that_residents_see, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let east = community_id(&t, EAST).await;
    let (c, csrf) = browser(&t, "secretary").await;
    let html = page(&c, &t, "/store/manage").await;
    assert!(
        html.contains("id=\"nav-store-manage\"") && html.contains(&format!("data-community=\"{east}\"")),
        "{html}"
    );
    // The secretary runs one community's store, so the form carries it without asking.
    assert!(html.contains(&format!("name=\"community_id\" value=\"{east}\"")), "{html}");

    let east_s = east.to_string();
    let (st, location, body) = post_form(
        &c,
        &t,
        "/store/manage",
        &[
            ("csrf", csrf.as_str()),
            ("community_id", east_s.as_str()),
            ("kind", "service"),
            ("name", "理发一次"),
            ("description", "社区理发室"),
            ("currency", "grid_points"),
            ("price", "8"),
            ("stock", "20"),
            ("per_person_limit", "2"),
            ("venue", ""),
            ("slot_starts", ""),
            ("slot_ends", ""),
            ("opens", ""),
            ("closes", ""),
        ],
    )
    .await;
    assert_eq!(st, 303, "{body}");
    assert!(
        location.starts_with("/store/manage/") && location.ends_with("?saved=1"),
        "{location}"
    );
    let html = page(&c, &t, &location).await;
    assert!(html.contains("id=\"saved\"") && html.contains("理发一次"), "{html}");

    // In the resident's store, at its price, and in the staff list.
    let (_, items) = r[0].api.get("/store/items").await;
    let item = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "理发一次")
        .unwrap_or_else(|| panic!("{items}"))
        .clone();
    assert_eq!(
        (&item["kind"], &item["price"], &item["stock"], &item["per_person_limit"]),
        (&json!("service"), &json!(8), &json!(20), &json!(2))
    );
    let (rc, _) = browser(&t, &r[0].username).await;
    let html = page(&rc, &t, "/store").await;
    assert!(html.contains("理发一次"), "{html}");
    // Residents have no link to the staff page.
    assert!(!html.contains("id=\"nav-store-manage\""), "{html}");
    let html = page(&c, &t, "/store/manage").await;
    assert!(html.contains(&format!("href=\"/store/manage/{}\"", item["id"])), "{html}");

    // A form that the catalogue rules refuse: every reason beside its field, what was typed
    // kept, nothing created.
    let (st, _, html) = post_form(
        &c,
        &t,
        "/store/manage",
        &[
            ("csrf", csrf.as_str()),
            ("community_id", east_s.as_str()),
            ("kind", "venue"),
            ("name", "舞蹈室"),
            ("currency", "grid_points"),
            ("price", "0"),
            ("stock", "many"),
            ("per_person_limit", "1"),
            ("venue", ""),
            ("slot_starts", ""),
            ("slot_ends", ""),
            ("opens", ""),
            ("closes", ""),
        ],
    )
    .await;
    assert_eq!(st, 422, "{html}");
    for field in ["price", "stock", "venue", "slot_starts"] {
        assert!(html.contains(&format!("data-field=\"{field}\"")), "{field}: {html}");
    }
    assert!(html.contains("value=\"many\"") && html.contains("value=\"舞蹈室\""), "{html}");
    let (_, items) = r[0].api.get("/store/items").await;
    assert_eq!(items["items"].as_array().unwrap().len(), 1, "{items}");
});

both!(p3_store_manage_edits_price_stock_and_sale, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let admin = Api::as_user(&t, "admin").await;
    let east = community_id(&t, EAST).await;
    let id = api_item(&admin, east, "洗衣液", 10, 5).await;
    let path = format!("/store/manage/{id}");
    let (c, csrf) = browser(&t, "secretary").await;
    let html = page(&c, &t, &path).await;
    assert!(
        html.contains("id=\"edit-item-form\"") && html.contains("name=\"price\" value=\"10\""),
        "{html}"
    );

    let (st, location, body) = post_form(&c, &t, &path, &edit_form(&csrf, "15", "2", "5", true)).await;
    assert_eq!((st, location.as_str()), (303, format!("{path}?saved=1").as_str()), "{body}");
    let (_, item) = admin.get(&format!("/store/items/{id}")).await;
    assert_eq!(
        (&item["price"], &item["stock"], &item["per_person_limit"], &item["active"]),
        (&json!(15), &json!(10), &json!(2), &json!(true)),
        "{item}"
    );

    // A bad price: the reason beside the field, the typed value kept, nothing written (not
    // even the stock that came with it).
    for bad in ["abc", "0"] {
        let (st, _, html) = post_form(&c, &t, &path, &edit_form(&csrf, bad, "2", "3", true)).await;
        assert_eq!(st, 422, "{html}");
        assert!(
            html.contains("data-field=\"price\"") && html.contains(&format!("name=\"price\" value=\"{bad}\"")),
            "{html}"
        );
        assert!(html.contains("id=\"form-errors\""), "{html}");
    }
    let (_, item) = admin.get(&format!("/store/items/{id}")).await;
    assert_eq!((&item["price"], &item["stock"]), (&json!(15), &json!(10)), "{item}");
    // The API takes the same terms and refuses them by the same rules.
    let (s, e) = admin
        .patch(
            &format!("/store/items/{id}"),
            json!({"price": 0, "window": {"opens_at": 2000, "closes_at": 1000}}),
        )
        .await;
    assert_eq!(s, 400, "{e}");
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"price") && fields.contains(&"closes_at"), "{e}");
    let (s, item) = admin
        .patch(&format!("/store/items/{id}"), json!({"per_person_limit": 3}))
        .await;
    assert_eq!(
        (s, &item["per_person_limit"], &item["price"]),
        (200, &json!(3), &json!(15)),
        "{item}"
    );

    // Taken off sale: gone from the resident's store, still on the staff page.
    let (st, _, body) = post_form(&c, &t, &path, &edit_form(&csrf, "15", "2", "", false)).await;
    assert_eq!(st, 303, "{body}");
    let (_, items) = r[0].api.get("/store/items").await;
    assert!(items["items"].as_array().unwrap().is_empty(), "{items}");
    let html = page(&c, &t, "/store/manage").await;
    assert!(html.contains(&format!("data-item=\"{id}\" class=\"muted\"")), "{html}");

    // Forms without the session's token are refused.
    let (st, _, _) = post_form(&c, &t, &path, &edit_form("forged", "20", "2", "", true)).await;
    assert_eq!(st, 403);
    let (_, item) = admin.get(&format!("/store/items/{id}")).await;
    assert_eq!(item["price"], 15);
});

both!(
    p3_store_manage_voucher_counter_takes_a_voucher_once,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 1).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        let east = community_id(&t, EAST).await;
        credit(&admin, &secretary, r[0].person_id, 10).await;
        let id = api_item(&admin, east, "抽纸", 5, 3).await;
        let (s, red) = r[0].api.post(&format!("/store/items/{id}/redeem"), json!({})).await;
        assert_eq!(s, 201, "{red}");
        let voucher = red["voucher"].as_str().unwrap().to_string();

        // The item's page lists the voucher with the person's name, and offers to take it.
        let (c, csrf) = browser(&t, "secretary").await;
        let html = page(&c, &t, &format!("/store/manage/{id}")).await;
        assert!(
            html.contains(&voucher) && html.contains(&r[0].name) && html.contains("待领取"),
            "{html}"
        );

        // Typed in lower case at the counter: taken.
        let typed = voucher.to_lowercase();
        let (st, _, html) = post_form(
            &c,
            &t,
            "/store/manage/vouchers",
            &[("csrf", csrf.as_str()), ("code", typed.as_str())],
        )
        .await;
        assert_eq!(st, 200, "{html}");
        assert!(
            html.contains(&format!("data-voucher=\"{voucher}\"")) && html.contains(&r[0].name),
            "{html}"
        );
        let (s, list) = secretary.get(&format!("/store/items/{id}/redemptions")).await;
        assert_eq!(s, 200, "{list}");
        assert_eq!(
            (
                list["items"].as_array().unwrap().len(),
                &list["items"][0]["status"],
                &list["items"][0]["person_name"]
            ),
            (1, &json!("used"), &json!(r[0].name))
        );

        // A second use is refused, and an unknown code too; the code typed stays in the box.
        let (st, _, html) = post_form(
            &c,
            &t,
            "/store/manage/vouchers",
            &[("csrf", csrf.as_str()), ("code", voucher.as_str())],
        )
        .await;
        assert_eq!(st, 409, "{html}");
        assert!(
            html.contains("data-code=\"wrong_state\"") && html.contains(&format!("value=\"{voucher}\"")),
            "{html}"
        );
        let (st, _, html) = post_form(
            &c,
            &t,
            "/store/manage/vouchers",
            &[("csrf", csrf.as_str()), ("code", "ZZZZZZZZZZ")],
        )
        .await;
        assert_eq!(st, 404, "{html}");
        assert!(html.contains("data-code=\"not_found\""), "{html}");
        let html = page(&c, &t, &format!("/store/manage/{id}")).await;
        assert!(html.contains("已核销"), "{html}");
        assert_ledger_ok(&admin).await;
    }
);

both!(p3_store_manage_keeps_out_residents_and_other_staff, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
    let (east, west) = (community_id(&t, EAST).await, community_id(&t, WEST).await);
    credit(&admin, &secretary, r[0].person_id, 10).await;
    let mine = api_item(&admin, east, "毛巾", 5, 3).await;
    let theirs = api_item(&admin, west, "肥皂", 5, 3).await;
    let (_, red) = r[0].api.post(&format!("/store/items/{mine}/redeem"), json!({})).await;
    let voucher = red["voucher"].as_str().unwrap().to_string();

    // A resident and a grid worker: not allowed.
    for user in [r[0].username.as_str(), "worker_a"] {
        let (c, csrf) = browser(&t, user).await;
        for path in ["/store/manage".to_string(), format!("/store/manage/{mine}")] {
            let (st, html) = fetch(&c, &t, &path).await;
            assert_eq!(st, 403, "{user} {path}: {html}");
        }
        let (st, _, _) = post_form(
            &c,
            &t,
            "/store/manage/vouchers",
            &[("csrf", csrf.as_str()), ("code", voucher.as_str())],
        )
        .await;
        assert_eq!(st, 403, "{user}");
        let (st, _, _) = post_form(
            &c,
            &t,
            &format!("/store/manage/{mine}"),
            &edit_form(&csrf, "1", "1", "", true),
        )
        .await;
        assert_eq!(st, 403, "{user}");
    }
    let (s, e) = r[0].api.get(&format!("/store/items/{mine}/redemptions")).await;
    assert_eq!((s, code(&e)), (403, "forbidden"));
    let (_, red) = r[0].api.get("/store/redemptions").await;
    assert_eq!(red["items"][0]["status"], "issued", "{red}");

    // The east secretary does not see the west community's store: it does not exist for them.
    let (c, csrf) = browser(&t, "secretary").await;
    let (st, _) = fetch(&c, &t, &format!("/store/manage/{theirs}")).await;
    assert_eq!(st, 404);
    let (st, _, _) = post_form(
        &c,
        &t,
        &format!("/store/manage/{theirs}"),
        &edit_form(&csrf, "1", "1", "", true),
    )
    .await;
    assert_eq!(st, 404);
    let html = page(&c, &t, "/store/manage").await;
    assert!(!html.contains(&format!("data-community=\"{west}\"")), "{html}");
    let (s, _) = secretary.get(&format!("/store/items/{theirs}/redemptions")).await;
    assert_eq!(s, 404);
    let (_, item) = admin.get(&format!("/store/items/{theirs}")).await;
    assert_eq!(item["price"], 5);
    // The street admin runs both.
    let (ac, _) = browser(&t, "admin").await;
    let html = page(&ac, &t, "/store/manage").await;
    assert!(
        html.contains(&format!("data-community=\"{west}\"")) && html.contains(&format!("data-community=\"{east}\"")),
        "{html}"
    );
});

/// The policy form as the page would send it: `rules` overrides rows by category.
fn policy_form(
    csrf: &str,
    rules: &[(&str, [&str; 3])],
    threshold: &str,
    months: &[&str],
    days: (&str, &str),
    expiry: &str,
) -> Vec<(String, String)> {
    const CATEGORIES: [&str; 7] = [
        "study_education",
        "cultural_publicity",
        "environmental_upkeep",
        "dispute_mediation",
        "help_in_difficulty",
        "public_welfare",
        "outstanding_contribution",
    ];
    let mut f = vec![("csrf".to_string(), csrf.to_string())];
    for c in CATEGORIES {
        let [a, h, cap] = rules.iter().find(|r| r.0 == c).map(|r| r.1).unwrap_or(["2", "1", "10"]);
        f.push((format!("{c}.per_activity"), a.into()));
        f.push((format!("{c}.per_hour"), h.into()));
        f.push((format!("{c}.cap"), cap.into()));
    }
    f.push(("joint_review_threshold".into(), threshold.into()));
    if months.is_empty() {
        f.push(("window".into(), "none".into()));
    } else {
        f.push(("window".into(), "months".into()));
        f.extend(months.iter().map(|m| ("window_months".to_string(), m.to_string())));
    }
    f.push(("window_from_day".into(), days.0.into()));
    f.push(("window_to_day".into(), days.1.into()));
    f.push(("expiry_years".into(), expiry.into()));
    f
}

async fn post_pairs(c: &reqwest::Client, t: &TestApp, path: &str, form: &[(String, String)]) -> (u16, String, String) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    post_form(c, t, path, &pairs).await
}

both!(p1_policy_page_saves_what_new_awards_follow, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 1).await;
    let admin = Api::as_user(&t, "admin").await;
    let (c, csrf) = browser(&t, "admin").await;
    let html = page(&c, &t, "/points/policy").await;
    assert!(
        html.contains("id=\"nav-points-policy\"")
            && html.contains("name=\"public_welfare.per_hour\" value=\"1\"")
            && html.contains("name=\"joint_review_threshold\" value=\"20\""),
        "{html}"
    );

    let form = policy_form(
        &csrf,
        &[("public_welfare", ["0", "2", "5"])],
        "30",
        &["1", "4", "7", "10"],
        ("1", "10"),
        "3",
    );
    let (st, location, body) = post_pairs(&c, &t, "/points/policy", &form).await;
    assert_eq!((st, location.as_str()), (303, "/points/policy?saved=1"), "{body}");
    let html = page(&c, &t, &location).await;
    assert!(
        html.contains("id=\"saved\"")
            && html.contains("name=\"public_welfare.cap\" value=\"5\"")
            && html.contains("value=\"months\" selected")
            && html.contains("name=\"expiry_years\" value=\"3\""),
        "{html}"
    );
    let (_, p) = admin.get("/points/policy").await;
    let welfare = p["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == "public_welfare")
        .unwrap();
    assert_eq!(
        (
            &welfare["per_hour"],
            &welfare["cap"],
            &p["joint_review_threshold"],
            &p["expiry_years"]
        ),
        (&json!(2), &json!(5), &json!(30), &json!(3)),
        "{p}"
    );
    assert_eq!(
        p["exchange_window"],
        json!({"months": [1, 4, 7, 10], "from_day": 1, "to_day": 10})
    );

    // A new award of three hours' public welfare follows the new rule: 3 × 2, capped at 5.
    let (s, a) = admin
        .post(
            "/points/awards",
            json!({"person_id": r[0].person_id, "category": "public_welfare", "minutes": 180, "note": "清扫楼道"}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["amount"], 5, "{a}");

    // No window and no expiry: both cleared.
    let form = policy_form(&csrf, &[("public_welfare", ["0", "2", "5"])], "30", &[], ("1", "10"), "");
    let (st, _, body) = post_pairs(&c, &t, "/points/policy", &form).await;
    assert_eq!(st, 303, "{body}");
    let (_, p) = admin.get("/points/policy").await;
    assert_eq!(
        (&p["exchange_window"], &p["expiry_years"]),
        (&Value::Null, &Value::Null),
        "{p}"
    );
});

both!(
    p1_policy_page_refuses_invalid_values_and_non_admins,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let admin = Api::as_user(&t, "admin").await;
        let (_, before) = admin.get("/points/policy").await;
        let (c, csrf) = browser(&t, "admin").await;

        // Unreadable and out-of-range values together: every reason beside its field, the typed
        // values kept, nothing saved.
        let form = policy_form(
            &csrf,
            &[
                ("public_welfare", ["0", "1", "0"]),
                ("dispute_mediation", ["five", "0", "10"]),
            ],
            "x",
            &[],
            ("1", "10"),
            "99",
        );
        let (st, _, html) = post_pairs(&c, &t, "/points/policy", &form).await;
        assert_eq!(st, 422, "{html}");
        for field in [
            "rules.public_welfare",
            "rules.dispute_mediation",
            "joint_review_threshold",
            "expiry_years",
        ] {
            assert!(html.contains(&format!("data-field=\"{field}\"")), "{field}: {html}");
        }
        assert!(
            html.contains("name=\"dispute_mediation.per_activity\" value=\"five\"")
                && html.contains("name=\"joint_review_threshold\" value=\"x\"")
                && html.contains("name=\"expiry_years\" value=\"99\""),
            "{html}"
        );
        // A window without months or with days the wrong way round.
        let form = policy_form(&csrf, &[], "20", &["13"], ("10", "1"), "");
        let (st, _, html) = post_pairs(&c, &t, "/points/policy", &form).await;
        assert_eq!(st, 422, "{html}");
        assert!(
            html.contains("data-field=\"exchange_window.months\"") && html.contains("data-field=\"exchange_window.days\""),
            "{html}"
        );
        let (_, after) = admin.get("/points/policy").await;
        assert_eq!(after, before);

        // Only the street administrator sets the policy.
        for user in ["secretary", "worker_a"] {
            let (c, csrf) = browser(&t, user).await;
            let (st, html) = fetch(&c, &t, "/points/policy").await;
            assert_eq!(st, 403, "{user}: {html}");
            assert!(!html.contains("id=\"nav-points-policy\""), "{user}: {html}");
            let form = policy_form(&csrf, &[], "1", &[], ("1", "10"), "");
            let (st, _, _) = post_pairs(&c, &t, "/points/policy", &form).await;
            assert_eq!(st, 403, "{user}");
        }
        let (_, after) = admin.get("/points/policy").await;
        assert_eq!(after, before);
    }
);
