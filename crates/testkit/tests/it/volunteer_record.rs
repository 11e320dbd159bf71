//! P5 volunteer record (志愿服务记录) over HTTP — totals that match the completed claims, reversed
//! credits left out, the year filter, who may read it, the printable page — and the tasks page's
//! "claim for my team" form (T6).

use chrono::Datelike;

use super::pages::*;
use super::participation::*;
use super::team_tasks::add_team;
use super::*;

const HOUR: i64 = 3_600_000;

/// A task of the community open from an hour ago for three hours.
async fn post_task(api: &Api, community: i64, title: &str, capacity: i64, points: i64) -> i64 {
    let now = onegrid_store::now_ms();
    let (s, task) = api
        .post(
            "/volunteer-tasks",
            json!({
                "community_id": community, "title": title, "content": "", "place": "社区活动室",
                "starts_at": now - HOUR, "ends_at": now + 2 * HOUR, "capacity": capacity, "points": points,
                "category": "public_welfare", "skills": []
            }),
        )
        .await;
    assert_eq!(s, 201, "{task}");
    task["id"].as_i64().unwrap()
}

/// The resident claims the task and checks in and out; returns the claim id.
async fn serve(r: &Resident, tid: i64) -> i64 {
    let (s, c) = r.api.post(&format!("/volunteer-tasks/{tid}/claims"), json!({})).await;
    assert_eq!(s, 201, "{c}");
    let cid = c["id"].as_i64().unwrap();
    for step in ["check-in", "check-out"] {
        let (s, c) = r.api.post(&format!("/volunteer-claims/{cid}/{step}"), json!({})).await;
        assert_eq!(s, 200, "{c}");
    }
    cid
}

/// The organiser confirms `minutes` and evaluates; returns the evaluated claim.
async fn confirm_and_evaluate(staff: &Api, cid: i64, minutes: i64, evaluation: Value) -> Value {
    let (s, c) = staff
        .post(&format!("/volunteer-claims/{cid}/confirm"), json!({"minutes": minutes}))
        .await;
    assert_eq!(s, 200, "{c}");
    let (s, c) = staff.post(&format!("/volunteer-claims/{cid}/evaluate"), evaluation).await;
    assert_eq!((s, c["status"].as_str()), (200, Some("evaluated")), "{c}");
    c
}

