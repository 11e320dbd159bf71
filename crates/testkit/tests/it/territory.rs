use super::*;

both!(i5_health_metrics_and_openapi_are_served, |t: TestApp| async move {
    let c = t.client();
    assert_eq!(c.get(t.url("/healthz")).send().await.unwrap().status(), 200);
    let doc: Value = c
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/locate"].is_object());
    let m = c.get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(m.status(), 200);
    let text = m.text().await.unwrap();
    assert!(
        text.contains("onegrid_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"),
        "{text}"
    );
});

both!(
    t1_micro_grids_are_listed_with_households_and_geometry,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let c = t.client();
        let body: Value = c
            .get(t.url("/api/v1/micro-grids?page=1&per_page=500&geometry=true"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["total"], 6);
        assert_eq!(body["page"], 1);
        assert_eq!(body["per_page"], 500);
        let first = &body["items"][0];
        assert_eq!(first["households"], 2);
        assert!(first["grid_id"].is_i64());
        assert_eq!(first["geometry"]["type"], "Polygon");
        let body: Value = c
            .get(t.url("/api/v1/micro-grids?page=2&per_page=4"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["items"].as_array().unwrap().len(), 2);
        assert!(body["items"][0].get("geometry").is_none());
        // No personal data in the public list.
        assert!(!body.to_string().contains(&fixture::resident_name(0, 0)));
        let r = c.get(t.url("/api/v1/micro-grids?per_page=0")).send().await.unwrap();
        assert_eq!(r.status(), 400);
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["fields"][0]["field"], "per_page");
    }
);

both!(
    i1_territory_browser_drills_down_from_street_to_household,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let c = t.signed_in("admin", PASSWORD).await;
        let streets: Value = c.get(t.url("/api/v1/streets")).send().await.unwrap().json().await.unwrap();
        let sid = streets["items"][0]["id"].as_i64().unwrap();
        let street: Value = c
            .get(t.url(&format!("/api/v1/streets/{sid}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(street["communities"].as_array().unwrap().len(), 2);
        assert_eq!(street["households"], 12);
        let cid = street["communities"][0]["area"]["id"].as_i64().unwrap();
        let community: Value = c
            .get(t.url(&format!("/api/v1/areas/{cid}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(community["children"].as_array().unwrap().len(), 2);
        let gid = community["children"][0]["area"]["id"].as_i64().unwrap();
        let grid: Value = c
            .get(t.url(&format!("/api/v1/areas/{gid}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            grid["holders"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|h| h["post"]["role"] == "part_time_worker")
                .count(),
            2
        );
        let mid = grid["children"][0]["area"]["id"].as_i64().unwrap();
        let mg: Value = c
            .get(t.url(&format!("/api/v1/areas/{mid}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(mg["crumbs"].as_array().unwrap().len(), 4);
        let bid = mg["buildings"][0]["building"]["id"].as_i64().unwrap();
        let b: Value = c
            .get(t.url(&format!("/api/v1/buildings/{bid}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let hid = b["households"][0]["id"].as_i64().unwrap();
        let h: Value = c
            .get(t.url(&format!("/api/v1/households/{hid}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(h["residents"].as_array().unwrap().len(), 1);
        // Same path in the UI.
        for path in [
            format!("/territory/streets/{sid}"),
            format!("/territory/areas/{cid}"),
            format!("/territory/micro-grids/{mid}"),
            format!("/territory/buildings/{bid}"),
            format!("/territory/households/{hid}"),
        ] {
            let r = c.get(t.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            let page = r.text().await.unwrap();
            assert!(page.contains("data-testid=\"unit-page\""), "{path}");
        }
        // Phone numbers are masked on pages (R5).
        let page = c
            .get(t.url(&format!("/territory/households/{hid}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("138****1234") && !page.contains("13800001234"));
        let r = c.get(t.url("/api/v1/areas/999999")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let r = c.get(t.url("/territory/areas/999999")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let r = c.get(t.url("/api/v1/search?q=")).send().await.unwrap();
        assert_eq!(r.status(), 400);
    }
);

both!(t3_coverage_reports_policy_findings, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let c = t.signed_in("admin", PASSWORD).await;
    let streets: Value = c.get(t.url("/api/v1/streets")).send().await.unwrap().json().await.unwrap();
    let sid = streets["items"][0]["id"].as_i64().unwrap();
    let r: Value = c
        .get(t.url(&format!("/api/v1/streets/{sid}/coverage")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Grid 3 is fully staffed, tiles are exact, every micro-grid has a leader.
    assert_eq!(r["findings"].as_array().unwrap().len(), 0, "{r}");
    // A stricter policy (setting) turns the same data into findings.
    t.app
        .set_coverage_policy(
            sid,
            &onegrid_domain::coverage::CoveragePolicy {
                min_part_time_per_grid: 3,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let r: Value = c
        .get(t.url(&format!("/api/v1/streets/{sid}/coverage")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "grid_understaffed")
            .count(),
        3
    );
    let page = c.get(t.url("/coverage")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-rule=\"grid_understaffed\""), "{page}");
    // Grid workers do not see the coverage report.
    let w = t.signed_in("worker_a", PASSWORD).await;
    assert_eq!(
        w.get(t.url(&format!("/api/v1/streets/{sid}/coverage")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
});

both!(t4_organisation_lists_party_teams_and_duties, |t: TestApp| async move {
    let demo = onegrid_demo::generate(onegrid_demo::DEFAULT_SEED);
    let mut tx = t.app.db.write().await.unwrap();
    onegrid_store::load::load(&mut tx, &demo.data).await.unwrap();
    tx.commit().await.unwrap();
    let admin = demo
        .accounts
        .iter()
        .find(|a| a.role == onegrid_domain::people::Role::StreetAdmin)
        .unwrap();
    t.app
        .add_user("orgadmin", PASSWORD, Some(&admin.person_code), false)
        .await
        .unwrap();
    let c = t.signed_in("orgadmin", PASSWORD).await;
    let streets: Value = c.get(t.url("/api/v1/streets")).send().await.unwrap().json().await.unwrap();
    let sid = streets["items"][0]["id"].as_i64().unwrap();
    let org: Value = c
        .get(t.url(&format!("/api/v1/streets/{sid}/organisation")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kinds: std::collections::HashSet<&str> = org["party_orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert!(org["teams"].as_array().unwrap().iter().any(|t| t["kind"] == "grid_team"));
    assert!(!org["duties"].as_array().unwrap().is_empty());
    assert_eq!(org["work_items"].as_array().unwrap().len(), 55);
    assert_eq!(c.get(t.url("/organisation")).send().await.unwrap().status(), 200);
});
