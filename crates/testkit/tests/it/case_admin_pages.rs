//! The street admin's case pages over HTTP: a category's limits edited through its form, the
//! calendar and deadline settings, webhooks (secret shown once, disable), the CSV import of
//! cases, and grid workers kept out (403, no navigation link).

use super::cases::{report, staff};
use super::pages::*;
use super::participation::*;
use super::*;

const CATEGORY: &str = "E0102";

async fn category(admin: &Api, code: &str) -> Value {
    let (s, v) = admin.get("/case-categories").await;
    assert_eq!(s, 200, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()
        .clone()
}

/// The category's form as it would be sent unchanged, with `handle` replaced.
fn category_form<'a>(csrf: &'a str, c: &'a Value, handle: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("zh", c["zh"].as_str().unwrap()),
        ("en", c["en"].as_str().unwrap()),
        ("department", c["own"]["department"].as_str().unwrap_or("")),
        ("dispatch", c["own"]["dispatch"].as_str().unwrap_or("")),
        ("handle", handle),
        ("active", "on"),
    ]
}

both!(c2_admin_edits_a_category_limit_through_the_form, |t: TestApp| async move {
    let s = staff(&t).await;
    let (c, csrf) = browser(&t, "admin").await;
    // The admin area opens on the category table, with an edit form per category.
    let r = c.get(t.url("/cases/admin")).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), r.headers()["location"].to_str().unwrap()),
        (303, "/cases/admin/categories")
    );
    let html = page(&c, &t, "/cases/admin/categories").await;
    assert!(
        html.contains(&format!("action=\"/cases/admin/categories/{CATEGORY}\"")) && html.contains("id=\"category-table\""),
        "{html}"
    );
    let before = category(&s.admin, CATEGORY).await;
    assert_ne!(before["limits"]["handle"], "3wd", "{before}");

    let (st, location, body) = post_form(
        &c,
        &t,
        &format!("/cases/admin/categories/{CATEGORY}"),
        &category_form(&csrf, &before, "3wd"),
    )
    .await;
    assert_eq!(st, 303, "{body}");
    assert!(
        location.starts_with(&format!("/cases/admin/categories?saved={CATEGORY}")),
        "{location}"
    );
    let after = category(&s.admin, CATEGORY).await;
    assert_eq!(
        (after["limits"]["handle"].as_str(), after["own"]["handle"].as_str()),
        (Some("3wd"), Some("3wd")),
        "{after}"
    );
    assert_eq!(
        (&after["zh"], &after["en"], after["active"].as_bool()),
        (&before["zh"], &before["en"], Some(true))
    );
    let html = page(&c, &t, &location).await;
    assert!(html.contains("id=\"saved\"") && html.contains("value=\"3wd\""), "{html}");

    // A limit that is not one: the error beside the field, the form open, nothing written.
    let (st, _, html) = post_form(
        &c,
        &t,
        &format!("/cases/admin/categories/{CATEGORY}"),
        &category_form(&csrf, &before, "soon"),
    )
    .await;
    assert_eq!(st, 422, "{html}");
    assert!(
        html.contains("data-field=\"handle\"") && html.contains("id=\"form-errors\""),
        "{html}"
    );
    assert!(
        html.contains(&format!("id=\"cat-{CATEGORY}\" open")) && html.contains("value=\"soon\""),
        "{html}"
    );
    assert_eq!(category(&s.admin, CATEGORY).await["own"]["handle"], "3wd");

    // An empty limit inherits the parent's, shown as inherited in the table.
    let parent = category(&s.admin, before["parent"].as_str().unwrap()).await;
    let (st, _, body) = post_form(
        &c,
        &t,
        &format!("/cases/admin/categories/{CATEGORY}"),
        &category_form(&csrf, &before, ""),
    )
    .await;
    assert_eq!(st, 303, "{body}");
    let back = category(&s.admin, CATEGORY).await;
    assert!(back["own"]["handle"].is_null(), "{back}");
    assert_eq!(back["limits"]["handle"], parent["limits"]["handle"], "{back} {parent}");
    let html = page(&c, &t, "/cases/admin/categories").await;
    let row = html
        .split(&format!("<tr data-code=\"{CATEGORY}\""))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    let cell = row
        .split("data-col=\"handle\">")
        .nth(1)
        .unwrap()
        .split("</td>")
        .next()
        .unwrap();
    assert!(
        cell.starts_with(parent["limits"]["handle"].as_str().unwrap()) && cell.contains("muted"),
        "{cell}"
    );

    // Without the CSRF token the form is refused.
    let mut no_csrf = category_form(&csrf, &before, "9d");
    no_csrf.remove(0);
    let (st, _, _) = post_form(&c, &t, &format!("/cases/admin/categories/{CATEGORY}"), &no_csrf).await;
    assert_eq!(st, 403);
    assert!(category(&s.admin, CATEGORY).await["own"]["handle"].is_null());
});

