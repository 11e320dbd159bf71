//! G1–G2: proposing a micro-grid division of a grid or community, seeing both quality reports,
//! accepting it (buildings move, coverage stays whole) or discarding it, over HTTP.

use std::collections::{BTreeMap, HashMap};

use onegrid_store::territory;

use super::*;

/// Signs in through the API and returns the client and the session's CSRF token.
async fn login(t: &TestApp, user: &str, password: &str) -> (reqwest::Client, String) {
    let c = t.client();
    let r = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login of {user}");
    let body: Value = r.json().await.unwrap();
    (c, body["csrf_token"].as_str().unwrap().to_string())
}

async fn area_id(t: &TestApp, code: &str) -> i64 {
    let mut tx = t.app.db.read().await.unwrap();
    territory::area_by_code(&mut tx, code)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no area {code}"))
        .id
}

async fn propose(t: &TestApp, c: &reqwest::Client, csrf: &str, body: Value) -> reqwest::Response {
    c.post(t.url("/api/v1/partition-proposals"))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn decide(t: &TestApp, c: &reqwest::Client, csrf: &str, id: i64, what: &str) -> reqwest::Response {
    c.post(t.url(&format!("/api/v1/partition-proposals/{id}/{what}")))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap()
}

/// Everything a division may touch, to compare before and after.
async fn snapshot(t: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    let db = &t.app.db;
    let mut tx = db.read().await.unwrap();
    let street = territory::streets(&mut tx).await.unwrap()[0].id;
    for b in territory::buildings_of_street(&mut tx, street).await.unwrap() {
        out.push(format!(
            "b {} {:?} {:?} {:?}",
            b.id, b.community_id, b.grid_id, b.micro_grid_id
        ));
        for h in territory::households_in_building(&mut tx, b.id).await.unwrap() {
            out.push(format!("h {} {:?} {:?}", h.id, h.grid_id, h.micro_grid_id));
        }
    }
    let mut ids = Vec::new();
    for level in ["community", "grid", "micro_grid"] {
        for a in territory::areas(&mut tx, street, level, None).await.unwrap() {
            out.push(format!(
                "a {} {} {} {:?} {:?}",
                a.id, a.code, a.name, a.boundary, a.retired_on
            ));
            ids.push((a.level.clone(), a.id));
        }
    }
    for (level, id) in ids {
        let level = onegrid_domain::territory::Level::parse(&level).unwrap();
        for (p, name) in onegrid_store::people::posts_on(&mut tx, level, id).await.unwrap() {
            out.push(format!("p {} {name} {} {:?}", p.id, p.starts_on, p.ends_on));
        }
    }
    out
}

/// Rules of the coverage check that are about buildings (T3), with their subjects.
async fn building_findings(t: &TestApp) -> Vec<String> {
    let mut tx = t.app.db.read().await.unwrap();
    let street = territory::streets(&mut tx).await.unwrap()[0].id;
    drop(tx);
    let r = t.app.coverage_of_street(street).await.unwrap();
    r.findings
        .iter()
        .filter(|f| f.rule().starts_with("building_"))
        .map(|f| format!("{} {}", f.rule(), serde_json::to_value(f).unwrap()["building"]["code"]))
        .collect()
}

/// Every building of the street is in exactly one micro-grid, which is in service, and its
/// households and residents carry the same micro-grid.
async fn assert_every_building_in_one_micro_grid(t: &TestApp) {
    let mut tx = t.app.db.read().await.unwrap();
    let street = territory::streets(&mut tx).await.unwrap()[0].id;
    let in_service: HashMap<i64, territory::Area> = territory::areas(&mut tx, street, "micro_grid", None)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    for b in territory::buildings_of_street(&mut tx, street).await.unwrap() {
        if b.micro_grid_id.is_none() && b.lat.is_some() {
            // Only the demo's planted unassigned building may lack one, and only outside the divided area.
            continue;
        }
        let Some(m) = b.micro_grid_id else { continue };
        let mg = in_service
            .get(&m)
            .unwrap_or_else(|| panic!("building {} is in a retired or missing micro-grid {m}", b.code));
        assert_eq!(
            mg.grid_id, b.grid_id,
            "building {} and its micro-grid agree on the grid",
            b.code
        );
        for h in territory::households_in_building(&mut tx, b.id).await.unwrap() {
            assert_eq!(h.micro_grid_id, Some(m), "household {} follows its building", h.code);
            for r in territory::residents_of(&mut tx, h.id).await.unwrap() {
                let (_, path) = territory::resident(&mut tx, r.id).await.unwrap();
                assert_eq!(path.micro_grid_id, Some(m), "resident {} follows the household", r.id);
            }
        }
    }
}

both!(
    g1_proposal_on_a_grid_and_a_community_reports_current_and_proposed,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let (c, csrf) = login(&t, "admin", PASSWORD).await;
        let g1 = area_id(&t, fixture::GRIDS[0]).await;
        let r = propose(&t, &c, &csrf, json!({"area_id": g1, "cap": 40})).await;
        assert_eq!(r.status(), 201);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["status"], "open");
        assert_eq!(p["stale"], false);
        assert_eq!(p["params"]["cap"], 40.0);
        assert_eq!(p["area"]["code"], fixture::GRIDS[0]);
        let (cur, pro) = (&p["data"]["current"], &p["data"]["proposed"]);
        // Two micro-grids of one building (2 households) each; under a cap of 40, one micro-grid.
        assert_eq!(cur["units"], 2);
        assert_eq!(cur["parts"], 2);
        assert_eq!(pro["parts"], 1);
        assert_eq!(pro["total_load"], 4.0);
        for r in [cur, pro] {
            assert_eq!(r["non_contiguous"], 0);
            for key in [
                "max_over_target",
                "min_over_target",
                "cut_edges",
                "over_cap",
                "mean_polsby_popper",
                "min_polsby_popper",
                "cut_length_m",
            ] {
                assert!(!r[key].is_null(), "{key} in {r}");
            }
        }
        assert_eq!(cur["cut_edges"], 1);
        assert_eq!(pro["cut_edges"], 0);
        assert_eq!(p["data"]["diff"]["units_moved"], 1);
        // The part keeps one of the two micro-grids; its boundary is drawn.
        let part = &p["data"]["parts"][0];
        assert_eq!(part["target"]["kind"], "keep");
        assert_eq!(part["boundary"]["type"], "Polygon");
        assert_eq!(p["current_micro_grids"].as_array().unwrap().len(), 2);
        let id = p["id"].as_i64().unwrap();
        let got: Value = c
            .get(t.url(&format!("/api/v1/partition-proposals/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(got["data"]["proposed"], *pro);
        let list: Value = c
            .get(t.url("/api/v1/partition-proposals"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["items"][0]["id"], id);
        assert!(list["items"][0]["data"].is_null(), "lists leave the data out");

        // K parts; and a community: parts never cross its grids.
        let p: Value = propose(&t, &c, &csrf, json!({"area_id": g1, "k": 2, "seed": 7}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(p["data"]["proposed"]["parts"], 2);
        assert!(p["data"]["proposed"]["over_cap"].is_null(), "no cap with K parts");
        assert_eq!(
            p["data"]["diff"]["units_moved"], 0,
            "two buildings in two parts: the current division"
        );
        assert_eq!(p["data"]["parts"][0]["target"]["kind"], "keep");
        let community = area_id(&t, "999001-001-001").await;
        let p: Value = propose(&t, &c, &csrf, json!({"area_id": community, "cap": 1000}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(p["data"]["proposed"]["units"], 4);
        assert_eq!(p["data"]["proposed"]["parts"], 2, "one part per grid however large the cap");
        let mut grids: Vec<i64> = p["data"]["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["grid_id"].as_i64().unwrap())
            .collect();
        grids.sort();
        grids.dedup();
        assert_eq!(grids.len(), 2);

        // Bad input names the field.
        for (body, field) in [
            (json!({"area_id": g1, "cap": -1}), "cap"),
            (json!({"area_id": g1, "cap": 10, "k": 2}), "k"),
            (json!({"area_id": g1, "k": 9}), "k"),
            (json!({"cap": 10}), "area_id"),
            (json!({"area_id": area_id(&t, "999001-001-001-01-01").await}), "area_id"),
        ] {
            let r = propose(&t, &c, &csrf, body.clone()).await;
            assert_eq!(r.status(), 400, "{body}");
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["error"]["fields"][0]["field"], field, "{body}: {e}");
        }
        // A cookie session without the CSRF header is refused.
        let r = c
            .post(t.url("/api/v1/partition-proposals"))
            .json(&json!({"area_id": g1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
);

both!(g1_only_street_admins_propose_see_and_decide, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let (admin, admin_csrf) = login(&t, "admin", PASSWORD).await;
    let g1 = area_id(&t, fixture::GRIDS[0]).await;
    let p: Value = propose(&t, &admin, &admin_csrf, json!({"area_id": g1}))
        .await
        .json()
        .await
        .unwrap();
    let id = p["id"].as_i64().unwrap();
    let before = snapshot(&t).await;
    // The grid's own worker may edit its territory but not redraw it; nor may the secretary.
    for user in ["worker_a", "secretary", "specialist"] {
        let (c, csrf) = login(&t, user, PASSWORD).await;
        let r = propose(&t, &c, &csrf, json!({"area_id": g1})).await;
        assert_eq!(r.status(), 403, "{user} proposes");
        let r = c
            .get(t.url(&format!("/api/v1/partition-proposals/{id}")))
            .send()
            .await
            .unwrap();
        assert!(r.status() == 403 || r.status() == 404, "{user} reads: {}", r.status());
        for what in ["accept", "discard"] {
            let r = decide(&t, &c, &csrf, id, what).await;
            assert!(r.status() == 403 || r.status() == 404, "{user} {what}: {}", r.status());
        }
        let r = c.get(t.url("/api/v1/partition-proposals")).send().await.unwrap();
        assert_eq!(r.status(), 403, "{user} lists");
        for path in ["/partition".to_string(), format!("/partition/{id}")] {
            let r = c.get(t.url(&path)).send().await.unwrap();
            assert!(r.status() == 403 || r.status() == 404, "{user} {path}: {}", r.status());
        }
    }
    let r = t
        .client()
        .get(t.url(&format!("/api/v1/partition-proposals/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(snapshot(&t).await, before, "refused requests change nothing");
    let got: Value = admin
        .get(t.url(&format!("/api/v1/partition-proposals/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "open");
});

both!(g2_accept_moves_buildings_and_coverage_stays_whole, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let (c, csrf) = login(&t, "admin", PASSWORD).await;
    let findings_before = building_findings(&t).await;
    let g1 = area_id(&t, fixture::GRIDS[0]).await;
    let p: Value = propose(&t, &c, &csrf, json!({"area_id": g1, "cap": 40}))
        .await
        .json()
        .await
        .unwrap();
    let id = p["id"].as_i64().unwrap();
    let r = decide(&t, &c, &csrf, id, "accept").await;
    assert_eq!(r.status(), 200);
    let out: Value = r.json().await.unwrap();
    assert_eq!(out["kept"].as_array().unwrap().len(), 1);
    assert_eq!(out["created"].as_array().unwrap().len(), 0);
    assert_eq!(out["retired"].as_array().unwrap().len(), 1);
    assert_eq!(out["moved"]["buildings"], 1);
    assert_eq!(out["moved"]["households"], 2);
    assert_eq!(out["moved"]["residents"], 2);
    assert_eq!(out["moved"]["posts"], 1, "the moved building's leader post follows it");
    assert_eq!(
        out["posts_ended"].as_array().unwrap().len(),
        1,
        "the retired micro-grid's leader post ends"
    );
    let kept = out["kept"][0]["id"].as_i64().unwrap();
    let retired = out["retired"][0]["micro_grid"]["id"].as_i64().unwrap();
    assert_eq!(out["retired"][0]["successor"]["id"], kept);

    // Both buildings of the grid are now in the kept micro-grid; nothing is left in the retired one.
    let mut tx = t.app.db.read().await.unwrap();
    assert_eq!(territory::buildings_in(&mut tx, kept).await.unwrap().len(), 2);
    assert!(territory::buildings_in(&mut tx, retired).await.unwrap().is_empty());
    let old = territory::area(&mut tx, retired).await.unwrap();
    assert_eq!(old.retired_on.as_deref(), Some(onegrid_app::today().as_str()));
    let street = old.street_id;
    assert!(
        territory::areas(&mut tx, street, "micro_grid", None)
            .await
            .unwrap()
            .iter()
            .all(|a| a.id != retired)
    );
    let leader_posts = onegrid_store::people::posts_on(&mut tx, onegrid_domain::territory::Level::MicroGrid, retired)
        .await
        .unwrap();
    assert!(leader_posts.iter().all(|(p, _)| !p.active_on(&onegrid_app::today())));
    drop(tx);
    assert_every_building_in_one_micro_grid(&t).await;
    assert_eq!(building_findings(&t).await, findings_before, "no new building findings");
    // The kept micro-grid's boundary covers the grid; lookups there answer it (index rebuilt).
    let public: Value = t
        .client()
        .get(t.url("/api/v1/micro-grids?per_page=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["total"], 5);
    for lat in ["31.005", "31.015"] {
        let got: Value = t
            .client()
            .get(t.url(&format!("/api/v1/locate?lat={lat}&lng=121.005")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(got["micro_grid"]["id"], kept, "{lat}: {got}");
    }
    let report = t.app.coverage_of_street(street).await.unwrap();
    assert!(
        !report.findings.iter().any(|f| matches!(f.rule(), "overlap" | "gap")),
        "{:?}",
        report.findings
    );
    // The decision is recorded and audited, and cannot be made twice.
    let got: Value = c
        .get(t.url(&format!("/api/v1/partition-proposals/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "accepted");
    assert_eq!(got["outcome"]["kept"][0]["id"], kept);
    assert_eq!(decide(&t, &c, &csrf, id, "accept").await.status(), 409);
    assert_eq!(decide(&t, &c, &csrf, id, "discard").await.status(), 409);
    let mut tx = t.app.db.read().await.unwrap();
    let events = onegrid_store::audit::recent(&mut tx, Some(street), 10).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "accept_division" && e.entity_id == Some(id))
    );
});

both!(g2_discard_leaves_everything_unchanged, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let (c, csrf) = login(&t, "admin", PASSWORD).await;
    let g1 = area_id(&t, fixture::GRIDS[0]).await;
    let before = snapshot(&t).await;
    let p: Value = propose(&t, &c, &csrf, json!({"area_id": g1, "cap": 40}))
        .await
        .json()
        .await
        .unwrap();
    let id = p["id"].as_i64().unwrap();
    assert_eq!(snapshot(&t).await, before, "proposing changes nothing");
    let r = decide(&t, &c, &csrf, id, "discard").await;
    assert_eq!(r.status(), 200);
    assert_eq!(snapshot(&t).await, before, "discarding changes nothing");
    let got: Value = c
        .get(t.url(&format!("/api/v1/partition-proposals/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "discarded");
    assert_eq!(decide(&t, &c, &csrf, id, "accept").await.status(), 409);
    assert_eq!(snapshot(&t).await, before);
});

both!(g2_stale_proposal_is_refused, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let (c, csrf) = login(&t, "admin", PASSWORD).await;
    let g1 = area_id(&t, fixture::GRIDS[0]).await;
    let g2 = area_id(&t, fixture::GRIDS[1]).await;
    let community = area_id(&t, "999001-001-001").await;
    let first: Value = propose(&t, &c, &csrf, json!({"area_id": g1, "cap": 40}))
        .await
        .json()
        .await
        .unwrap();
    let second: Value = propose(&t, &c, &csrf, json!({"area_id": g1, "k": 2}))
        .await
        .json()
        .await
        .unwrap();
    let whole: Value = propose(&t, &c, &csrf, json!({"area_id": community, "cap": 40}))
        .await
        .json()
        .await
        .unwrap();
    let other: Value = propose(&t, &c, &csrf, json!({"area_id": g2, "cap": 40}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        decide(&t, &c, &csrf, first["id"].as_i64().unwrap(), "accept").await.status(),
        200
    );
    let after = snapshot(&t).await;
    for p in [&second, &whole] {
        let id = p["id"].as_i64().unwrap();
        let got: Value = c
            .get(t.url(&format!("/api/v1/partition-proposals/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(got["stale"], true, "{}", got["area"]["code"]);
        let r = decide(&t, &c, &csrf, id, "accept").await;
        assert_eq!(r.status(), 409, "{}", got["area"]["code"]);
        let e: Value = r.json().await.unwrap();
        assert!(e["error"]["message"].as_str().unwrap().contains("changed"), "{e}");
        assert_eq!(snapshot(&t).await, after, "a refused accept writes nothing");
    }
    // A change elsewhere in the street does not make another grid's proposal stale.
    let id = other["id"].as_i64().unwrap();
    assert_eq!(decide(&t, &c, &csrf, id, "accept").await.status(), 200);
    // Nor is a proposal stale when only households it does not hold change: add one to grid 3.
    let g3 = area_id(&t, fixture::GRIDS[2]).await;
    let third: Value = propose(&t, &c, &csrf, json!({"area_id": g3, "cap": 40}))
        .await
        .json()
        .await
        .unwrap();
    let import = "code,unit_code,room\n999001-001-002-01-01-01-1-0301,999001-001-002-01-01-01-1,301\n";
    let r = c
        .post(t.url("/api/v1/import?kind=households&format=csv"))
        .header("x-csrf-token", &csrf)
        .body(import)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let id = third["id"].as_i64().unwrap();
    let r = decide(&t, &c, &csrf, id, "accept").await;
    assert_eq!(r.status(), 409, "a household was added to the grid since the proposal");
    assert_every_building_in_one_micro_grid(&t).await;
});

both!(g1_ui_proposes_shows_both_reports_and_accepts, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let (c, _) = login(&t, "admin", PASSWORD).await;
    let page = c.get(t.url("/partition")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"partition-form\""), "{page}");
    assert!(page.contains(fixture::GRIDS[1]));
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let g2 = area_id(&t, fixture::GRIDS[1]).await.to_string();
    let r = c
        .post(t.url("/partition"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("area_id", g2.as_str()),
            ("policy", "cap"),
            ("cap", "40"),
            ("seed", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let at = r.headers()["location"].to_str().unwrap().to_string();
    assert!(at.starts_with("/partition/"));
    for lang in ["zh-CN", "en"] {
        c.get(t.url(&format!("/lang?to={lang}&next=/"))).send().await.unwrap();
        let page = c.get(t.url(&at)).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        assert!(page.contains("data-testid=\"partition-reports\""), "{page}");
        assert!(page.contains("id=\"map-current\"") && page.contains("id=\"map-proposed\""));
        assert!(page.contains("id=\"partition-data\"") && page.contains("partition.js"));
        assert!(page.contains("Polsby"));
        assert!(page.contains("id=\"accept-proposal\""));
    }
    let page = c.get(t.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Compactness"), "English page");
    // A forged form is refused; the real one accepts.
    let r = c
        .post(t.url(&format!("{at}/accept")))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(t.url(&format!("{at}/accept")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = c.get(t.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"partition-outcome\""), "{page}");
    assert!(!page.contains("id=\"accept-proposal\""));
    assert_every_building_in_one_micro_grid(&t).await;
    // The list shows it as accepted.
    let page = c.get(t.url("/partition")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("status-accepted"));
});

both!(
    g2_demo_grids_split_and_merge_with_hierarchical_codes_and_retirement,
    |t: TestApp| async move {
        let demo = t.app.load_demo(onegrid_demo::DEFAULT_SEED).await.unwrap();
        let admin = demo
            .accounts
            .iter()
            .find(|a| a.role == onegrid_domain::people::Role::StreetAdmin)
            .unwrap();
        let (c, csrf) = login(&t, &admin.username, &admin.password).await;
        let findings_before = building_findings(&t).await;
        let coverage_before = t.app.coverage_of_street(demo.street_id).await.unwrap();
        let tiling = |r: &onegrid_domain::coverage::CoverageReport| -> usize {
            r.findings
                .iter()
                .filter(|f| matches!(f.rule(), "overlap" | "gap" | "area_without_boundary"))
                .count()
        };
        let grid_code = format!("{}-001-01", onegrid_demo::STREET_CODE);
        let grid = area_id(&t, &grid_code).await;
        // A cap well under the current micro-grids' loads: more micro-grids than now.
        let p: Value = propose(&t, &c, &csrf, json!({"area_id": grid, "cap": 25}))
            .await
            .json()
            .await
            .unwrap();
        let (cur, pro) = (&p["data"]["current"], &p["data"]["proposed"]);
        assert!(
            pro["parts"].as_u64() > cur["parts"].as_u64(),
            "{} → {}",
            cur["parts"],
            pro["parts"]
        );
        assert_eq!(pro["non_contiguous"], 0);
        assert_eq!(pro["over_cap"], pro["over_cap_unavoidable"]);
        let units: Vec<&Value> = p["data"]["units"].as_array().unwrap().iter().collect();
        let r = decide(&t, &c, &csrf, p["id"].as_i64().unwrap(), "accept").await;
        assert_eq!(r.status(), 200);
        let out: Value = r.json().await.unwrap();
        let created: Vec<String> = out["created"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["code"].as_str().unwrap().to_string())
            .collect();
        assert!(!created.is_empty());
        for code in &created {
            let nn = code
                .strip_prefix(&format!("{grid_code}-"))
                .unwrap_or_else(|| panic!("{code} is under the grid's code"));
            assert!(nn.len() >= 2 && nn.chars().all(|c| c.is_ascii_digit()), "{code}");
        }
        let no_leader: Vec<&str> = out["attention"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == "no_leader")
            .map(|a| a["micro_grid"]["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            no_leader,
            created.iter().map(String::as_str).collect::<Vec<_>>(),
            "new micro-grids need a leader"
        );
        // Every building of the proposal is where the proposal put it, one part ↔ one micro-grid.
        let mut tx = t.app.db.read().await.unwrap();
        let mut part_to_mg: BTreeMap<u64, i64> = BTreeMap::new();
        for u in &units {
            let b = territory::building(&mut tx, u["building_id"].as_i64().unwrap())
                .await
                .unwrap();
            let m = b.micro_grid_id.expect("placed");
            let part = u["part"].as_u64().unwrap();
            assert_eq!(*part_to_mg.entry(part).or_insert(m), m, "part {part} is one micro-grid");
        }
        let distinct: std::collections::BTreeSet<i64> = part_to_mg.values().copied().collect();
        assert_eq!(distinct.len(), part_to_mg.len(), "no two parts share a micro-grid");
        drop(tx);
        assert_every_building_in_one_micro_grid(&t).await;
        assert_eq!(building_findings(&t).await, findings_before, "no new building findings");
        let coverage_after = t.app.coverage_of_street(demo.street_id).await.unwrap();
        assert_eq!(
            tiling(&coverage_after),
            tiling(&coverage_before),
            "the new micro-grids tile the grid: {:?}",
            coverage_after.findings
        );

        // A generous cap on another grid merges micro-grids: the others are retired, not deleted.
        let grid2 = area_id(&t, &format!("{}-001-02", onegrid_demo::STREET_CODE)).await;
        let p: Value = propose(&t, &c, &csrf, json!({"area_id": grid2, "cap": 120}))
            .await
            .json()
            .await
            .unwrap();
        assert!(p["data"]["proposed"]["parts"].as_u64() < p["data"]["current"]["parts"].as_u64());
        let out: Value = decide(&t, &c, &csrf, p["id"].as_i64().unwrap(), "accept")
            .await
            .json()
            .await
            .unwrap();
        let retired = out["retired"].as_array().unwrap();
        assert!(!retired.is_empty(), "{out}");
        assert!(out["created"].as_array().unwrap().is_empty());
        let public: Value = t
            .client()
            .get(t.url("/api/v1/micro-grids?per_page=1000"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut tx = t.app.db.read().await.unwrap();
        for r in retired {
            let id = r["micro_grid"]["id"].as_i64().unwrap();
            assert!(
                territory::area(&mut tx, id).await.unwrap().retired_on.is_some(),
                "the row stays, retired"
            );
            assert!(territory::buildings_in(&mut tx, id).await.unwrap().is_empty());
            assert!(
                onegrid_store::people::enterprises_in(&mut tx, id).await.unwrap().is_empty(),
                "enterprises go to the successor"
            );
            let posts = onegrid_store::people::posts_on(&mut tx, onegrid_domain::territory::Level::MicroGrid, id)
                .await
                .unwrap();
            assert!(
                posts.iter().all(|(p, _)| !p.active_on(&onegrid_app::today())),
                "no active post on a retired micro-grid"
            );
            assert!(
                public["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|m| m["id"].as_i64() != Some(id)),
                "left out of the public list"
            );
        }
        drop(tx);
        assert_every_building_in_one_micro_grid(&t).await;
        assert_eq!(building_findings(&t).await, findings_before);
        let coverage = t.app.coverage_of_street(demo.street_id).await.unwrap();
        assert_eq!(tiling(&coverage), tiling(&coverage_before), "{:?}", coverage.findings);
    }
);

both!(g2_accept_hands_open_work_to_the_successor, |t: TestApp| async move {
    use super::participation::{Api, add_residents};
    fixture::load_small_street(&t).await;
    // Residents 0 and 2 live in the grid's two micro-grids; each has an award waiting for review.
    let r = add_residents(&t, 4).await;
    let worker = Api::as_user(&t, "worker_a").await;
    let mut awards = Vec::new();
    for who in [&r[0], &r[2]] {
        let (s, a) = worker
            .post(
                "/points/awards",
                json!({"person_id": who.person_id, "category": "public_welfare", "minutes": 60}),
            )
            .await;
        assert_eq!(s, 201, "{a}");
        awards.push(a["id"].as_i64().unwrap());
    }
    // One open case in each micro-grid.
    let mut cases = Vec::new();
    for lat in ["31.005", "31.015"] {
        let (s, c) = worker
            .post(
                "/cases",
                json!({"category": "E0102", "description": "楼道堆物", "lat": lat.parse::<f64>().unwrap(), "lng": 121.005, "reporter_phone": "13800001111"}),
            )
            .await;
        assert_eq!(s, 201, "{c}");
        cases.push(c["id"].as_i64().unwrap());
    }
    let micro_of_case = |id: i64| {
        let t = &t;
        async move {
            let mut tx = t.app.db.read().await.unwrap();
            onegrid_store::case::get(&mut tx, id).await.unwrap().micro_grid_id.unwrap()
        }
    };
    let before: Vec<i64> = vec![micro_of_case(cases[0]).await, micro_of_case(cases[1]).await];
    assert_ne!(before[0], before[1]);

    let (c, csrf) = login(&t, "admin", PASSWORD).await;
    let g1 = area_id(&t, fixture::GRIDS[0]).await;
    let p: Value = propose(&t, &c, &csrf, json!({"area_id": g1, "cap": 40}))
        .await
        .json()
        .await
        .unwrap();
    let r = decide(&t, &c, &csrf, p["id"].as_i64().unwrap(), "accept").await;
    assert_eq!(r.status(), 200);
    let out: Value = r.json().await.unwrap();
    let kept = out["kept"][0]["id"].as_i64().unwrap();
    let retired = out["retired"][0]["micro_grid"]["id"].as_i64().unwrap();
    assert_eq!(out["handed_over"]["open_cases"], 1, "{out}");
    assert_eq!(out["handed_over"]["pending_awards"], 1, "{out}");
    for id in &cases {
        assert_eq!(micro_of_case(*id).await, kept, "open cases follow the successor");
    }
    for id in &awards {
        let (s, a) = worker.get(&format!("/points/awards/{id}")).await;
        assert_eq!(s, 200, "{a}");
        assert_eq!(a["micro_grid_id"], kept, "pending awards follow their person's household");
        assert_ne!(a["micro_grid_id"], retired);
    }
});
