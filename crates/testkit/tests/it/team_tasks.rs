//! P5 × T6 over HTTP: a micro-team's leader claims a volunteer task for the team — one claim per
//! member, all or nothing, never beyond the capacity, even when two teams race for the last places.

use onegrid_domain::people::TeamKind;
use onegrid_domain::territory::{Level, StreetData, TeamRec};

use super::participation::*;
use super::*;

const HOUR: i64 = 3_600_000;

/// A micro-team of the given community led by resident `leader`, with `members` (resident
/// indices); returns its id.
pub async fn add_team(t: &TestApp, r: &[Resident], code: &str, community: &str, leader: usize, members: &[usize]) -> i64 {
    let person_code = |i: usize| format!("R-{i:03}");
    let d = StreetData {
        teams: vec![TeamRec {
            code: code.into(),
            name: format!("微团队{code}"),
            kind: TeamKind::MicroTeam,
            level: Level::Community,
            unit_code: community.into(),
            leader_code: Some(person_code(leader)),
            member_codes: members.iter().map(|&i| person_code(i)).collect(),
        }],
        ..Default::default()
    };
    let mut tx = t.app.db.write().await.unwrap();
    onegrid_store::load::load(&mut tx, &d).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = t.app.db.read().await.unwrap();
    let street = onegrid_store::people::person(&mut tx, r[leader].person_id)
        .await
        .unwrap()
        .street_id;
    onegrid_store::people::teams(&mut tx, street)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.code == code)
        .map(|x| x.id)
        .unwrap()
}

async fn post_task(api: &Api, community: i64, capacity: i64) -> i64 {
    let now = onegrid_store::now_ms();
    let (s, task) = api
        .post(
            "/volunteer-tasks",
            json!({
                "community_id": community, "title": "助老送餐", "content": "为独居老人送午餐", "place": "社区食堂",
                "starts_at": now - HOUR, "ends_at": now + 2 * HOUR, "capacity": capacity, "points": 2,
                "category": "public_welfare", "skills": []
            }),
        )
        .await;
    assert_eq!(s, 201, "{task}");
    task["id"].as_i64().unwrap()
}

fn team_claims(tid: i64) -> String {
    format!("/volunteer-tasks/{tid}/team-claims")
}