/// Moves a task to 31 December of last year (02:00–05:00 UTC), as if it had been done then.
async fn move_to_last_year(t: &TestApp, tid: i64) {
    let y = chrono::Utc::now().year() - 1;
    let start = chrono::NaiveDate::from_ymd_opt(y, 12, 31)
        .unwrap()
        .and_hms_opt(2, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let mut tx = t.app.db.write().await.unwrap();
    onegrid_store::on!(&mut tx, |c| sqlx::query(
        "UPDATE volunteer_tasks SET starts_at = $1, ends_at = $2 WHERE id = $3"
    )
    .bind(start)
    .bind(start + 3 * HOUR)
    .bind(tid)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    tx.commit().await.unwrap();
}

/// Reverses every entry the award wrote.
async fn reverse_award(staff: &Api, award_id: i64) {
    let (s, a) = staff.get(&format!("/points/awards/{award_id}")).await;
    assert_eq!(s, 200, "{a}");
    for key in ["entry_id", "hours_entry_id"] {
        if let Some(entry) = a[key].as_i64() {
            let (s, e) = staff
                .post(&format!("/points/entries/{entry}/reverse"), json!({"note": "误登"}))
                .await;
            assert_eq!(s, 201, "{e}");
        }
    }
}

/// Registers an award outside tasks and has it approved; returns its id.
async fn award(admin: &Api, approver: &Api, person_id: i64, amount: i64, activity_on: &str) -> i64 {
    let (s, a) = admin
        .post(
            "/points/awards",
            json!({"person_id": person_id, "category": "outstanding_contribution", "amount": amount, "note": "表彰",
                   "activity_on": activity_on}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_i64().unwrap();
    let (s, a) = approver.post(&format!("/points/awards/{id}/approve"), json!({})).await;
    assert_eq!((s, a["status"].as_str()), (200, Some("credited")), "{a}");
    id
}

fn record_path(person_id: i64, year: Option<i32>) -> String {
    match year {
        Some(y) => format!("/people/{person_id}/volunteer-record?year={y}"),
        None => format!("/people/{person_id}/volunteer-record"),
    }
}

both!(
    p5_volunteer_record_totals_years_reversals_and_scope,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let r = add_residents(&t, 2).await;
        let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
        let east = community_id(&t, EAST).await;
        let this_year = chrono::Utc::now().year();
        let last_year = this_year - 1;
        let last_dec_31 = format!("{last_year}-12-31");

        // Three tasks done and credited: two this year, one last year.
        let a = post_task(&secretary, east, "敬老院陪伴", 3, 2).await;
        let ca = serve(&r[0], a).await;
        confirm_and_evaluate(&secretary, ca, 90, json!({"rating": 5})).await;
        let b = post_task(&secretary, east, "垃圾分类引导", 3, 2).await;
        let cb = serve(&r[0], b).await;
        confirm_and_evaluate(&secretary, cb, 60, json!({"rating": 4, "points": 1})).await;
        let c = post_task(&secretary, east, "冬季扫雪", 3, 2).await;
        let cc = serve(&r[0], c).await;
        move_to_last_year(&t, c).await;
        confirm_and_evaluate(&secretary, cc, 120, json!({"rating": 5})).await;
        // A fourth, credited and then fully reversed: not on the record.
        let d = post_task(&secretary, east, "误登任务", 3, 2).await;
        let cd = serve(&r[0], d).await;
        let claim = confirm_and_evaluate(&secretary, cd, 30, json!({"rating": 5})).await;
        reverse_award(&secretary, claim["award_id"].as_i64().unwrap()).await;
        // A fifth only claimed and checked in: not completed, not on the record.
        let e = post_task(&secretary, east, "未完成任务", 3, 2).await;
        let (s, _) = r[0].api.post(&format!("/volunteer-tasks/{e}/claims"), json!({})).await;
        assert_eq!(s, 201);
        // Another resident's service is theirs alone.
        let other = serve(&r[1], a).await;
        confirm_and_evaluate(&secretary, other, 45, json!({"rating": 5})).await;
        // Awards outside tasks: 5 this year, 4 last year, and 3 reversed.
        let today = chrono::Utc::now().date_naive().to_string();
        award(&admin, &secretary, r[0].person_id, 5, &today).await;
        award(&admin, &secretary, r[0].person_id, 4, &last_dec_31).await;
        let wrong = award(&admin, &secretary, r[0].person_id, 3, &today).await;
        reverse_award(&secretary, wrong).await;

        // All time: three tasks, 270 minutes, 2 + 1 + 2 + 5 + 4 points, the same as the ledger.
        let (s, rec) = r[0].api.get("/volunteer-record/me").await;
        assert_eq!(s, 200, "{rec}");
        assert_eq!(
            rec["totals"],
            json!({"minutes": 270, "tasks": 3, "grid_points": 14, "work_points": 0}),
            "{rec}"
        );
        assert_eq!(balance(&r[0].api, "service_minutes").await, 270);
        assert_eq!(balance(&r[0].api, "grid_points").await, 14);
        assert_eq!(
            (rec["lifetime_minutes"].as_i64(), rec["stars"].as_i64()),
            (Some(270), Some(0))
        );
        assert_eq!(
            (rec["name"].as_str(), rec["year"].is_null()),
            (Some(r[0].name.as_str()), true)
        );
        assert_eq!(rec["community_id"], east);
        assert_eq!(rec["issued_by"], rec["community"]);
        assert_eq!(rec["issued_on"], today);
        let lines = rec["service"].as_array().unwrap();
        let titles: Vec<&str> = lines.iter().map(|l| l["title"].as_str().unwrap()).collect();
        assert_eq!(titles, vec!["冬季扫雪", "敬老院陪伴", "垃圾分类引导"], "oldest first: {rec}");
        let line_a = &lines[1];
        assert_eq!(
            (
                line_a["claim_id"].as_i64(),
                line_a["minutes"].as_i64(),
                line_a["points"].as_i64(),
                line_a["rating"].as_i64()
            ),
            (Some(ca), Some(90), Some(2), Some(5))
        );
        assert!(line_a["checked_in_at"].is_i64() && line_a["checked_out_at"].is_i64());
        assert_eq!(line_a["place"], "社区活动室");
        assert_eq!(lines[0]["date"], last_dec_31);
        // The lines add up to the totals.
        let sum = |items: &Value, key: &str| {
            items
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l[key].as_i64().unwrap())
                .sum::<i64>()
        };
        assert_eq!(sum(&rec["service"], "minutes") + sum(&rec["awards"], "minutes"), 270);
        assert_eq!(sum(&rec["service"], "points") + sum(&rec["awards"], "points"), 14);
        let awards: Vec<i64> = rec["awards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["points"].as_i64().unwrap())
            .collect();
        assert_eq!(awards, vec![4, 5], "the reversed award is left out: {rec}");

        // The year filter: this year and last year split the same record.
        let (s, now) = r[0].api.get(&format!("/volunteer-record/me?year={this_year}")).await;
        assert_eq!(s, 200, "{now}");
        assert_eq!(
            now["totals"],
            json!({"minutes": 150, "tasks": 2, "grid_points": 8, "work_points": 0})
        );
        assert_eq!(now["year"], this_year);
        let (_, then) = r[0].api.get(&format!("/volunteer-record/me?year={last_year}")).await;
        assert_eq!(
            then["totals"],
            json!({"minutes": 120, "tasks": 1, "grid_points": 6, "work_points": 0})
        );
        assert_eq!(then["service"][0]["claim_id"], cc);
        // Stars rest on all the service ever credited, whatever the year shown.
        assert_eq!(then["lifetime_minutes"], 270);
        let (_, none) = r[0].api.get("/volunteer-record/me?year=2001").await;
        assert_eq!(none["totals"]["tasks"], 0);

        // Who may read it: the person, staff whose scope covers them; nobody else.
        let (s, same) = r[0].api.get(&record_path(r[0].person_id, None)).await;
        assert_eq!((s, &same["totals"]), (200, &rec["totals"]));
        let (s, e) = r[1].api.get(&record_path(r[0].person_id, None)).await;
        assert_eq!((s, code(&e)), (404, "not_found"), "{e}");
        let (s, staff_view) = secretary.get(&record_path(r[0].person_id, Some(this_year))).await;
        assert_eq!((s, &staff_view["totals"]), (200, &now["totals"]));
        assert_eq!(
            Api::as_user(&t, "worker_a")
                .await
                .get(&record_path(r[0].person_id, None))
                .await
                .0,
            200
        );
        assert_eq!(
            Api::as_user(&t, "worker_b")
                .await
                .get(&record_path(r[0].person_id, None))
                .await
                .0,
            404
        );
        assert_eq!(secretary.get(&record_path(999_999, None)).await.0, 404);
        let (_, theirs) = secretary.get(&record_path(r[1].person_id, None)).await;
        assert_eq!(
            (theirs["totals"]["tasks"].as_i64(), theirs["totals"]["minutes"].as_i64()),
            (Some(1), Some(45))
        );

        // A bad year is refused by name.
        for bad in ["abc", "1800", "2024.5"] {
            let (s, e) = r[0].api.get(&format!("/volunteer-record/me?year={bad}")).await;
            assert_eq!(
                (s, e["error"]["fields"][0]["field"].as_str()),
                (400, Some("year")),
                "{bad}: {e}"
            );
            let (s, e) = secretary
                .get(&format!("/people/{}/volunteer-record?year={bad}", r[0].person_id))
                .await;
            assert_eq!(
                (s, e["error"]["fields"][0]["field"].as_str()),
                (400, Some("year")),
                "{bad}: {e}"
            );
        }
    }
);

both!(p5_volunteer_record_page_shows_the_persons_figures, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 2).await;
    let secretary = Api::as_user(&t, "secretary").await;
    let east = community_id(&t, EAST).await;
    let tid = post_task(&secretary, east, "敬老院陪伴", 3, 2).await;
    let cid = serve(&r[0], tid).await;
    confirm_and_evaluate(&secretary, cid, 95, json!({"rating": 5})).await;
    let year = chrono::Utc::now().year();

    let (c, _) = browser(&t, &r[0].username).await;
    // Linked from the tasks page and the points page.
    for from in ["/tasks", "/points"] {
        let (s, html) = fetch(&c, &t, from).await;
        assert!(s == 200 && html.contains("href=\"/tasks/record\""), "{from}: {html}");
    }
    let (s, html) = fetch(&c, &t, "/tasks/record").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("志愿服务记录") && html.contains(&r[0].name), "{html}");
    assert!(html.contains("data-total=\"minutes\" data-value=\"95\""), "{html}");
    assert!(html.contains("1 小时 35 分钟"), "{html}");
    assert!(html.contains("<td data-total=\"tasks\">1</td>") && html.contains("<td data-total=\"grid_points\">2</td>"));
    assert!(html.contains(&format!("data-claim=\"{cid}\"")) && html.contains("敬老院陪伴"));
    // Issued by the community, printable with the print script (no inline script).
    assert!(html.contains("出具单位: <strong>东社区</strong>"), "{html}");
    assert!(html.contains("data-print") && html.contains("print.js") && !html.contains("onclick"));
    let (s, js) = fetch(&c, &t, &format!("/static/{}/print.js", env!("CARGO_PKG_VERSION"))).await;
    assert!(s == 200 && js.contains("window.print()"), "{s}");
    let (s, html) = fetch(&c, &t, &format!("/tasks/record?year={}", year - 1)).await;
    assert!(s == 200 && html.contains("<td data-total=\"tasks\">0</td>"), "{html}");
    let (s, html) = fetch(&c, &t, "/tasks/record?year=abc").await;
    assert!(s == 400 && html.contains("year"), "{html}");
    // Another resident's record does not exist for them.
    let (s, _) = fetch(&c, &t, &format!("/people/{}/volunteer-record", r[1].person_id)).await;
    assert_eq!(s, 404);

    // Staff of the community read it from the person's page, in English too.
    let (sc, _) = browser(&t, "secretary").await;
    let (s, html) = fetch(&sc, &t, &format!("/people/{}", r[0].person_id)).await;
    assert!(
        s == 200 && html.contains(&format!("/people/{}/volunteer-record", r[0].person_id)),
        "{html}"
    );
    let path = format!("/people/{}/volunteer-record?year={year}", r[0].person_id);
    let (s, html) = fetch(&sc, &t, &path).await;
    assert!(
        s == 200 && html.contains(&r[0].name) && html.contains("data-value=\"95\""),
        "{html}"
    );
    sc.get(t.url("/lang?to=en&next=/")).send().await.unwrap();
    let (s, html) = fetch(&sc, &t, &path).await;
    assert!(
        s == 200 && html.contains("Volunteer record") && html.contains("Issued by"),
        "{html}"
    );
});

