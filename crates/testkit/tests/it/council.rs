//! P6 over HTTP: the grid council (topics, discussion, members, votes with quorum and majority,
//! open and secret ballots, minutes, implementation items and status reports) and micro-update
//! projects (stages, problems, milestones, acceptance with photos), with scope and validation.

use super::case_pages::PNG;
use super::pages::{browser, page, post_multipart};
use super::participation::*;
use super::*;

async fn grid_id(t: &TestApp, g: usize) -> i64 {
    community_id(t, fixture::GRIDS[g]).await
}

fn fields(e: &Value) -> Vec<String> {
    e["error"]["fields"]
        .as_array()
        .map(|f| f.iter().map(|x| x["field"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

/// Raises a topic; the answer is its id.
async fn raise(api: &Api, grid: i64, title: &str) -> i64 {
    let (s, v) = api
        .post(
            "/council/topics",
            json!({"grid_id": grid, "title": title, "content": "请大家讨论"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    v["topic"]["id"].as_i64().unwrap()
}

async fn appoint(staff: &Api, grid: i64, person_id: i64) -> Value {
    let (s, m) = staff
        .post("/council/members", json!({"grid_id": grid, "person_id": person_id}))
        .await;
    assert_eq!(s, 201, "{m}");
    m
}

async fn vote(api: &Api, topic: i64, choice: &str) -> (u16, Value) {
    api.post(&format!("/council/topics/{topic}/votes"), json!({ "choice": choice }))
        .await
}

/// The small street with `n` residents, the secretary (runs the councils of community 001) and
/// grid 1's id; residents 0–3 live in grid 1.
async fn setup(t: &TestApp, n: usize) -> (Vec<Resident>, Api, i64) {
    fixture::load_small_street(t).await;
    let r = add_residents(t, n).await;
    let secretary = Api::as_user(t, "secretary").await;
    let g1 = grid_id(t, 0).await;
    (r, secretary, g1)
}

both!(p6_vote_quorum_met_adopts, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 4).await;
    for p in &r[..3] {
        appoint(&secretary, g1, p.person_id).await;
    }
    // A resident raises the topic; residents do not run the vote.
    let topic = raise(&r[3].api, g1, "加装电梯").await;
    assert_eq!(
        r[3].api
            .post(&format!("/council/topics/{topic}/open-vote"), json!({}))
            .await
            .0,
        403
    );
    let (s, v) = secretary
        .post(
            &format!("/council/topics/{topic}/open-vote"),
            json!({"quorum_percent": 60, "majority": "simple", "ballot": "open"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["topic"]["status"].as_str(), v["topic"]["electorate"].as_i64()),
        (Some("voting"), Some(3))
    );
    assert_eq!(vote(&r[0].api, topic, "yes").await.0, 201);
    assert_eq!(vote(&r[1].api, topic, "yes").await.0, 201);
    // Staff without the council in their posts do not close it.
    let worker_a = Api::as_user(&t, "worker_a").await;
    assert_eq!(
        worker_a
            .post(&format!("/council/topics/{topic}/close-vote"), json!({}))
            .await
            .0,
        403
    );
    // 2 of 3 members voted: 66 % ≥ 60 %; 2 yes of 2 decisive votes.
    let (s, v) = secretary
        .post(&format!("/council/topics/{topic}/close-vote"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["topic"]["status"], "decided_adopted", "{v}");
    assert_eq!(v["topic"]["decided_by"], "vote");
    assert_eq!(v["tally"], json!({"electorate": 3, "yes": 2, "no": 0, "abstain": 0}));
    // Closed: no more votes.
    let (s, e) = vote(&r[2].api, topic, "no").await;
    assert_eq!((s, code(&e)), (409, "wrong_state"));
});

both!(p6_vote_quorum_not_met, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 4).await;
    for p in &r {
        appoint(&secretary, g1, p.person_id).await;
    }
    // The street's setting: three quarters must vote.
    let admin = Api::as_user(&t, "admin").await;
    let (s, p) = admin
        .put(
            "/council/policy",
            json!({"quorum_percent": 75, "majority": "two_thirds", "ballot": "open"}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    // Only administrators set it.
    assert_eq!(secretary.put("/council/policy", json!({"quorum_percent": 10})).await.0, 403);
    let topic = raise(&secretary, g1, "楼道堆物清理").await;
    let (s, v) = secretary.post(&format!("/council/topics/{topic}/open-vote"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["topic"]["quorum_percent"].as_i64(), v["topic"]["majority"].as_str()),
        (Some(75), Some("two_thirds"))
    );
    assert_eq!(vote(&r[0].api, topic, "yes").await.0, 201);
    assert_eq!(vote(&r[1].api, topic, "yes").await.0, 201);
    // Unanimous, but 2 of 4 is 50 % < 75 %.
    let (s, v) = secretary
        .post(&format!("/council/topics/{topic}/close-vote"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["topic"]["status"], "no_quorum", "{v}");
    assert_eq!(v["tally"]["yes"], 2);
    // A vote without quorum is not repeated; the council can still decide at a meeting.
    let (s, e) = secretary.post(&format!("/council/topics/{topic}/open-vote"), json!({})).await;
    assert_eq!((s, code(&e)), (409, "wrong_state"));
    let (s, v) = secretary
        .post(
            &format!("/council/topics/{topic}/minutes"),
            json!({"decision": "rejected", "minutes": "会议决定暂缓", "held_on": "2024-05-01"}),
        )
        .await;
    assert_eq!((s, v["topic"]["status"].as_str()), (200, Some("decided_rejected")), "{v}");
});

both!(p6_open_and_secret_ballots_show_what_they_should, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 4).await;
    for p in &r[..3] {
        appoint(&secretary, g1, p.person_id).await;
    }
    let open = raise(&secretary, g1, "公开表决议题").await;
    let secret = raise(&secretary, g1, "无记名表决议题").await;
    for (topic, ballot) in [(open, "open"), (secret, "secret")] {
        let (s, v) = secretary
            .post(
                &format!("/council/topics/{topic}/open-vote"),
                json!({"ballot": ballot, "quorum_percent": 30}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let (s, receipt) = vote(&r[0].api, open, "yes").await;
    assert_eq!((s, receipt["choice"].as_str()), (201, Some("yes")));
    let (s, receipt) = vote(&r[0].api, secret, "no").await;
    assert_eq!(
        (s, receipt["ballot"].as_str(), receipt["choice"].is_null()),
        (201, Some("secret"), true),
        "{receipt}"
    );

    // Open ballot: everyone sees who voted what and the running count.
    for reader in [&r[1].api, &r[3].api, &secretary] {
        let (_, v) = reader.get(&format!("/council/topics/{open}")).await;
        assert_eq!(v["votes"][0]["person_name"], r[0].name.as_str());
        assert_eq!(v["votes"][0]["choice"], "yes");
        assert_eq!(v["tally"]["yes"], 1, "{v}");
    }
    // Secret ballot: who voted is shown, what is not, and no count before the close — not even
    // to the staff or the voter.
    for reader in [&r[0].api, &r[1].api, &r[3].api, &secretary] {
        let (_, v) = reader.get(&format!("/council/topics/{secret}")).await;
        assert_eq!(v["votes"].as_array().unwrap().len(), 1);
        assert_eq!(v["votes"][0]["person_name"], r[0].name.as_str());
        assert!(v["votes"][0]["choice"].is_null(), "{v}");
        assert!(v["tally"].is_null(), "{v}");
        assert!(!v.to_string().contains("votes_no"));
    }
    // Nothing beside the voter's name keeps the choice.
    let stored: Vec<Option<String>> = {
        let mut tx = t.app.db.read().await.unwrap();
        match &mut tx {
            onegrid_store::Tx::Sqlite(c) => sqlx::query_scalar("SELECT choice FROM council_votes WHERE topic_id = $1")
                .bind(secret)
                .fetch_all(&mut **c)
                .await
                .unwrap(),
            onegrid_store::Tx::Postgres(c) => sqlx::query_scalar("SELECT choice FROM council_votes WHERE topic_id = $1")
                .bind(secret)
                .fetch_all(&mut **c)
                .await
                .unwrap(),
        }
    };
    assert_eq!(stored, vec![None]);
    assert_eq!(vote(&r[1].api, secret, "no").await.0, 201);
    let (_, v) = secretary
        .post(&format!("/council/topics/{secret}/close-vote"), json!({}))
        .await;
    // After the close the count is public; the choices stay secret. Two no of three: rejected.
    assert_eq!(v["topic"]["status"], "decided_rejected", "{v}");
    assert_eq!(v["tally"], json!({"electorate": 3, "yes": 0, "no": 2, "abstain": 0}));
    let (_, v) = r[3].api.get(&format!("/council/topics/{secret}")).await;
    assert!(v["votes"].as_array().unwrap().iter().all(|x| x["choice"].is_null()));
    assert_eq!(v["tally"]["no"], 2);
});

both!(p6_double_vote_refused, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 3).await;
    for p in &r {
        appoint(&secretary, g1, p.person_id).await;
    }
    let topic = raise(&secretary, g1, "重复投票").await;
    secretary
        .post(&format!("/council/topics/{topic}/open-vote"), json!({"ballot": "secret"}))
        .await;
    assert_eq!(vote(&r[0].api, topic, "yes").await.0, 201);
    let (s, e) = vote(&r[0].api, topic, "no").await;
    assert_eq!((s, code(&e)), (409, "already_voted"), "{e}");
    // Twenty votes of one member at once: exactly one counts (the unique index decides).
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let api = r[1].api.clone();
        set.spawn(async move { vote(&api, topic, "yes").await });
    }
    let (mut ok, mut refused) = (0, 0);
    while let Some(res) = set.join_next().await {
        let (s, v) = res.unwrap();
        match (s, code(&v)) {
            (201, _) => ok += 1,
            (409, "already_voted") => refused += 1,
            other => panic!("unexpected {other:?}: {v}"),
        }
    }
    assert_eq!((ok, refused), (1, 19));
    let (_, v) = secretary
        .post(&format!("/council/topics/{topic}/close-vote"), json!({}))
        .await;
    assert_eq!(v["tally"], json!({"electorate": 3, "yes": 2, "no": 0, "abstain": 0}));
    assert_eq!(v["votes"].as_array().unwrap().len(), 2);
});

both!(p6_non_member_vote_refused, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 6).await;
    let g2 = grid_id(&t, 1).await;
    appoint(&secretary, g1, r[0].person_id).await;
    // Resident 4 sits on grid 2's council, not grid 1's.
    appoint(&secretary, g2, r[4].person_id).await;
    let topic = raise(&r[1].api, g1, "非成员投票").await;
    // Before the vote opens, even a member cannot vote.
    let (s, e) = vote(&r[0].api, topic, "yes").await;
    assert_eq!((s, code(&e)), (409, "wrong_state"));
    secretary.post(&format!("/council/topics/{topic}/open-vote"), json!({})).await;
    assert_eq!(vote(&r[1].api, topic, "yes").await.0, 403);
    assert_eq!(vote(&r[4].api, topic, "yes").await.0, 403);
    assert_eq!(vote(&Api::as_user(&t, "worker_a").await, topic, "yes").await.0, 403);
    // A seat given after the vote opened is not on this vote's electorate.
    appoint(&secretary, g1, r[2].person_id).await;
    assert_eq!(vote(&r[2].api, topic, "yes").await.0, 403);
    // A removed member no longer votes.
    let (_, members) = secretary.get(&format!("/council/members?grid_id={g1}")).await;
    let seat = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person_id"] == r[0].person_id)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, m) = secretary.post(&format!("/council/members/{seat}/remove"), json!({})).await;
    assert_eq!((s, m["removed_at"].is_i64()), (200, true), "{m}");
    assert_eq!(vote(&r[0].api, topic, "yes").await.0, 403);
    let (_, v) = secretary.get(&format!("/council/topics/{topic}")).await;
    assert_eq!(v["votes"].as_array().unwrap().len(), 0);
    // Appointing someone twice is refused; removing twice too.
    let (s, e) = secretary
        .post("/council/members", json!({"grid_id": g1, "person_id": r[2].person_id}))
        .await;
    assert_eq!((s, code(&e)), (409, "already_member"));
    let (s, _) = secretary.post(&format!("/council/members/{seat}/remove"), json!({})).await;
    assert_eq!(s, 409);
    // A vote on a grid with no council cannot open.
    let g3 = grid_id(&t, 2).await;
    let admin = Api::as_user(&t, "admin").await;
    let empty = raise(&admin, g3, "无成员").await;
    let (s, e) = admin.post(&format!("/council/topics/{empty}/open-vote"), json!({})).await;
    assert_eq!((s, code(&e)), (409, "no_members"));
    // The secretary of community 001 reads that topic of community 002 but does not run it.
    assert_eq!(secretary.get(&format!("/council/topics/{empty}")).await.0, 200);
    assert_eq!(
        secretary.post(&format!("/council/topics/{empty}/discuss"), json!({})).await.0,
        404
    );
});

both!(p6_minutes_decision, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 2).await;
    let topic = raise(&r[0].api, g1, "口袋公园选址").await;
    let (s, v) = secretary.post(&format!("/council/topics/{topic}/discuss"), json!({})).await;
    assert_eq!((s, v["topic"]["status"].as_str()), (200, Some("discussing")));
    let (s, c) = r[1]
        .api
        .post(
            &format!("/council/topics/{topic}/comments"),
            json!({"body": "建议放在东侧空地"}),
        )
        .await;
    assert_eq!((s, c["author"].as_str()), (201, Some(r[1].name.as_str())), "{c}");
    let (s, e) = secretary
        .post(&format!("/council/topics/{topic}/minutes"), json!({"decision": "maybe"}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(fields(&e), ["decision", "minutes", "held_on"]);
    // Only the staff who run the council record minutes.
    let minutes = json!({"decision": "adopted", "minutes": "应到5人，实到5人，一致同意", "held_on": "2024-05-01"});
    assert_eq!(
        r[0].api
            .post(&format!("/council/topics/{topic}/minutes"), minutes.clone())
            .await
            .0,
        403
    );
    let (s, v) = secretary
        .post(&format!("/council/topics/{topic}/minutes"), minutes.clone())
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["topic"]["status"].as_str(),
            v["topic"]["decided_by"].as_str(),
            v["topic"]["minutes_held_on"].as_str()
        ),
        (Some("decided_adopted"), Some("minutes"), Some("2024-05-01"))
    );
    assert!(v["tally"].is_null() && v["comments"].as_array().unwrap().len() == 1);
    // Decided: no vote, no second minutes, no more comments.
    for (path, body) in [
        ("open-vote", json!({})),
        ("minutes", minutes),
        ("comments", json!({"body": "晚了"})),
    ] {
        let (s, e) = secretary.post(&format!("/council/topics/{topic}/{path}"), body).await;
        assert_eq!((s, code(&e)), (409, "wrong_state"), "{path}");
    }
    // The raiser follows the topic; others can follow and unfollow.
    let (_, f) = r[0].api.get("/council/topics?following=true").await;
    assert_eq!(f["items"][0]["id"], topic);
    let (s, f) = r[1].api.post(&format!("/council/topics/{topic}/follow"), json!({})).await;
    assert_eq!((s, f["following"].as_bool()), (200, Some(true)));
    let (_, v) = r[1].api.get(&format!("/council/topics/{topic}")).await;
    assert_eq!((v["following"].as_bool(), v["followers"].as_i64()), (Some(true), Some(2)));
    let (s, f) = r[1].api.delete(&format!("/council/topics/{topic}/follow")).await;
    assert_eq!((s, f["following"].as_bool()), (200, Some(false)));
});

both!(p6_implementation_items_and_status_reports, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 3).await;
    let topic = raise(&secretary, g1, "非机动车停放整治").await;
    // Items only on an adopted topic.
    let item = json!({"title": "施划停车标线", "owner_person_id": r[1].person_id, "deadline": "2999-12-31"});
    let (s, e) = secretary.post(&format!("/council/topics/{topic}/items"), item.clone()).await;
    assert_eq!((s, code(&e)), (409, "wrong_state"));
    secretary
        .post(
            &format!("/council/topics/{topic}/minutes"),
            json!({"decision": "adopted", "minutes": "同意", "held_on": "2024-05-01"}),
        )
        .await;
    let (s, e) = secretary
        .post(
            &format!("/council/topics/{topic}/items"),
            json!({"title": "", "owner_person_id": r[1].person_id, "deadline": "2020-01-01"}),
        )
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["title".to_string(), "deadline".to_string()]));
    let (s, e) = secretary
        .post(
            &format!("/council/topics/{topic}/items"),
            json!({"title": "x", "owner_person_id": 999_999, "deadline": "2999-12-31"}),
        )
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["owner_person_id".to_string()]));
    let (s, v) = secretary.post(&format!("/council/topics/{topic}/items"), item).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["topic"]["status"], "implementing");
    let (s, v) = secretary
        .post(
            &format!("/council/topics/{topic}/items"),
            json!({"title": "建设充电车棚", "owner_person_id": r[2].person_id, "deadline": "2999-06-30"}),
        )
        .await;
    assert_eq!(s, 201);
    let items: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["item"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(items.len(), 2);
    // The owner sees their items and reports; someone else may not.
    let (_, mine) = r[1].api.get("/council/items").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let first = mine["items"][0]["id"].as_i64().unwrap();
    assert_eq!(mine["items"][0]["overdue"], false);
    let (s, _) = r[2]
        .api
        .post(
            &format!("/council/items/{first}/reports"),
            json!({"status": "done", "note": "x"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, e) = r[1]
        .api
        .post(
            &format!("/council/items/{first}/reports"),
            json!({"status": "in_progress", "note": ""}),
        )
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["note".to_string()]));
    let (s, iv) = r[1]
        .api
        .post(
            &format!("/council/items/{first}/reports"),
            json!({"status": "in_progress", "note": "材料已采购"}),
        )
        .await;
    assert_eq!((s, iv["item"]["status"].as_str()), (201, Some("in_progress")), "{iv}");
    // Not done while an item is open.
    let (s, e) = secretary.post(&format!("/council/topics/{topic}/finish"), json!({})).await;
    assert_eq!((s, code(&e)), (409, "items_open"));
    for (api, id) in [
        (&r[1].api, first),
        (&secretary, items.iter().copied().find(|i| *i != first).unwrap()),
    ] {
        let (s, iv) = api
            .post(
                &format!("/council/items/{id}/reports"),
                json!({"status": "done", "note": "已完成"}),
            )
            .await;
        assert_eq!((s, iv["item"]["status"].as_str()), (201, Some("done")), "{iv}");
    }
    // A done item takes no more reports.
    let (s, e) = r[1]
        .api
        .post(
            &format!("/council/items/{first}/reports"),
            json!({"status": "in_progress", "note": "再次"}),
        )
        .await;
    assert_eq!((s, code(&e)), (409, "wrong_state"));
    let (s, v) = secretary.post(&format!("/council/topics/{topic}/finish"), json!({})).await;
    assert_eq!((s, v["topic"]["status"].as_str()), (200, Some("done")), "{v}");
    // Supervision: every report is on the topic, for everyone of the street to read.
    let (_, v) = Api::as_user(&t, "worker_b")
        .await
        .get(&format!("/council/topics/{topic}"))
        .await;
    let reports: usize = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reports"].as_array().unwrap().len())
        .sum();
    assert_eq!(reports, 3);
});