both!(c5_settings_form_round_trips_and_shows_errors, |t: TestApp| async move {
    let s = staff(&t).await;
    let (c, csrf) = browser(&t, "admin").await;
    let html = page(&c, &t, "/cases/admin/settings").await;
    assert!(
        html.contains("name=\"periods\" value=\"09:00-12:00, 13:30-18:00\"")
            && html.contains("name=\"utc_offset\" value=\"+08:00\""),
        "{html}"
    );
    let form = [
        ("csrf", csrf.as_str()),
        ("periods", "08:30-12:00, 13:00-17:30"),
        ("weekdays", "1"),
        ("weekdays", "2"),
        ("weekdays", "3"),
        ("weekdays", "4"),
        ("weekdays", "5"),
        ("weekdays", "6"),
        ("holidays", "2026-10-01\n2026-10-02"),
        ("make_up_days", "2026-09-27"),
        ("utc_offset", "+08:00"),
        ("warn_percent", "70"),
        ("escalate_every_percent", "50"),
        ("duplicate_radius_m", "80"),
        ("duplicate_window_days", "10"),
    ];
    let (st, location, body) = post_form(&c, &t, "/cases/admin/settings", &form).await;
    assert_eq!((st, location.as_str()), (303, "/cases/admin/settings?saved=1"), "{body}");
    let (_, v) = s.admin.get("/case-settings").await;
    assert_eq!(v["calendar"]["periods"][0], json!({"start": "08:30", "end": "12:00"}), "{v}");
    assert_eq!(v["calendar"]["weekdays"], json!([1, 2, 3, 4, 5, 6]), "{v}");
    assert_eq!(v["calendar"]["holidays"], json!(["2026-10-01", "2026-10-02"]), "{v}");
    assert_eq!(v["calendar"]["make_up_days"], json!(["2026-09-27"]), "{v}");
    assert_eq!(
        (
            v["deadlines"]["warn_percent"].as_i64(),
            v["deadlines"]["escalate_every_percent"].as_i64(),
            v["duplicate_radius_m"].as_f64(),
            v["duplicate_window_days"].as_i64()
        ),
        (Some(70), Some(50), Some(80.0), Some(10)),
        "{v}"
    );
    // The page shows what was saved.
    let html = page(&c, &t, "/cases/admin/settings?saved=1").await;
    assert!(
        html.contains("id=\"saved\"") && html.contains("value=\"08:30-12:00, 13:00-17:30\""),
        "{html}"
    );
    assert!(
        html.contains("value=\"6\" checked") && !html.contains("value=\"7\" checked"),
        "{html}"
    );
    assert!(
        html.contains("2026-10-02") && html.contains("name=\"warn_percent\" value=\"70\""),
        "{html}"
    );

    // Every problem at once, beside its field; nothing written.
    let bad = [
        ("csrf", csrf.as_str()),
        ("periods", "9 to 12"),
        ("weekdays", "1"),
        ("holidays", "2026-10-01"),
        ("make_up_days", "2026-10-01"),
        ("utc_offset", "+08:00"),
        ("warn_percent", "150"),
        ("escalate_every_percent", "50"),
        ("duplicate_radius_m", "80"),
        ("duplicate_window_days", "10"),
    ];
    let (st, _, html) = post_form(&c, &t, "/cases/admin/settings", &bad).await;
    assert_eq!(st, 422, "{html}");
    for field in ["periods", "make_up_days", "warn_percent"] {
        assert!(html.contains(&format!("data-field=\"{field}\"")), "{field}: {html}");
    }
    assert!(
        !html.contains("data-field=\"duplicate_radius_m\"") && html.contains("value=\"9 to 12\""),
        "{html}"
    );
    // Values the rules refuse only after reading (the radius) are named too.
    let mut far = form.to_vec();
    far.retain(|(k, _)| *k != "duplicate_radius_m");
    far.push(("duplicate_radius_m", "9000"));
    let (st, _, html) = post_form(&c, &t, "/cases/admin/settings", &far).await;
    assert_eq!(st, 422, "{html}");
    assert!(html.contains("data-field=\"duplicate_radius_m\""), "{html}");
    let (_, after) = s.admin.get("/case-settings").await;
    assert_eq!(after, v);
});

