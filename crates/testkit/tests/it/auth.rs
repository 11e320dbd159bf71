use super::*;

both!(r3_login_sets_session_and_wrong_password_is_refused, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let c = t.client();
    let r = c.get(t.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");

    let r = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": "nope-nope-nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "", "password": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "password"]);

    let c = t.signed_in("admin", PASSWORD).await;
    let me: Value = c.get(t.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["user"]["username"], "admin");
    assert_eq!(me["posts"][0]["role"], "street_admin");
    assert!(me["user"].get("password_hash").is_none());
});

both!(r3_login_is_rate_limited_per_account, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let c = t.client();
    for _ in 0..onegrid_app::accounts::LOGIN_MAX_FAILURES {
        let r = c
            .post(t.url("/api/v1/auth/login"))
            .json(&json!({"username": "worker_a", "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    // Locked now, even with the right password.
    let r = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "worker_a", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    // Other accounts are not affected.
    t.signed_in("worker_b", PASSWORD).await;
});

both!(r3_bearer_token_authenticates_api_clients, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let token = t.app.create_token("secretary", "cli").await.unwrap();
    let c = reqwest::Client::new();
    let r = c.get(t.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = c.get(t.url("/api/v1/me")).bearer_auth("not-a-token").send().await.unwrap();
    assert_eq!(r.status(), 401);
});

both!(
    r3_html_login_form_needs_csrf_and_logout_ends_session,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let c = t.client();
        // A form post without the token set with the form is refused.
        let r = c
            .post(t.url("/login"))
            .form(&[("username", "admin"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let page = c.get(t.url("/login")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("id=\"login-form\""));
        let token = page
            .split("name=\"login_csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let r = c
            .post(t.url("/login"))
            .form(&[
                ("username", "admin"),
                ("password", PASSWORD),
                ("login_csrf", &token),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/");
        let home = c.get(t.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("id=\"main-nav\""));
        assert!(home.contains("lang=\"zh-CN\""));
        let csrf = home
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        // Logout with a wrong CSRF token is refused; with the right one it ends the session.
        let r = c.post(t.url("/logout")).form(&[("csrf", "forged")]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let r = c
            .post(t.url("/logout"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = c.get(t.url("/")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
    }
);

both!(i1_language_switch_is_remembered, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let c = t.signed_in("admin", PASSWORD).await;
    let zh = c.get(t.url("/map")).send().await.unwrap().text().await.unwrap();
    assert!(zh.contains("微网格地图"));
    let r = c.get(t.url("/lang?to=en&next=/map")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/map");
    let en = c.get(t.url("/map")).send().await.unwrap().text().await.unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("Micro-grid map"));
    // Remembered on the account too: a new browser signing in gets English.
    let c2 = t.client();
    let page = c2.get(t.url("/login")).send().await.unwrap().text().await.unwrap();
    let token = page
        .split("name=\"login_csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    c2.post(t.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD), ("login_csrf", &token)])
        .send()
        .await
        .unwrap();
    let en2 = c2.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(en2.contains("lang=\"en\""));
    let r = c.get(t.url("/lang?to=fr")).send().await.unwrap();
    assert_eq!(r.status(), 400);
});

both!(r4_navigation_shows_only_what_the_posts_allow, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let residents = super::participation::add_residents(&t, 1).await;
    let resident = t.signed_in(&residents[0].username, PASSWORD).await;
    let home = resident.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("href=\"/points\""));
    for staff_only in [
        "href=\"/people\"",
        "href=\"/coverage\"",
        "href=\"/transfer\"",
        "href=\"/partition\"",
        "href=\"/cases\"",
        "href=\"/cases/new\"",
        "href=\"/notifications\"",
    ] {
        assert!(!home.contains(staff_only), "a resident sees {staff_only}");
    }
    let admin = t.signed_in("admin", PASSWORD).await;
    let home = admin.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    for link in [
        "href=\"/people\"",
        "href=\"/coverage\"",
        "href=\"/transfer\"",
        "href=\"/partition\"",
        "href=\"/cases\"",
        "href=\"/cases/new\"",
        "href=\"/notifications\"",
    ] {
        assert!(home.contains(link), "the street admin misses {link}");
    }
});