both!(p6_micro_update_project_flow, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 9).await;
    let east = community_id(&t, EAST).await;
    let (s, e) = secretary
        .post(
            "/council/projects",
            json!({"community_id": east, "grid_id": g1, "title": "", "kind": "elevator", "stages": []}),
        )
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["title".to_string(), "stages".to_string()]));
    // Residents do not create projects; the secretary does not create them in another community.
    let new = json!({"community_id": east, "grid_id": g1, "title": "3号楼加装电梯", "kind": "elevator",
        "description": "加装一部电梯", "stages": ["方案公示", "施工", "竣工验收"]});
    assert_eq!(r[0].api.post("/council/projects", new.clone()).await.0, 403);
    let west = community_id(&t, WEST).await;
    let (s, _) = secretary
        .post(
            "/council/projects",
            json!({"community_id": west, "title": "x", "kind": "other", "stages": ["a"]}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, v) = secretary.post("/council/projects", new).await;
    assert_eq!(s, 201, "{v}");
    let pid = v["project"]["id"].as_i64().unwrap();
    assert_eq!(v["project"]["status"], "planned");
    let stages: Vec<i64> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(stages.len(), 3);

    // Stages are done in order.
    let (s, e) = secretary
        .post(&format!("/council/stages/{}/finish", stages[1]), json!({}))
        .await;
    assert_eq!((s, code(&e)), (409, "earlier_stages_open"));
    let (s, v) = secretary
        .post(&format!("/council/stages/{}/start", stages[0]), json!({}))
        .await;
    assert_eq!((s, v["project"]["status"].as_str()), (200, Some("under_way")));
    let (s, e) = secretary
        .post(&format!("/council/stages/{}/start", stages[0]), json!({}))
        .await;
    assert_eq!((s, code(&e)), (409, "wrong_state"));

    // A resident of the community reports a problem found; a resident of another does not.
    let (s, v) = r[0]
        .api
        .post(
            &format!("/council/projects/{pid}/problems"),
            json!({"description": "施工围挡占用消防通道", "stage_id": stages[1]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let problem = &v["problems"][0];
    assert!(problem["case_id"].is_null() && problem["status"] == "open");
    let problem = problem["id"].as_i64().unwrap();
    // The problem becomes a case (P6 → C1): only for those who run the project; once.
    let place = json!({"category": "S0101", "lat": 31.005, "lng": 121.005});
    assert_eq!(
        r[0].api
            .post(&format!("/council/problems/{problem}/case"), place.clone())
            .await
            .0,
        403
    );
    let (s, e) = secretary
        .post(
            &format!("/council/problems/{problem}/case"),
            json!({"category": "", "lat": 31.005, "lng": 121.005}),
        )
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["category".to_string()]));
    let (s, v) = secretary
        .post(&format!("/council/problems/{problem}/case"), place.clone())
        .await;
    assert_eq!(s, 201, "{v}");
    let case_id = v["case_id"].as_i64().unwrap();
    let (_, again) = secretary.post(&format!("/council/problems/{problem}/case"), place).await;
    assert_eq!(again["case_id"].as_i64(), Some(case_id));
    let (_, c) = secretary.get(&format!("/cases/{case_id}")).await;
    assert_eq!(
        (c["channel"].as_str(), c["status"].as_str()),
        (Some("field"), Some("received")),
        "{c}"
    );
    assert!(c["description"].as_str().unwrap().contains("施工围挡占用消防通道"));
    let (_, pv) = secretary.get(&format!("/council/projects/{pid}")).await;
    assert_eq!(pv["problems"][0]["case_id"].as_i64(), Some(case_id), "{pv}");
    assert_eq!(
        r[8].api
            .post(&format!("/council/projects/{pid}/problems"), json!({"description": "x"}))
            .await
            .0,
        403
    );
    let (s, e) = r[0]
        .api
        .post(
            &format!("/council/projects/{pid}/problems"),
            json!({"description": "x", "stage_id": 999_999}),
        )
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["stage_id".to_string()]));

    for s in &stages {
        let (st, v) = secretary.post(&format!("/council/stages/{s}/finish"), json!({})).await;
        assert_eq!(st, 200, "{v}");
    }
    let (s, e) = secretary
        .post(
            &format!("/council/projects/{pid}/milestones"),
            json!({"name": "", "due_on": "soon"}),
        )
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["name".to_string(), "due_on".to_string()]));
    let (s, v) = secretary
        .post(
            &format!("/council/projects/{pid}/milestones"),
            json!({"name": "电梯通行", "due_on": "2030-06-30"}),
        )
        .await;
    assert_eq!(s, 201);
    let milestone = v["milestones"][0]["id"].as_i64().unwrap();
    let (s, v) = secretary
        .post(
            &format!("/council/milestones/{milestone}/reach"),
            json!({"done_on": "2030-06-20"}),
        )
        .await;
    assert_eq!((s, v["milestones"][0]["done_on"].as_str()), (200, Some("2030-06-20")));

    // Acceptance: photos needed; not while a problem is open; a failed one is recorded.
    let (s, e) = secretary
        .post(
            &format!("/council/projects/{pid}/acceptance"),
            json!({"passed": true, "photos": []}),
        )
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["photos".to_string()]));
    // Photos are files of the evidence store, uploaded first by the one who records.
    let mut uploaded = Vec::new();
    for name in ["after-1.png", "after-2.png", "before.png"] {
        let (s, a) = secretary.upload(name, PNG).await;
        assert_eq!(s, 201, "{a}");
        uploaded.push(a["id"].as_i64().unwrap());
    }
    let photos = json!(uploaded[..2]);
    let (s, e) = secretary
        .post(
            &format!("/council/projects/{pid}/acceptance"),
            json!({"passed": true, "photos": photos}),
        )
        .await;
    assert_eq!((s, code(&e)), (409, "not_ready"), "{e}");
    let (s, v) = secretary
        .post(
            &format!("/council/projects/{pid}/acceptance"),
            json!({"passed": false, "note": "扶手未安装", "photos": [uploaded[2]]}),
        )
        .await;
    assert_eq!((s, v["project"]["status"].as_str()), (201, Some("under_way")));
    // A file already taken, someone else's upload or an unknown id: refused, nothing written.
    let (_, theirs) = r[0].api.upload("mine.png", PNG).await;
    for bad in [json!([uploaded[2]]), json!([theirs["id"]]), json!([999_999])] {
        let (s, e) = secretary
            .post(
                &format!("/council/projects/{pid}/acceptance"),
                json!({"passed": false, "note": "再验", "photos": bad}),
            )
            .await;
        assert_eq!((s, fields(&e)), (400, vec!["photos".to_string()]), "{bad}: {e}");
    }
    let (_, v) = secretary.get(&format!("/council/projects/{pid}")).await;
    assert_eq!(
        v["acceptances"].as_array().unwrap().len(),
        1,
        "the refused acceptances left nothing"
    );
    assert_eq!(
        r[0].api
            .post(
                &format!("/council/problems/{problem}/resolve"),
                json!({"resolution": "已处理"})
            )
            .await
            .0,
        403
    );
    let (s, v) = secretary
        .post(
            &format!("/council/problems/{problem}/resolve"),
            json!({"resolution": "围挡已后移"}),
        )
        .await;
    assert_eq!((s, v["problems"][0]["status"].as_str()), (200, Some("resolved")));
    let (s, v) = secretary
        .post(
            &format!("/council/projects/{pid}/acceptance"),
            json!({"passed": true, "note": "", "photos": photos}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["project"]["status"], "accepted");
    assert!(v["project"]["accepted_at"].is_i64());
    assert_eq!(v["acceptances"].as_array().unwrap().len(), 2);
    let shown: Vec<i64> = v["acceptances"][1]["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, uploaded[..2]);
    assert_eq!(v["acceptances"][1]["photos"][0]["name"], "after-1.png");
    // The photos are served to those who may see the project, not to strangers.
    let photo = format!("/attachments/{}", uploaded[0]);
    assert_eq!(r[1].api.get(&photo).await.0, 200);
    let anonymous = t.client().get(t.url(&format!("/api/v1{photo}"))).send().await.unwrap();
    assert_eq!(anonymous.status(), 404);
    // An accepted project's record no longer changes.
    let (s, e) = secretary
        .post(&format!("/council/projects/{pid}/stages"), json!({"name": "补充阶段"}))
        .await;
    assert_eq!((s, code(&e)), (409, "wrong_state"));
    // Residents see their community's projects.
    let (_, list) = r[1].api.get("/council/projects").await;
    assert_eq!(list["items"][0]["id"], pid);
    let (s, v) = r[1].api.get(&format!("/council/projects/{pid}")).await;
    assert_eq!(
        (s, v["can_run"].as_bool(), v["can_report"].as_bool()),
        (200, Some(false), Some(false))
    );
});