both!(a5_webhook_secret_is_shown_once_and_disable_works, |t: TestApp| async move {
    let s = staff(&t).await;
    let (c, csrf) = browser(&t, "admin").await;
    let html = page(&c, &t, "/cases/admin/webhooks").await;
    assert!(
        html.contains("id=\"webhook-form\"") && !html.contains("id=\"webhook-table\""),
        "{html}"
    );
    let url = "https://hooks.example.org/onegrid";
    let (st, _, html) = post_form(&c, &t, "/cases/admin/webhooks", &[("csrf", &csrf), ("url", url)]).await;
    assert_eq!(st, 201, "{html}");
    let secret = html
        .split("id=\"webhook-secret\"")
        .nth(1)
        .and_then(|h| h.split("readonly value=\"").nth(1))
        .and_then(|h| h.split('"').next())
        .unwrap_or_else(|| panic!("no secret: {html}"))
        .to_string();
    assert!(secret.len() >= 16, "{secret}");
    let (_, v) = s.admin.get("/webhooks").await;
    let hook = &v["items"][0];
    let id = hook["id"].as_i64().unwrap();
    assert_eq!(
        (hook["url"].as_str(), hook["active"].as_bool()),
        (Some(url), Some(true)),
        "{v}"
    );
    assert!(!v.to_string().contains(&secret));
    // The list shows the hook, never the secret again.
    let html = page(&c, &t, "/cases/admin/webhooks").await;
    assert!(
        html.contains(&format!("id=\"hook-{id}\" data-hook=\"{id}\" data-active=\"true\"")),
        "{html}"
    );
    assert!(!html.contains(&secret) && !html.contains("id=\"webhook-secret\""), "{html}");

    // A case event is queued for the hook and listed among the deliveries.
    let (case, _) = report(&t, "井盖松动").await;
    for body in [
        json!({"action": "register"}),
        json!({"action": "dispatch", "to": {"tier": "grid"}}),
    ] {
        let (st, v) = s.admin.post(&format!("/cases/{case}/actions"), body).await;
        assert_eq!(st, 200, "{v}");
    }
    let (_, v) = s.admin.get("/webhooks").await;
    assert!(!v["deliveries"].as_array().unwrap().is_empty(), "{v}");
    let html = page(&c, &t, "/cases/admin/webhooks").await;
    let deliveries = html.split("id=\"deliveries\"").nth(1).unwrap();
    // (minijinja escapes `/` in text as `&#x2f;`.)
    assert!(
        deliveries.contains(&url.replace('/', "&#x2f;")) && deliveries.contains("case.assigned"),
        "{deliveries}"
    );

    // Disable, then enable again.
    let path = format!("/cases/admin/webhooks/{id}/active");
    let (st, location, _) = post_form(&c, &t, &path, &[("csrf", &csrf), ("active", "false")]).await;
    assert_eq!((st, location), (303, format!("/cases/admin/webhooks#hook-{id}")));
    assert_eq!(s.admin.get("/webhooks").await.1["items"][0]["active"], false);
    let html = page(&c, &t, "/cases/admin/webhooks").await;
    assert!(html.contains(&format!("data-hook=\"{id}\" data-active=\"false\"")), "{html}");
    let (st, _, _) = post_form(&c, &t, &path, &[("csrf", &csrf), ("active", "true")]).await;
    assert_eq!(st, 303);
    assert_eq!(s.admin.get("/webhooks").await.1["items"][0]["active"], true);

    // Not an http(s) address: the error beside the field, no hook added.
    let (st, _, html) = post_form(
        &c,
        &t,
        "/cases/admin/webhooks",
        &[("csrf", &csrf), ("url", "ftp://x.example")],
    )
    .await;
    assert_eq!(st, 422, "{html}");
    assert!(
        html.contains("data-field=\"url\"") && html.contains("value=\"ftp:&#x2f;&#x2f;x.example\""),
        "{html}"
    );
    assert_eq!(s.admin.get("/webhooks").await.1["items"].as_array().unwrap().len(), 1);
});

