//! Issue 3's pages over HTTP: the resident's public report form (multipart, with a photo) and the
//! private tracking page with its rating form; the staff work list, the case page with one form
//! per allowed step, staff intake, the weekly list and notifications; the navigation by post.

use super::cases::{report, staff};
use super::pages::*;
use super::participation::*;
use super::*;

/// A point in grid 1 (worker A's), micro-grid 1, community 东社区.
const LAT: &str = "31.005";
const LNG: &str = "121.005";
const CATEGORY: &str = "E0102";

/// A 2×2 PNG, as a phone camera would send a (much larger) photo.
pub const PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0, 253, 212, 154, 115, 0,
    0, 0, 16, 73, 68, 65, 84, 120, 156, 99, 56, 33, 160, 7, 68, 12, 16, 10, 0, 31, 30, 4, 25, 216, 246, 62, 169, 0, 0, 0, 0, 73,
    69, 78, 68, 174, 66, 96, 130,
];

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

/// The steps the case page offers a form for.
fn forms_on(html: &str) -> Vec<String> {
    html.split("<details class=\"act\" data-action=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

async fn step(api: &Api, id: i64, body: Value) -> Value {
    let (s, v) = api.post(&format!("/cases/{id}/actions"), body.clone()).await;
    assert_eq!(s, 200, "{body} → {v}");
    v
}

async fn case_count(admin: &Api) -> usize {
    admin.get("/cases?per_page=500").await.1["items"].as_array().unwrap().len()
}

both!(
    c1_public_report_form_posts_a_case_with_a_photo_and_redirects_to_tracking,
    |t: TestApp| async move {
        let s = staff(&t).await;
        let c = t.client();
        let html = page(&c, &t, "/report").await;
        assert!(
            html.contains("enctype=\"multipart/form-data\"") && html.contains("capture=\"environment\""),
            "{html}"
        );
        assert!(
            html.contains(&format!("value=\"{CATEGORY}\"")) && html.contains("<optgroup label=\"市容环境\""),
            "{html}"
        );
        assert!(html.contains("name=\"crs\" value=\"wgs84\""));

        // Bad input: every field named beside itself, nothing written (the photo is refused before
        // anything is stored).
        let before = case_count(&s.admin).await;
        let r = post_multipart(
            &c,
            &t,
            "/report",
            &[
                ("category", ""),
                ("description", " "),
                ("lat", ""),
                ("lng", ""),
                ("reporter_phone", "abc"),
            ],
            &[("photos", "virus.jpg", b"MZ\x90\0 not a photo")],
        )
        .await;
        assert_eq!(r.status(), 400);
        let html = r.text().await.unwrap();
        assert!(html.contains("data-field=\"photos\""), "{html}");
        let r = post_multipart(
            &c,
            &t,
            "/report",
            &[
                ("category", ""),
                ("description", " "),
                ("lat", ""),
                ("lng", ""),
                ("reporter_phone", "abc"),
            ],
            &[],
        )
        .await;
        assert_eq!(r.status(), 400);
        let html = r.text().await.unwrap();
        for field in ["category", "description", "lat", "reporter_phone"] {
            assert!(html.contains(&format!("data-field=\"{field}\"")), "{field} not named: {html}");
        }
        assert!(html.contains("请填写问题描述"), "the message is translated");
        // A point outside every micro-grid: the typed text comes back.
        let r = post_multipart(
            &c,
            &t,
            "/report",
            &[
                ("category", CATEGORY),
                ("description", "井盖缺失"),
                ("lat", "45.0"),
                ("lng", "100.0"),
                ("crs", "wgs84"),
                ("anonymous", "on"),
            ],
            &[("photos", "well.png", PNG)],
        )
        .await;
        assert_eq!(r.status(), 400);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("data-field=\"lat\"") && html.contains(">井盖缺失</textarea>"),
            "{html}"
        );
        assert_eq!(case_count(&s.admin).await, before, "no case was written");
        // Another site's form is refused.
        let (ct, body) = multipart(
            &[
                ("category", CATEGORY),
                ("description", "x"),
                ("lat", LAT),
                ("lng", LNG),
                ("anonymous", "on"),
            ],
            &[],
        );
        let r = c
            .post(t.url("/report"))
            .header("content-type", ct)
            .header("origin", "http://evil.example")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // The report with a photo: 303 to the private page, which shows the link and the photo.
        let r = post_multipart(
            &c,
            &t,
            "/report",
            &[
                ("category", CATEGORY),
                ("description", "小区门口垃圾堆放三天无人清理"),
                ("lat", LAT),
                ("lng", LNG),
                ("crs", "wgs84"),
                ("address", "幸福路12号"),
                ("reporter_name", "王阿姨"),
                ("reporter_phone", "13800001111"),
            ],
            &[("photos", "rubbish.png", PNG)],
        )
        .await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        let to = location(&r);
        assert!(to.starts_with("/track/") && to.ends_with("?new=1"), "{to}");
        let token = to["/track/".len()..to.len() - "?new=1".len()].to_string();
        let html = page(&c, &t, &to).await;
        assert!(
            html.contains("id=\"track-link\"") && html.contains(&format!("&#x2f;track&#x2f;{token}")),
            "{html}"
        );
        assert!(html.contains("已接收") && html.contains("暴露垃圾"), "{html}");
        let photo = html
            .split("<img src=\"")
            .nth(1)
            .expect("the photo is shown")
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&");
        let r = c.get(t.url(&photo)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{photo}");
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
        // Staff see the case with its contact and the photo attached as the report's.
        let (_, list) = s.admin.get("/cases?per_page=500").await;
        let id = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["description"] == "小区门口垃圾堆放三天无人清理")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (_, v) = s.admin.get(&format!("/cases/{id}")).await;
        assert_eq!(
            (v["channel"].as_str(), v["reporter_phone"].as_str()),
            (Some("resident"), Some("13800001111")),
            "{v}"
        );
        assert_eq!(v["attachments"][0]["purpose"], "report", "{v}");
        assert_eq!(v["address"], "幸福路12号");

        // In English the form speaks English, also inside the shared form parts.
        let en = c
            .get(t.url("/report"))
            .header("cookie", "onegrid_lang=en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            en.contains("Report a problem") && en.contains("Exposed rubbish") && en.contains("Use my location"),
            "{en}"
        );
    }
);

both!(
    c6_tracking_page_shows_the_timeline_and_takes_a_rating,
    |t: TestApp| async move {
        let s = staff(&t).await;
        let (id, token) = report(&t, "路灯不亮").await;
        let c = t.client();
        let html = page(&c, &t, &format!("/track/{token}")).await;
        assert!(
            html.contains("data-status=\"received\"") && !html.contains("id=\"rate-form\""),
            "{html}"
        );
        step(&s.worker_a, id, json!({"action": "register"})).await;
        step(&s.worker_a, id, json!({"action": "dispatch", "to": {"tier": "grid"}})).await;
        step(&s.worker_a, id, json!({"action": "accept"})).await;
        step(&s.worker_a, id, json!({"action": "start"})).await;
        step(
            &s.worker_a,
            id,
            json!({"action": "handle", "note": "换了灯泡", "reply": "路灯已修复"}),
        )
        .await;
        step(&s.secretary, id, json!({"action": "verify"})).await;
        step(&s.secretary, id, json!({"action": "close"})).await;

        let html = page(&c, &t, &format!("/track/{token}")).await;
        for shown in [
            "立案",
            "派遣",
            "签收",
            "开始处置",
            "处置反馈",
            "核查通过",
            "结案",
            "已结案",
            "路灯已修复",
        ] {
            assert!(html.contains(shown), "{shown} missing: {html}");
        }
        assert!(!html.contains("换了灯泡"), "internal notes stay internal");
        assert!(
            html.contains("id=\"rate-form\"") && html.contains("id=\"reopen-form\""),
            "{html}"
        );
        let timeline: Vec<&str> = html
            .split("<li data-action=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        assert_eq!(
            timeline,
            ["register", "dispatch", "accept", "start", "handle", "verify", "close"]
        );

        // A rating out of range is named beside the field; another site's form is refused.
        let r = c
            .post(t.url(&format!("/track/{token}/rate")))
            .form(&[("rating", "9")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("data-field=\"rating\""));
        let r = c
            .post(t.url(&format!("/track/{token}/rate")))
            .header("origin", "http://evil.example")
            .form(&[("rating", "5")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = c
            .post(t.url(&format!("/track/{token}/rate")))
            .form(&[("rating", "4"), ("comment", "修得很快")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("/track/{token}?rated=1"));
        let html = page(&c, &t, &location(&r)).await;
        assert!(
            html.contains("感谢您的评价") && html.contains("★★★★☆") && html.contains("修得很快"),
            "{html}"
        );
        assert!(!html.contains("id=\"rate-form\""), "rated once");
        // Rating again is refused with the reason on the page.
        let r = c
            .post(t.url(&format!("/track/{token}/rate")))
            .form(&[("rating", "5")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let (_, v) = s.admin.get(&format!("/cases/{id}")).await;
        assert_eq!(
            (v["rating"].as_i64(), v["rating_comment"].as_str()),
            (Some(4), Some("修得很快")),
            "{v}"
        );

        // Reopening needs a reason.
        let r = c
            .post(t.url(&format!("/track/{token}/reopen")))
            .form(&[("reason", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("data-field=\"reason\""));
        let r = c
            .post(t.url(&format!("/track/{token}/reopen")))
            .form(&[("reason", "又不亮了")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let html = page(&c, &t, &location(&r)).await;
        assert!(html.contains("data-status=\"reopened\""), "{html}");
        assert_eq!(c.get(t.url("/track/not-a-token")).send().await.unwrap().status(), 404);
    }
);

both!(
    c3_work_list_and_case_page_offer_only_the_allowed_steps,
    |t: TestApp| async move {
        let s = staff(&t).await;
        let (id, _) = report(&t, "沿街商铺占道经营").await;
        let (worker, csrf) = browser(&t, "worker_a").await;

        // The worker's list shows the case; the navigation counts it.
        let html = page(&worker, &t, "/cases").await;
        assert!(html.contains(&format!("href=\"/cases/{id}\"")), "{html}");
        assert!(
            html.contains("id=\"nav-cases\"") && html.contains("class=\"badge\""),
            "{html}"
        );
        // Worker B's grid is another: not on B's list, and B cannot open it.
        let (worker_b, _) = browser(&t, "worker_b").await;
        assert!(!page(&worker_b, &t, "/cases").await.contains(&format!("href=\"/cases/{id}\"")));
        assert_eq!(
            worker_b.get(t.url(&format!("/cases/{id}"))).send().await.unwrap().status(),
            404
        );

        // The page has exactly one form per step the app allows this user now.
        let allowed = |v: &Value| -> Vec<String> {
            v["actions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect()
        };
        let html = page(&worker, &t, &format!("/cases/{id}")).await;
        let (_, v) = s.worker_a.get(&format!("/cases/{id}")).await;
        assert_eq!(forms_on(&html), allowed(&v));
        assert!(
            forms_on(&html).contains(&"register".to_string()) && !forms_on(&html).contains(&"reject".to_string()),
            "{html}"
        );

        let send = |fields: Vec<(&'static str, String)>, files: Vec<(&'static str, &'static str, &'static [u8])>| {
            let worker = worker.clone();
            let t = &t;
            let csrf = csrf.clone();
            async move {
                let mut all: Vec<(&str, String)> = vec![("csrf", csrf)];
                all.extend(fields);
                let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post_multipart(&worker, t, &format!("/cases/{id}/act"), &refs, &files).await
            }
        };
        let version = |v: &Value| v["version"].as_i64().unwrap().to_string();
        let r = send(
            vec![
                ("action", "register".into()),
                ("version", version(&v)),
                ("note", "核实属实".into()),
            ],
            vec![],
        )
        .await;
        assert_eq!(
            (r.status().as_u16(), location(&r)),
            (303, format!("/cases/{id}?done=register"))
        );
        // A form from a page that is out of date is refused, not applied twice.
        let r = send(vec![("action", "register".into()), ("version", version(&v))], vec![]).await;
        assert_eq!(r.status(), 409);
        let html = r.text().await.unwrap();
        assert!(html.contains("data-refusal="), "{html}");

        let html = page(&worker, &t, &format!("/cases/{id}?done=register")).await;
        assert!(html.contains("id=\"done\"") && html.contains("核实属实"), "{html}");
        let (_, v) = s.worker_a.get(&format!("/cases/{id}")).await;
        assert_eq!(forms_on(&html), allowed(&v));
        // A grid worker dispatches within the grid only.
        let dispatch = html
            .split("data-action=\"dispatch\"")
            .nth(1)
            .unwrap()
            .split("</details>")
            .next()
            .unwrap();
        assert!(
            dispatch.contains("value=\"grid\"") && !dispatch.contains("value=\"department\""),
            "{dispatch}"
        );
        let r = send(
            vec![
                ("action", "dispatch".into()),
                ("version", version(&v)),
                ("to_tier", "grid".into()),
            ],
            vec![],
        )
        .await;
        assert_eq!(r.status(), 303);
        // Sending back without a reason: the message sits beside the reason of that form.
        let (_, v) = s.worker_a.get(&format!("/cases/{id}")).await;
        let r = send(
            vec![
                ("action", "send_back".into()),
                ("version", version(&v)),
                ("reason", "".into()),
            ],
            vec![],
        )
        .await;
        assert_eq!(r.status(), 400);
        let html = r.text().await.unwrap();
        let form = html
            .split("data-action=\"send_back\" open")
            .nth(1)
            .expect("the refused form is open")
            .split("</details>")
            .next()
            .unwrap();
        assert!(form.contains("data-field=\"reason\""), "{form}");
        for a in ["accept", "start"] {
            let (_, v) = s.worker_a.get(&format!("/cases/{id}")).await;
            let r = send(vec![("action", a.into()), ("version", version(&v))], vec![]).await;
            assert_eq!(r.status(), 303, "{a}");
        }
        // Handling with an after photo and the reply to the reporter.
        let (_, v) = s.worker_a.get(&format!("/cases/{id}")).await;
        let html = page(&worker, &t, &format!("/cases/{id}")).await;
        assert_eq!(forms_on(&html), allowed(&v));
        let handle = html
            .split("data-action=\"handle\"")
            .nth(1)
            .unwrap()
            .split("</details>")
            .next()
            .unwrap();
        assert!(
            handle.contains("name=\"photos\"") && handle.contains("name=\"reply\""),
            "{handle}"
        );
        let r = send(
            vec![
                ("action", "handle".into()),
                ("version", version(&v)),
                ("reply", "已劝离".into()),
            ],
            vec![("photos", "after.png", PNG)],
        )
        .await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        let (_, v) = s.worker_a.get(&format!("/cases/{id}")).await;
        assert_eq!(
            (v["status"].as_str(), v["final_reply"].as_str()),
            (Some("handled"), Some("已劝离"))
        );
        assert!(
            v["attachments"].as_array().unwrap().iter().any(|a| a["purpose"] == "after"),
            "{v}"
        );
        // The handler does not check their own work: no verify form, and a forged one is refused.
        let html = page(&worker, &t, &format!("/cases/{id}")).await;
        assert!(forms_on(&html).is_empty() && html.contains("id=\"no-actions\""), "{html}");
        assert!(html.contains("data-purpose=\"after\""));
        let r = send(vec![("action", "verify".into())], vec![]).await;
        assert_eq!(r.status(), 403);

        // The secretary checks and closes from the page.
        let (sec, sec_csrf) = browser(&t, "secretary").await;
        let html = page(&sec, &t, &format!("/cases/{id}")).await;
        let (_, v) = s.secretary.get(&format!("/cases/{id}")).await;
        assert_eq!(forms_on(&html), allowed(&v));
        assert!(forms_on(&html).contains(&"verify".to_string()) && forms_on(&html).contains(&"return_for_rework".to_string()));
        for a in ["verify", "close"] {
            let (_, v) = s.secretary.get(&format!("/cases/{id}")).await;
            let ver = version(&v);
            let r = post_multipart(
                &sec,
                &t,
                &format!("/cases/{id}/act"),
                &[("csrf", &sec_csrf), ("action", a), ("version", &ver)],
                &[],
            )
            .await;
            assert_eq!(r.status(), 303, "{a}");
        }
        let (_, v) = s.admin.get(&format!("/cases/{id}")).await;
        assert_eq!(v["status"], "closed");
        // The form without the session's token is refused.
        let r = post_multipart(
            &sec,
            &t,
            &format!("/cases/{id}/act"),
            &[("csrf", "forged"), ("action", "reopen")],
            &[],
        )
        .await;
        assert_eq!(r.status(), 403);
    }
);

both!(c3_command_centre_dispatches_jointly_from_the_page, |t: TestApp| async move {
    let s = staff(&t).await;
    let (id, _) = report(&t, "油烟扰民").await;
    step(&s.admin, id, json!({"action": "register"})).await;
    let (admin, csrf) = browser(&t, "admin").await;
    let html = page(&admin, &t, &format!("/cases/{id}")).await;
    let dispatch = html
        .split("data-action=\"dispatch\"")
        .nth(1)
        .unwrap()
        .split("</details>")
        .next()
        .unwrap();
    for tier in ["grid", "community", "command_centre", "department"] {
        assert!(dispatch.contains(&format!("value=\"{tier}\"")), "{tier}: {dispatch}");
    }
    assert!(dispatch.contains("value=\"city_management\"") && dispatch.contains("name=\"co_handlers\""));
    let (_, v) = s.admin.get(&format!("/cases/{id}")).await;
    let ver = v["version"].as_i64().unwrap().to_string();
    // A department is required for a department.
    let r = post_multipart(
        &admin,
        &t,
        &format!("/cases/{id}/act"),
        &[
            ("csrf", &csrf),
            ("action", "dispatch"),
            ("version", &ver),
            ("to_tier", "department"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("data-field=\"to_department\""));
    let r = post_multipart(
        &admin,
        &t,
        &format!("/cases/{id}/act"),
        &[
            ("csrf", &csrf),
            ("action", "dispatch"),
            ("version", &ver),
            ("to_tier", "department"),
            ("to_department", "city_management"),
            ("co_handlers", "sanitation"),
            ("co_handlers", "market_supervision"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), 303);
    let html = page(&admin, &t, &format!("/cases/{id}")).await;
    assert!(
        html.contains("城管执法") && html.contains("联办任务") && html.contains("市场监管"),
        "{html}"
    );
    assert!(forms_on(&html).contains(&"waive_subtask".to_string()), "{html}");
});

both!(c1_staff_intake_offers_the_channels_of_the_post, |t: TestApp| async move {
    let s = staff(&t).await;
    let (worker, csrf) = browser(&t, "worker_a").await;
    let html = page(&worker, &t, "/cases/new").await;
    assert!(
        html.contains("value=\"field\"") && !html.contains("value=\"hotline\""),
        "{html}"
    );
    let r = post_multipart(
        &worker,
        &t,
        "/cases/new",
        &[
            ("csrf", &csrf),
            ("channel", "hotline"),
            ("category", CATEGORY),
            ("description", "x"),
            ("lat", LAT),
            ("lng", LNG),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("data-field=\"channel\""));
    let r = post_multipart(
        &worker,
        &t,
        "/cases/new",
        &[
            ("csrf", &csrf),
            ("channel", "field"),
            ("category", CATEGORY),
            ("description", "巡查发现井盖破损"),
            ("lat", LAT),
            ("lng", LNG),
        ],
        &[("photos", "well.png", PNG)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.starts_with("/cases/") && to.contains("?track="), "{to}");
    let html = page(&worker, &t, &to).await;
    assert!(
        html.contains("id=\"track-link\"") && html.contains("网格巡查上报") && html.contains("data-purpose=\"report\""),
        "{html}"
    );

    // The command centre takes a hotline call with the caller's contact.
    let (admin, admin_csrf) = browser(&t, "admin").await;
    let html = page(&admin, &t, "/cases/new").await;
    assert!(html.contains("value=\"hotline\""), "{html}");
    let r = post_multipart(
        &admin,
        &t,
        "/cases/new",
        &[
            ("csrf", &admin_csrf),
            ("channel", "hotline"),
            ("category", CATEGORY),
            ("description", "来电反映垃圾未清运"),
            ("address", "幸福路12号"),
            ("reporter_name", "李先生"),
            ("reporter_phone", "13900002222"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let id: i64 = location(&r)["/cases/".len()..].split('?').next().unwrap().parse().unwrap();
    let (_, v) = s.admin.get(&format!("/cases/{id}")).await;
    assert_eq!(
        (v["channel"].as_str(), v["reporter_phone"].as_str()),
        (Some("hotline"), Some("13900002222")),
        "{v}"
    );
});

both!(c11_weekly_list_and_notifications, |t: TestApp| async move {
    let s = staff(&t).await;
    let (id, _) = report(&t, "楼道堆物").await;
    let (sec, _) = browser(&t, "secretary").await;
    let html = page(&sec, &t, "/cases/weekly").await;
    assert!(
        html.contains(&format!("href=\"/cases/{id}\"")) && html.contains("id=\"print-page\""),
        "{html}"
    );
    assert_eq!(
        sec.get(t.url("/cases/weekly?day=2026-13-01")).send().await.unwrap().status(),
        400,
        "a bad date is named"
    );
    // Grid staff hold no community meeting.
    let (worker, csrf) = browser(&t, "worker_a").await;
    assert!(!page(&worker, &t, "/cases").await.contains("href=\"/cases/weekly\""));

    // The new case was announced to the grid's staff.
    let html = page(&worker, &t, "/notifications").await;
    assert!(
        html.contains("data-kind=\"new_case\"") && html.contains(&format!("href=\"/cases/{id}\"")),
        "{html}"
    );
    assert!(html.contains("id=\"mark-read\""));
    let r = worker
        .post(t.url("/notifications/read"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/notifications".to_string()));
    let html = page(&worker, &t, "/notifications").await;
    assert!(
        !html.contains("id=\"mark-read\"") && !html.contains("class=\"unread\""),
        "{html}"
    );
    let (_, n) = s.worker_a.get("/notifications").await;
    assert_eq!(n["unread"], 0);
});

both!(c3_a_resident_sees_no_staff_case_links, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let residents = add_residents(&t, 1).await;
    let (resident, csrf) = browser(&t, &residents[0].username).await;
    let home = page(&resident, &t, "/").await;
    assert!(home.contains("href=\"/report\""), "{home}");
    for staff_only in [
        "href=\"/cases\"",
        "href=\"/cases/new\"",
        "href=\"/notifications\"",
        "id=\"nav-cases\"",
    ] {
        assert!(!home.contains(staff_only), "a resident sees {staff_only}");
    }
    assert_eq!(resident.get(t.url("/cases")).send().await.unwrap().status(), 403);
    assert_eq!(resident.get(t.url("/cases/new")).send().await.unwrap().status(), 403);
    // The resident reports from the account; no contact is asked for.
    let html = page(&resident, &t, "/report").await;
    assert!(!html.contains("name=\"anonymous\""), "{html}");
    let r = post_multipart(
        &resident,
        &t,
        "/report",
        &[
            ("csrf", &csrf),
            ("category", CATEGORY),
            ("description", "电梯故障"),
            ("lat", LAT),
            ("lng", LNG),
            ("crs", "wgs84"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, mine) = residents[0].api.get("/cases/reported").await;
    assert_eq!(mine["items"][0]["description"], "电梯故障", "{mine}");
    assert_eq!(mine["items"][0]["channel"], "resident");
    // Staff see the cases link with the count of their open cases.
    let (worker, _) = browser(&t, "worker_a").await;
    let home = page(&worker, &t, "/").await;
    assert!(
        home.contains("href=\"/cases\"") && home.contains("href=\"/cases/new\""),
        "{home}"
    );
});

both!(c6_signed_in_resident_follows_and_rates_own_reports, |t: TestApp| async move {
    let s = staff(&t).await;
    let residents = add_residents(&t, 2).await;
    let (resident, csrf) = browser(&t, &residents[0].username).await;
    let (other, other_csrf) = browser(&t, &residents[1].username).await;
    let html = page(&other, &t, "/reports").await;
    assert!(html.contains("id=\"no-reports\""), "an empty list says so: {html}");
    assert!(page(&resident, &t, "/").await.contains("href=\"/reports\""));

    let r = post_multipart(
        &resident,
        &t,
        "/report",
        &[
            ("csrf", &csrf),
            ("category", CATEGORY),
            ("description", "楼道灯不亮"),
            ("lat", LAT),
            ("lng", LNG),
            ("crs", "wgs84"),
        ],
        &[("photos", "dark.png", PNG)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, mine) = residents[0].api.get("/cases/reported").await;
    let id = mine["items"][0]["id"].as_i64().unwrap();
    let html = page(&resident, &t, "/reports").await;
    assert!(
        html.contains(&format!("href=\"/reports/{id}\"")) && html.contains("楼道灯不亮"),
        "{html}"
    );
    // The report's page, without the private link; photos load on the session.
    let html = page(&resident, &t, &format!("/reports/{id}")).await;
    assert!(
        html.contains("data-status=\"received\"") && !html.contains("id=\"rate-form\""),
        "{html}"
    );
    let photo = html
        .split("<img src=\"/api/v1/attachments/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|rest| format!("/api/v1/attachments/{rest}"))
        .unwrap_or_else(|| panic!("no photo: {html}"));
    assert!(!photo.contains("token"), "{photo}");
    assert_eq!(resident.get(t.url(&photo)).send().await.unwrap().status(), 200);
    // Nobody else's: another resident finds nothing, and may not act on it.
    assert_eq!(
        other.get(t.url(&format!("/reports/{id}"))).send().await.unwrap().status(),
        404
    );
    let (st, _, _) = post_form(
        &other,
        &t,
        &format!("/reports/{id}/rate"),
        &[("csrf", &other_csrf), ("rating", "1")],
    )
    .await;
    assert_eq!(st, 404);

    for (who, body) in [
        (&s.worker_a, json!({"action": "register"})),
        (&s.worker_a, json!({"action": "dispatch", "to": {"tier": "grid"}})),
        (&s.worker_a, json!({"action": "accept"})),
        (&s.worker_a, json!({"action": "start"})),
        (&s.worker_a, json!({"action": "handle", "reply": "已更换灯泡"})),
        (&s.secretary, json!({"action": "verify"})),
        (&s.secretary, json!({"action": "close"})),
    ] {
        step(who, id, body).await;
    }
    let html = page(&resident, &t, &format!("/reports/{id}")).await;
    assert!(
        html.contains("已更换灯泡") && html.contains(&format!("action=\"&#x2f;reports&#x2f;{id}/rate\"")),
        "{html}"
    );
    // A forged token is refused; a rating out of range is named beside the field.
    let (st, _, _) = post_form(
        &resident,
        &t,
        &format!("/reports/{id}/rate"),
        &[("csrf", "forged"), ("rating", "5")],
    )
    .await;
    assert_eq!(st, 403);
    let (st, _, html) = post_form(
        &resident,
        &t,
        &format!("/reports/{id}/rate"),
        &[("csrf", &csrf), ("rating", "9")],
    )
    .await;
    assert_eq!(st, 400, "{html}");
    let (st, location, _) = post_form(
        &resident,
        &t,
        &format!("/reports/{id}/rate"),
        &[("csrf", &csrf), ("rating", "4"), ("comment", "很快")],
    )
    .await;
    assert_eq!((st, location), (303, format!("/reports/{id}?rated=1")));
    let (_, v) = s.secretary.get(&format!("/cases/{id}")).await;
    assert_eq!(v["rating"], 4, "{v}");
    let html = page(&resident, &t, "/reports").await;
    assert!(html.contains("★★★★☆"), "{html}");
});