both!(p6_validation_errors_name_the_field, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 9).await;
    let east = community_id(&t, EAST).await;
    let g3 = grid_id(&t, 2).await;
    let (s, e) = r[0]
        .api
        .post(
            "/council/topics",
            json!({"grid_id": g1, "title": " ", "content": "x".repeat(4001)}),
        )
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["title".to_string(), "content".to_string()]));
    // A community is not a grid; a grid of another community is not the resident's.
    let (s, e) = r[0].api.post("/council/topics", json!({"grid_id": east, "title": "t"})).await;
    assert_eq!((s, fields(&e)), (400, vec!["grid_id".to_string()]));
    let (s, e) = r[0].api.post("/council/topics", json!({"grid_id": g3, "title": "t"})).await;
    assert_eq!((s, fields(&e)), (400, vec!["grid_id".to_string()]));
    let (s, e) = r[0].api.post("/council/topics", json!({"title": "t"})).await;
    assert_eq!((s, fields(&e)), (400, vec!["body".to_string()]));
    appoint(&secretary, g1, r[0].person_id).await;
    let topic = raise(&r[0].api, g1, "校验").await;
    let (s, e) = secretary
        .post(
            &format!("/council/topics/{topic}/open-vote"),
            json!({"ballot": "shout", "majority": "most", "quorum_percent": 0}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(fields(&e), ["ballot", "majority", "quorum_percent"]);
    secretary.post(&format!("/council/topics/{topic}/open-vote"), json!({})).await;
    let (s, e) = vote(&r[0].api, topic, "maybe").await;
    assert_eq!((s, fields(&e)), (400, vec!["choice".to_string()]));
    let (s, e) = r[1]
        .api
        .post(&format!("/council/topics/{topic}/comments"), json!({"body": ""}))
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["body".to_string()]));
    let (s, e) = secretary
        .post("/council/members", json!({"grid_id": g1, "person_id": 999_999}))
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["person_id".to_string()]));
    let (s, e) = secretary
        .post("/council/members", json!({"grid_id": east, "person_id": r[1].person_id}))
        .await;
    assert_eq!((s, fields(&e)), (400, vec!["grid_id".to_string()]));
    // Outside the secretary's community: grid 3 belongs to community 002.
    let (s, _) = secretary
        .post("/council/members", json!({"grid_id": g3, "person_id": r[8].person_id}))
        .await;
    assert_eq!(s, 404);
    // Nothing was half-written: no topic from the refused attempts.
    let (_, list) = r[0].api.get("/council/topics").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
});