async fn upload(c: &reqwest::Client, t: &TestApp, csrf: &str, csv: &str) -> (u16, String) {
    let form = reqwest::multipart::Form::new().text("csrf", csrf.to_string()).part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("cases.csv"),
    );
    let r = c.post(t.url("/cases/admin/import")).multipart(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

both!(
    c1_csv_import_page_creates_cases_and_lists_rejected_rows,
    |t: TestApp| async move {
        let s = staff(&t).await;
        let (c, csrf) = browser(&t, "admin").await;
        let html = page(&c, &t, "/cases/admin/import").await;
        assert!(
            html.contains("enctype=\"multipart/form-data\"") && html.contains("external_id,category,description,lat,lng"),
            "{html}"
        );
        let count = |api: Api| async move { api.get("/cases?per_page=500").await.1["items"].as_array().unwrap().len() };
        let before = count(s.admin.clone()).await;
        let csv = "external_id,category,description,lat,lng,received_at\n\
               P-1,E0102,垃圾,31.005,121.005,2026-01-05 09:30\n\
               P-2,NOPE,垃圾,31.005,121.005,2026-01-05 10:00\n\
               P-3,E0102,堆物,31.005,121.005,yesterday\n\
               P-4,E0104,道路不洁,31.015,121.025,2026-01-06T08:00:00+08:00\n";
        let (st, html) = upload(&c, &t, &csrf, csv).await;
        assert_eq!(st, 200, "{html}");
        assert!(
            html.contains("<span id=\"created-count\">2</span>") && html.contains("<span id=\"rejected-count\">2</span>"),
            "{html}"
        );
        let rejected = html.split("id=\"rejected-rows\"").nth(1).unwrap_or_else(|| panic!("{html}"));
        assert!(
            rejected.contains("<td>3</td><td>category</td>") && rejected.contains("<td>4</td><td>received_at</td>"),
            "{rejected}"
        );
        assert_eq!(count(s.admin.clone()).await, before + 2);
        // Again: nothing new.
        let (_, html) = upload(&c, &t, &csrf, csv).await;
        assert!(html.contains("<span id=\"created-count\">0</span>"), "{html}");
        assert_eq!(count(s.admin.clone()).await, before + 2);
        // A file with an unknown column is refused whole.
        let (st, html) = upload(&c, &t, &csrf, "category,description,colour\nE0102,x,red\n").await;
        assert!(
            st == 200 && html.contains("colour") && !html.contains("id=\"created-count\""),
            "{html}"
        );
        // Without the CSRF token: refused.
        let (st, _) = upload(&c, &t, "", csv).await;
        assert_eq!(st, 403);
    }
);

both!(grid_workers_get_no_case_admin_pages_or_link, |t: TestApp| async move {
    let s = staff(&t).await;
    let (admin, _) = browser(&t, "admin").await;
    assert!(page(&admin, &t, "/").await.contains("id=\"nav-case-admin\""));
    let (c, csrf) = browser(&t, "worker_a").await;
    let home = page(&c, &t, "/").await;
    assert!(
        !home.contains("id=\"nav-case-admin\"") && !home.contains("/cases/admin"),
        "{home}"
    );
    for path in [
        "/cases/admin",
        "/cases/admin/categories",
        "/cases/admin/settings",
        "/cases/admin/webhooks",
        "/cases/admin/import",
    ] {
        assert_eq!(c.get(t.url(path)).send().await.unwrap().status(), 403, "{path}");
    }
    let before = category(&s.admin, CATEGORY).await;
    let (st, _, _) = post_form(
        &c,
        &t,
        &format!("/cases/admin/categories/{CATEGORY}"),
        &category_form(&csrf, &before, "1h"),
    )
    .await;
    assert_eq!(st, 403);
    assert_eq!(category(&s.admin, CATEGORY).await, before);
    let (st, _, _) = post_form(
        &c,
        &t,
        "/cases/admin/webhooks",
        &[("csrf", &csrf), ("url", "https://x.example")],
    )
    .await;
    assert_eq!(st, 403);
    assert_eq!(s.admin.get("/webhooks").await.1["items"].as_array().unwrap().len(), 0);
    let (st, _) = upload(&c, &t, &csrf, "category,description,lat,lng\nE0102,x,31.005,121.005\n").await;
    assert_eq!(st, 403);
});