both!(p5_team_leader_claims_places_for_the_team, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 12).await;
    let secretary = Api::as_user(&t, "secretary").await;
    let east = community_id(&t, EAST).await;
    let team_a = add_team(&t, &r, "TM-A", EAST, 0, &[0, 1, 2]).await;
    let team_b = add_team(&t, &r, "TM-B", EAST, 3, &[3, 4, 5]).await;
    let team_w = add_team(&t, &r, "TM-W", WEST, 8, &[8, 9]).await;
    let tid = post_task(&secretary, east, 5).await;

    // Only the leader claims for the team: a member is refused, and so is staff.
    let (s, e) = r[1].api.post(&team_claims(tid), json!({"team_id": team_a})).await;
    assert_eq!((s, code(&e)), (403, "forbidden"), "{e}");
    assert_eq!(secretary.post(&team_claims(tid), json!({"team_id": team_a})).await.0, 403);
    // A team of another community does not work here; an unknown team is not a team.
    let (s, e) = r[8].api.post(&team_claims(tid), json!({"team_id": team_w})).await;
    assert_eq!((s, e["error"]["fields"][0]["field"].as_str()), (400, Some("team_id")), "{e}");
    let (s, e) = r[0].api.post(&team_claims(tid), json!({"team_id": 999_999})).await;
    assert_eq!((s, e["error"]["fields"][0]["field"].as_str()), (400, Some("team_id")), "{e}");
    // Someone outside the team cannot be brought along.
    let (s, e) = r[0]
        .api
        .post(
            &team_claims(tid),
            json!({"team_id": team_a, "members": [r[1].person_id, r[9].person_id]}),
        )
        .await;
    assert_eq!((s, e["error"]["fields"][0]["field"].as_str()), (400, Some("members")), "{e}");
    let (_, view) = secretary.get(&format!("/volunteer-tasks/{tid}")).await;
    assert_eq!(
        (view["task"]["claimed"].as_i64(), view["claims"].as_array().unwrap().len()),
        (Some(0), 0)
    );

    // The leader claims for the whole team: three claims, each recording the team.
    let (s, v) = r[0].api.post(&team_claims(tid), json!({"team_id": team_a})).await;
    assert_eq!(s, 201, "{v}");
    let items = v["items"].as_array().unwrap();
    let mut people: Vec<i64> = items.iter().map(|c| c["person_id"].as_i64().unwrap()).collect();
    people.sort();
    assert_eq!(people, vec![r[0].person_id, r[1].person_id, r[2].person_id]);
    assert!(
        items
            .iter()
            .all(|c| c["team_id"] == team_a && c["status"] == "claimed" && c["team_name"] == "微团队TM-A")
    );

    // Again: the members already holding a claim are named, nothing changes.
    let (s, e) = r[0].api.post(&team_claims(tid), json!({"team_id": team_a})).await;
    assert_eq!(s, 400, "{e}");
    let fields = e["error"]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 3, "{e}");
    assert!(
        fields.iter().any(|f| f["reason"].as_str().unwrap().contains(&r[1].name)),
        "{e}"
    );

    // A second team of three does not fit in the two places left: 409 and nothing written.
    let (s, e) = r[3].api.post(&team_claims(tid), json!({"team_id": team_b})).await;
    assert_eq!((s, code(&e)), (409, "task_full"), "{e}");
    let (_, view) = secretary.get(&format!("/volunteer-tasks/{tid}")).await;
    assert_eq!(view["task"]["claimed"], 3);
    let claims = view["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 3);
    assert!(
        claims
            .iter()
            .all(|c| c["team_id"] == team_a && c["team_name"] == "微团队TM-A")
    );
    let (_, mine) = r[4].api.get("/volunteer-claims").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);

    // Two of its members fit exactly; the task is then full for everyone.
    let (s, v) = r[3]
        .api
        .post(
            &team_claims(tid),
            json!({"team_id": team_b, "members": [r[4].person_id, r[5].person_id]}),
        )
        .await;
    assert_eq!((s, v["items"].as_array().map(|a| a.len())), (201, Some(2)), "{v}");
    let (s, e) = r[6].api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
    assert_eq!((s, code(&e)), (409, "task_full"));
    let (_, view) = secretary.get(&format!("/volunteer-tasks/{tid}")).await;
    assert_eq!(
        (view["task"]["claimed"].as_i64(), view["claims"].as_array().unwrap().len()),
        (Some(5), 5)
    );

    // The member sees the team on their own claim, and its steps work per person as before.
    let (_, view) = r[1].api.get(&format!("/volunteer-tasks/{tid}")).await;
    assert!(view["claims"].is_null());
    assert_eq!(
        (view["my_claim"]["team_id"].as_i64(), view["my_claim"]["team_name"].as_str()),
        (Some(team_a), Some("微团队TM-A"))
    );
    let cid = view["my_claim"]["id"].as_i64().unwrap();
    let (_, mine) = r[1].api.get("/volunteer-claims").await;
    assert_eq!(mine["items"][0]["team_id"], team_a);
    assert_eq!(
        r[0].api.post(&format!("/volunteer-claims/{cid}/check-in"), json!({})).await.0,
        404
    );
    let (s, c) = r[1].api.post(&format!("/volunteer-claims/{cid}/check-in"), json!({})).await;
    assert_eq!((s, c["status"].as_str()), (200, Some("checked_in")), "{c}");
    let (s, c) = r[1].api.post(&format!("/volunteer-claims/{cid}/check-out"), json!({})).await;
    assert_eq!(s, 200, "{c}");
    let (s, c) = secretary
        .post(&format!("/volunteer-claims/{cid}/confirm"), json!({"minutes": 60}))
        .await;
    assert_eq!(s, 200, "{c}");
    let (s, c) = secretary
        .post(&format!("/volunteer-claims/{cid}/evaluate"), json!({"rating": 5}))
        .await;
    assert_eq!(
        (s, c["status"].as_str(), c["team_id"].as_i64()),
        (200, Some("evaluated"), Some(team_a)),
        "{c}"
    );
    assert_eq!(balance(&r[1].api, "grid_points").await, 2);
    assert_eq!(balance(&r[0].api, "grid_points").await, 0);

    // A member who withdrew is taken up again for the team, in the freed place.
    let other = claims_of(&secretary, tid)
        .await
        .into_iter()
        .find(|c| c["person_id"] == r[2].person_id)
        .unwrap();
    let (s, _) = r[2]
        .api
        .post(&format!("/volunteer-claims/{}/withdraw", other["id"]), json!({}))
        .await;
    assert_eq!(s, 200);
    let (s, v) = r[0]
        .api
        .post(&team_claims(tid), json!({"team_id": team_a, "members": [r[2].person_id]}))
        .await;
    assert_eq!(
        (s, v["items"][0]["id"] == other["id"], v["items"][0]["status"].as_str()),
        (201, true, Some("claimed")),
        "{v}"
    );
    let (_, view) = secretary.get(&format!("/volunteer-tasks/{tid}")).await;
    assert_eq!(view["task"]["claimed"], 5);
});

async fn claims_of(api: &Api, tid: i64) -> Vec<Value> {
    let (_, view) = api.get(&format!("/volunteer-tasks/{tid}")).await;
    view["claims"].as_array().unwrap().clone()
}

// Two leaders racing for the last places: exactly one team gets them, never beyond the capacity.
both!(p5_team_two_leaders_racing_never_exceed_capacity, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 7).await;
    let secretary = Api::as_user(&t, "secretary").await;
    let east = community_id(&t, EAST).await;
    let team_a = add_team(&t, &r, "TM-A", EAST, 0, &[0, 1, 2]).await;
    let team_b = add_team(&t, &r, "TM-B", EAST, 3, &[3, 4, 5]).await;
    for round in 0..6 {
        let tid = post_task(&secretary, east, 4).await;
        // One personal claim first, so the teams race for the last three places.
        let (s, _) = r[6].api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
        assert_eq!(s, 201);
        let (a, b) = (r[0].api.clone(), r[3].api.clone());
        let ja = tokio::spawn(async move { a.post(&team_claims(tid), json!({"team_id": team_a})).await });
        let jb = tokio::spawn(async move { b.post(&team_claims(tid), json!({"team_id": team_b})).await });
        let (ra, rb) = (ja.await.unwrap(), jb.await.unwrap());
        let (winner, loser) = match (ra.0, rb.0) {
            (201, 409) => (team_a, rb),
            (409, 201) => (team_b, ra),
            other => panic!("round {round}: unexpected {other:?}: {} / {}", ra.1, rb.1),
        };
        assert_eq!(code(&loser.1), "task_full");
        let (_, view) = secretary.get(&format!("/volunteer-tasks/{tid}")).await;
        assert_eq!(view["task"]["claimed"], 4);
        let claims = view["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 4);
        assert_eq!(claims.iter().filter(|c| c["team_id"] == winner).count(), 3);
        assert_eq!(claims.iter().filter(|c| c["team_id"].is_null()).count(), 1);
    }
});
