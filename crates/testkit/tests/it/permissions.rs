//! R4: posts give permissions on their unit and below; nothing outside leaks through the API or UI.

use super::*;

async fn household_of(t: &TestApp, grid: usize) -> i64 {
    let c = t.signed_in("admin", PASSWORD).await;
    let q = fixture::resident_name(grid, 0);
    let body: Value = c
        .get(t.url(&format!("/api/v1/search?q={q}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["residents"]["items"][0]["resident"]["household_id"]
        .as_i64()
        .expect("admin finds the resident")
}

both!(r4_grid_worker_is_refused_other_grids_residents, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let own = household_of(&t, 0).await;
    let other = household_of(&t, 1).await;
    let secret = fixture::resident_name(1, 0);
    let a = t.signed_in("worker_a", PASSWORD).await;

    let r = a.get(t.url(&format!("/api/v1/households/{own}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains(&fixture::resident_name(0, 0)));

    for path in [
        format!("/api/v1/households/{other}"),
        format!("/territory/households/{other}"),
    ] {
        let r = a.get(t.url(&path)).send().await.unwrap();
        assert!(r.status() == 403 || r.status() == 404, "{path}: {}", r.status());
        let body = r.text().await.unwrap();
        assert!(!body.contains(&secret), "{path} leaks the resident");
    }
    // Search does not find them either, and the building page hides its households.
    let body = a
        .get(t.url(&format!("/api/v1/search?q={secret}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains(&secret));
    let hh: Value = t
        .signed_in("admin", PASSWORD)
        .await
        .get(t.url(&format!("/api/v1/households/{other}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let building = hh["household"]["building_id"].as_i64().unwrap();
    let b: Value = a
        .get(t.url(&format!("/api/v1/buildings/{building}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(b["households"].is_null());
    // Resident ids are refused the same way.
    let list: Value = t
        .signed_in("admin", PASSWORD)
        .await
        .get(t.url(&format!("/api/v1/households/{other}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rid = list["residents"][0]["id"].as_i64().unwrap();
    let r = a.get(t.url(&format!("/api/v1/residents/{rid}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(!r.text().await.unwrap().contains(&secret));
});

both!(
    r4_community_secretary_sees_every_grid_of_the_community,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let g1 = household_of(&t, 0).await;
        let g2 = household_of(&t, 1).await;
        let g3 = household_of(&t, 2).await;
        let s = t.signed_in("secretary", PASSWORD).await;
        for id in [g1, g2] {
            let r = s.get(t.url(&format!("/api/v1/households/{id}"))).send().await.unwrap();
            assert_eq!(r.status(), 200);
            let r = s.get(t.url(&format!("/territory/households/{id}"))).send().await.unwrap();
            assert_eq!(r.status(), 200);
        }
        // Grid 3 is in the other community.
        let r = s.get(t.url(&format!("/api/v1/households/{g3}"))).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let found: Value = s
            .get(t.url("/api/v1/search?q=甲"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(found["residents"]["total"], 4);
        let found: Value = s
            .get(t.url("/api/v1/search?q=丙"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(found["residents"]["total"], 0);
    }
);

both!(
    r4_specialist_sees_people_but_not_residents_and_ended_posts_give_nothing,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let g1 = household_of(&t, 0).await;
        let s = t.signed_in("specialist", PASSWORD).await;
        assert_eq!(
            s.get(t.url(&format!("/api/v1/households/{g1}")))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let people: Value = s
            .get(t.url("/api/v1/people?q=网格员"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(people["total"].as_i64().unwrap() >= 3);
        let old = t.signed_in("old_worker", PASSWORD).await;
        assert_eq!(
            old.get(t.url(&format!("/api/v1/households/{g1}")))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let r = old.get(t.url("/api/v1/people")).send().await.unwrap();
        assert_eq!(r.status(), 403);
    }
);

both!(t5_person_page_shows_current_and_past_posts, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let admin = t.signed_in("admin", PASSWORD).await;
    let found: Value = admin
        .get(t.url("/api/v1/people?q=P-OLD"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = found["items"][0]["id"].as_i64().unwrap();
    let p: Value = admin
        .get(t.url(&format!("/api/v1/people/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p["current_posts"].as_array().unwrap().len(), 0);
    assert_eq!(p["past_posts"][0]["role"], "grid_worker");
    assert_eq!(p["past_posts"][0]["ends_on"], "2023-12-31");
    let page = admin
        .get(t.url(&format!("/people/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("岗位历史") && page.contains("2023-12-31"));
    // worker_b (grid 2) cannot open a person who only ever held a post in grid 1.
    let b = t.signed_in("worker_b", PASSWORD).await;
    assert_eq!(
        b.get(t.url(&format!("/api/v1/people/{id}"))).send().await.unwrap().status(),
        404
    );
});
