//! P5 over HTTP: the whole task-order loop (post, claim, withdraw, check in and out, confirm,
//! evaluate, points credited), the capacity under contention, and scope.

use super::participation::*;
use super::*;

const HOUR: i64 = 3_600_000;

async fn grid_id(t: &TestApp, g: usize) -> i64 {
    community_id(t, fixture::GRIDS[g]).await
}

async fn post_task(api: &Api, community: i64, grid: Option<i64>, capacity: i64, points: i64) -> (u16, Value) {
    let now = onegrid_store::now_ms();
    api.post(
        "/volunteer-tasks",
        json!({
            "community_id": community, "grid_id": grid, "title": "清理楼道杂物", "content": "1号楼楼道", "place": "1号楼",
            "starts_at": now - HOUR, "ends_at": now + 2 * HOUR, "capacity": capacity, "points": points,
            "category": "public_welfare", "skills": ["搬运"]
        }),
    )
    .await
}

both!(p5_volunteer_task_loop_over_http, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 3).await;
    let (worker_a, worker_b) = (Api::as_user(&t, "worker_a").await, Api::as_user(&t, "worker_b").await);
    let east = community_id(&t, EAST).await;
    let g1 = grid_id(&t, 0).await;

    // Staff post in their own grid only; residents do not post; all field errors at once.
    assert_eq!(post_task(&worker_b, east, Some(g1), 2, 2).await.0, 404);
    assert_eq!(post_task(&r[0].api, east, Some(g1), 2, 2).await.0, 403);
    let (s, e) = worker_a.post("/volunteer-tasks", json!({"community_id": east, "grid_id": g1, "title": "", "place": "", "starts_at": 10, "ends_at": 5, "capacity": 0, "points": 1, "category": "public_welfare"})).await;
    assert_eq!(s, 400, "{e}");
    assert!(e["error"]["fields"].as_array().unwrap().len() >= 4);
    // Points above the category rule's cap are refused.
    assert_eq!(post_task(&worker_a, east, Some(g1), 2, 3).await.0, 400);
    let (s, task) = post_task(&worker_a, east, Some(g1), 2, 2).await;
    assert_eq!(s, 201, "{task}");
    let tid = task["id"].as_i64().unwrap();

    // Residents of the community see it among the open tasks.
    let (s, list) = r[0].api.get("/volunteer-tasks").await;
    assert_eq!(s, 200);
    assert!(list["items"].as_array().unwrap().iter().any(|x| x["id"] == tid));

    let (s, c0) = r[0].api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
    assert_eq!((s, c0["status"].as_str()), (201, Some("claimed")), "{c0}");
    let (s, e) = r[0].api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
    assert_eq!((s, code(&e)), (409, "already_claimed"));
    let (s, c1) = r[1].api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
    assert_eq!(s, 201);
    let (s, e) = r[2].api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
    assert_eq!((s, code(&e)), (409, "task_full"));
    // A withdrawal frees the place.
    let (s, w) = r[1]
        .api
        .post(&format!("/volunteer-claims/{}/withdraw", c1["id"]), json!({}))
        .await;
    assert_eq!((s, w["status"].as_str()), (200, Some("withdrawn")));
    let (s, _) = r[2].api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
    assert_eq!(s, 201);
    let (_, view) = worker_a.get(&format!("/volunteer-tasks/{tid}")).await;
    assert_eq!(view["task"]["claimed"], 2);
    assert_eq!(view["claims"].as_array().unwrap().len(), 3);
    // Residents see their own claim, not the list.
    let (_, view) = r[0].api.get(&format!("/volunteer-tasks/{tid}")).await;
    assert!(view["claims"].is_null() && view["my_claim"]["id"] == c0["id"]);

    let cid = c0["id"].as_i64().unwrap();
    // Confirmation before check-in is refused; the resident cannot confirm themselves.
    let (s, e) = worker_a.post(&format!("/volunteer-claims/{cid}/confirm"), json!({})).await;
    assert_eq!((s, code(&e)), (409, "wrong_state"));
    let (s, c) = r[0].api.post(&format!("/volunteer-claims/{cid}/check-in"), json!({})).await;
    assert_eq!((s, c["checked_in_at"].is_i64()), (200, true), "{c}");
    let (s, c) = r[0].api.post(&format!("/volunteer-claims/{cid}/check-out"), json!({})).await;
    assert_eq!((s, c["status"].as_str()), (200, Some("checked_out")));
    assert_eq!(
        r[0].api.post(&format!("/volunteer-claims/{cid}/confirm"), json!({})).await.0,
        403
    );
    assert_eq!(
        worker_b.post(&format!("/volunteer-claims/{cid}/confirm"), json!({})).await.0,
        404
    );
    let (s, c) = worker_a
        .post(&format!("/volunteer-claims/{cid}/confirm"), json!({"minutes": 120}))
        .await;
    assert_eq!(
        (s, c["status"].as_str(), c["minutes"].as_i64()),
        (200, Some("confirmed"), Some(120)),
        "{c}"
    );
    assert_eq!(balance(&r[0].api, "grid_points").await, 0);

    let (s, e) = worker_a
        .post(&format!("/volunteer-claims/{cid}/evaluate"), json!({"rating": 9}))
        .await;
    assert_eq!((s, e["error"]["fields"][0]["field"].as_str()), (400, Some("rating")));
    let (s, c) = worker_a
        .post(&format!("/volunteer-claims/{cid}/evaluate"), json!({"rating": 5}))
        .await;
    assert_eq!((s, c["status"].as_str()), (200, Some("evaluated")), "{c}");
    assert!(c["award_id"].is_i64());
    // The evaluation credited the task's points and the service time through the ledger.
    assert_eq!(balance(&r[0].api, "grid_points").await, 2);
    assert_eq!(balance(&r[0].api, "service_minutes").await, 120);
    let (s, e) = worker_a
        .post(&format!("/volunteer-claims/{cid}/evaluate"), json!({"rating": 5}))
        .await;
    assert_eq!((s, code(&e)), (409, "wrong_state"));
    let (_, a) = r[0].api.get(&format!("/points/awards/{}", c["award_id"])).await;
    assert_eq!(
        (a["status"].as_str(), a["source_kind"].as_str()),
        (Some("credited"), Some("volunteer_claim"))
    );

    // The volunteer's record.
    let (s, mine) = r[0].api.get("/volunteer-claims").await;
    assert_eq!((s, mine["items"][0]["status"].as_str()), (200, Some("evaluated")));
    // Closing stops further claims.
    let (s, _) = worker_a.post(&format!("/volunteer-tasks/{tid}/close"), json!({})).await;
    assert_eq!(s, 200);
    let (s, e) = r[1].api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
    assert_eq!((s, code(&e)), (409, "task_closed"));
    assert_ledger_ok(&Api::as_user(&t, "admin").await).await;
});

// Issue 4's acceptance: a task with capacity 10 and 100 concurrent claims gets exactly 10.
both!(
    p5_hundred_concurrent_claims_fill_capacity_ten_exactly,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 100).await;
        let secretary = Api::as_user(&t, "secretary").await;
        let east = community_id(&t, EAST).await;
        let (s, task) = post_task(&secretary, east, None, 10, 2).await;
        assert_eq!(s, 201, "{task}");
        let tid = task["id"].as_i64().unwrap();
        let mut set = tokio::task::JoinSet::new();
        for p in &r {
            let api = p.api.clone();
            set.spawn(async move { api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await });
        }
        let (mut ok, mut full) = (0, 0);
        while let Some(res) = set.join_next().await {
            let (s, v) = res.unwrap();
            match (s, code(&v)) {
                (201, _) => ok += 1,
                (409, "task_full") => full += 1,
                other => panic!("unexpected {other:?}: {v}"),
            }
        }
        assert_eq!((ok, full), (10, 90));
        let (_, view) = secretary.get(&format!("/volunteer-tasks/{tid}")).await;
        assert_eq!(view["task"]["claimed"], 10);
        assert_eq!(view["claims"].as_array().unwrap().len(), 10);
    }
);