both!(p6_council_pages_for_residents_and_staff, |t: TestApp| async move {
    let (r, secretary, g1) = setup(&t, 2).await;
    appoint(&secretary, g1, r[0].person_id).await;
    let topic = raise(&secretary, g1, "加装电梯意见征集").await;
    secretary
        .post(&format!("/council/topics/{topic}/open-vote"), json!({"ballot": "secret"}))
        .await;
    let (c, csrf) = browser(&t, &r[0].username).await;
    let get = |path: String| {
        let c = c.clone();
        let url = t.url(&path);
        async move {
            let r = c.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, html) = get("/council".into()).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("href=\"/council\"") && !html.contains("href=\"/council/manage\""));
    assert!(html.contains("加装电梯意见征集") && html.contains("id=\"raise-topic\""));
    let (s, html) = get(format!("/council/topics/{topic}")).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("id=\"cast-vote\"") && html.contains("无记名表决"), "{html}");
    assert!(!html.contains("id=\"run\""));
    // The member votes by form; the page then shows the vote taken and no form.
    let resp = c
        .post(t.url(&format!("/council/topics/{topic}/vote")))
        .form(&[("csrf", csrf.as_str()), ("choice", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = get(format!("/council/topics/{topic}")).await;
    assert!(html.contains("您已投票") && !html.contains("id=\"cast-vote\"") && html.contains("id=\"tally-hidden\""));
    // A second vote by form shows the translated refusal.
    let resp = c
        .post(t.url(&format!("/council/topics/{topic}/vote")))
        .form(&[("csrf", csrf.as_str()), ("choice", "no")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    assert!(resp.text().await.unwrap().contains("已经投过票"));
    let (s, _) = get("/council/manage".into()).await;
    assert_eq!(s, 403);

    // The secretary runs the council from the pages, in English too.
    let (staff, csrf_staff) = browser(&t, "secretary").await;
    let html = staff
        .get(t.url("/council/manage"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("href=\"/council/manage\"") && html.contains("id=\"appoint\"") && html.contains("id=\"new-project\""));
    let html = staff
        .get(t.url(&format!("/council/topics/{topic}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"run\"") && html.contains(&format!("/council/topics/{topic}/close-vote")));
    // A project by form, its first stage finished by form, a problem reported by the resident.
    let resp = staff
        .post(t.url("/council/projects"))
        .form(&[
            ("csrf", csrf_staff.as_str()),
            ("grid_id", &g1.to_string()),
            ("title", "水管改造"),
            ("kind", "water_pipes"),
            ("stages", "入户摸排\n管道更换\n验收"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    let at = resp.headers()["location"].to_str().unwrap().to_string();
    let (_, project) = secretary.get(&at).await;
    assert_eq!(project["stages"].as_array().unwrap().len(), 3, "{project}");
    let stage = project["stages"][0]["id"].as_i64().unwrap();
    let resp = staff
        .post(t.url(&format!("/council/stages/{stage}/finish")))
        .form(&[("csrf", csrf_staff.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let resp = c
        .post(t.url(&format!("{at}/problems")))
        .form(&[("csrf", csrf.as_str()), ("description", "楼下渗水"), ("stage_id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = get(at.clone()).await;
    assert!(html.contains("楼下渗水") && html.contains("id=\"report-problem\"") && !html.contains("id=\"acceptance\""));
    let html = staff.get(t.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("id=\"acceptance\"") && html.contains("id=\"blockers\""),
        "{html}"
    );
    let en = staff.get(t.url("/lang?to=en&next=/council/manage")).send().await.unwrap();
    assert_eq!(en.status(), 303);
    let html = staff
        .get(t.url("/council/manage"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Run the council") && html.contains("Appoint a member"),
        "{html}"
    );
});

both!(p6_demo_has_a_council, |t: TestApp| async move {
    let demo = t.app.load_demo(onegrid_demo::DEFAULT_SEED).await.unwrap();
    let (username, password) = demo.resident.clone().unwrap();
    let resident = Api::as_user(&t, &username).await;
    let (s, list) = resident.get("/council/topics").await;
    assert_eq!(s, 200, "{list}");
    let topics = list["items"].as_array().unwrap();
    assert_eq!(topics.len(), 4);
    let status = |st: &str| topics.iter().find(|x| x["status"] == st).unwrap()["id"].as_i64().unwrap();
    // The resident sits on the council and may vote on the running vote.
    let voting = status("voting");
    let (_, v) = resident.get(&format!("/council/topics/{voting}")).await;
    assert_eq!(
        (v["is_member"].as_bool(), v["can_vote"].as_bool()),
        (Some(true), Some(true)),
        "{v}"
    );
    assert_eq!(vote(&resident, voting, "yes").await.0, 201);
    // The secret vote was adopted and is being implemented; its choices are not kept.
    let (_, v) = resident.get(&format!("/council/topics/{}", status("implementing"))).await;
    assert!(v["votes"].as_array().unwrap().iter().all(|x| x["choice"].is_null()));
    assert_eq!(v["tally"]["yes"], 3, "{v}");
    assert!(v["items"].as_array().unwrap().iter().any(|i| i["item"]["overdue"] == true));
    let (_, p) = resident.get("/council/projects").await;
    let pid = p["items"][0]["id"].as_i64().unwrap();
    let (_, v) = resident.get(&format!("/council/projects/{pid}")).await;
    assert_eq!(v["project"]["status"], "under_way");
    assert_eq!(v["stages"].as_array().unwrap().len(), 4);
    assert!(!v["blockers"].as_array().unwrap().is_empty());
    // Every council page renders for the resident and for the grid chief, who runs it.
    let chief = demo
        .accounts
        .iter()
        .find(|a| a.role == onegrid_domain::people::Role::GridChief)
        .unwrap();
    let mut pages: Vec<String> = topics.iter().map(|x| format!("/council/topics/{}", x["id"])).collect();
    pages.extend(["/council".to_string(), format!("/council/projects/{pid}")]);
    for (user, password) in [
        (username.as_str(), password.as_str()),
        (chief.username.as_str(), chief.password.as_str()),
    ] {
        let c = t.signed_in(user, password).await;
        for path in &pages {
            let r = c.get(t.url(path)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{user} {path}: {}", r.text().await.unwrap());
        }
    }
    let c = t.signed_in(&chief.username, &chief.password).await;
    let html = c.get(t.url("/council/manage")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("东侧空地口袋公园改造") && html.contains("id=\"appoint\""),
        "{html}"
    );
    let chief = Api::as_user(&t, &chief.username).await;
    let (s, v) = chief.post(&format!("/council/topics/{voting}/close-vote"), json!({})).await;
    assert_eq!((s, v["topic"]["status"].as_str()), (200, Some("decided_adopted")), "{v}");
});

both!(p6_acceptance_page_uploads_the_photos, |t: TestApp| async move {
    let (_r, secretary, g1) = setup(&t, 1).await;
    let east = community_id(&t, EAST).await;
    let (s, v) = secretary
        .post(
            "/council/projects",
            json!({"community_id": east, "grid_id": g1, "title": "口袋公园", "kind": "pocket_park", "stages": ["施工"]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let pid = v["project"]["id"].as_i64().unwrap();
    let stage = v["stages"][0]["id"].as_i64().unwrap();
    for step in ["start", "finish"] {
        assert_eq!(
            secretary.post(&format!("/council/stages/{stage}/{step}"), json!({})).await.0,
            200
        );
    }
    let (c, csrf) = browser(&t, "secretary").await;
    let path = format!("/council/projects/{pid}");
    assert!(page(&c, &t, &path).await.contains("enctype=\"multipart/form-data\""));
    // Without a photo a passed acceptance is refused and nothing is recorded.
    let form = [("csrf", csrf.as_str()), ("passed", "true"), ("note", "")];
    let r = post_multipart(&c, &t, &format!("{path}/acceptance"), &form, &[]).await;
    assert_eq!(r.status(), 400);
    let r = post_multipart(&c, &t, &format!("{path}/acceptance"), &form, &[("photos", "park.png", PNG)]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (_, v) = secretary.get(&path).await;
    assert_eq!(v["project"]["status"], "accepted");
    let id = v["acceptances"][0]["photos"][0]["id"].as_i64().unwrap();
    assert!(
        page(&c, &t, &path)
            .await
            .contains(&format!("<img src=\"/api/v1/attachments/{id}\""))
    );
});