both!(p5_team_claim_page_claims_for_the_chosen_members, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 4).await;
    let secretary = Api::as_user(&t, "secretary").await;
    let east = community_id(&t, EAST).await;
    let team = add_team(&t, &r, "TM-P", EAST, 0, &[0, 1, 2]).await;
    let tid = post_task(&secretary, east, "助老送餐", 5, 2).await;
    let small = post_task(&secretary, east, "社区巡逻", 1, 2).await;

    // The leader sees the form, every member ticked; a member who does not lead sees none.
    let (c, csrf) = browser(&t, &r[0].username).await;
    let (_, html) = fetch(&c, &t, "/tasks").await;
    assert!(html.contains(&format!("action=\"/tasks/{tid}/team-claim\"")), "{html}");
    assert!(html.contains("为我的团队认领") && html.contains(&r[1].name));
    for m in &r[..3] {
        assert!(
            html.contains(&format!("name=\"members\" value=\"{}\" checked", m.person_id)),
            "{html}"
        );
    }
    let (mc, _) = browser(&t, &r[1].username).await;
    assert!(!fetch(&mc, &t, "/tasks").await.1.contains("/team-claim"));

    // Without the form's token: refused.
    let forged = [("csrf", "forged".to_string()), ("team_id", team.to_string())];
    let resp = c
        .post(t.url(&format!("/tasks/{tid}/team-claim")))
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    // The leader claims for two members (not themselves).
    let form = [
        ("csrf", csrf.clone()),
        ("team_id", team.to_string()),
        ("members", r[1].person_id.to_string()),
        ("members", r[2].person_id.to_string()),
    ];
    let resp = c
        .post(t.url(&format!("/tasks/{tid}/team-claim")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/tasks");
    let (_, view) = secretary.get(&format!("/volunteer-tasks/{tid}")).await;
    assert_eq!(view["task"]["claimed"], 2);
    let mut holders: Vec<i64> = view["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["team_id"], team);
            c["person_id"].as_i64().unwrap()
        })
        .collect();
    holders.sort();
    assert_eq!(holders, vec![r[1].person_id, r[2].person_id]);
    // The leader's tasks page lists the team's claims; the member sees the team on their own.
    let (_, html) = fetch(&c, &t, "/tasks").await;
    assert!(
        html.contains("我的团队认领") && html.contains(&r[2].name) && html.contains("微团队TM-P"),
        "{html}"
    );
    let (_, html) = fetch(&mc, &t, "/tasks").await;
    assert!(html.contains("助老送餐") && html.contains("微团队TM-P"), "{html}");

    // Two members do not fit in a task with one place: the error page, nothing written.
    let form = [
        ("csrf", csrf.clone()),
        ("team_id", team.to_string()),
        ("members", r[0].person_id.to_string()),
        ("members", r[3].person_id.to_string()),
    ];
    let resp = c
        .post(t.url(&format!("/tasks/{small}/team-claim")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400, "r[3] is not in the team");
    let form = [
        ("csrf", csrf.clone()),
        ("team_id", team.to_string()),
        ("members", r[0].person_id.to_string()),
        ("members", r[1].person_id.to_string()),
    ];
    let resp = c
        .post(t.url(&format!("/tasks/{small}/team-claim")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    assert!(resp.text().await.unwrap().contains("任务已满员"));
    let (_, view) = secretary.get(&format!("/volunteer-tasks/{small}")).await;
    assert_eq!(
        (view["task"]["claimed"].as_i64(), view["claims"].as_array().unwrap().len()),
        (Some(0), 0)
    );
    // Nobody ticked: refused by name, not taken as the whole team.
    let form = [("csrf", csrf.clone()), ("team_id", team.to_string())];
    let resp = c
        .post(t.url(&format!("/tasks/{small}/team-claim")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("members"));
});
