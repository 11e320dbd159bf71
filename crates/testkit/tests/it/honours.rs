//! P4 over HTTP: honour lists are public and carry display names and figures only.

use super::participation::*;
use super::*;

both!(p4_honour_lists_are_public_and_show_names_only, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let r = add_residents(&t, 3).await;
    let (admin, secretary) = (Api::as_user(&t, "admin").await, Api::as_user(&t, "secretary").await);
    credit(&admin, &secretary, r[0].person_id, 3).await;
    credit(&admin, &secretary, r[1].person_id, 9).await;
    // Reversed points do not count.
    credit(&admin, &secretary, r[2].person_id, 15).await;
    let (_, awards) = admin.get("/points/awards?status=credited").await;
    let entry = awards["items"][0]["entry_id"].as_i64().unwrap();
    assert_eq!(
        secretary
            .post(&format!("/points/entries/{entry}/reverse"), json!({"note": "误登"}))
            .await
            .0,
        201
    );

    let anonymous = reqwest::Client::new();
    for period in ["month", "quarter", "year"] {
        let resp = anonymous
            .get(t.url(&format!("/api/v1/honours?period={period}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let body = resp.text().await.unwrap();
        assert!(!body.contains("1370000"), "a phone number leaked: {body}");
        let h: Value = serde_json::from_str(&body).unwrap();
        let names: Vec<&str> = h["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, [r[1].name.as_str(), r[0].name.as_str()], "{period}: {h}");
        assert_eq!(h["items"][0]["points"], 9);
        for i in h["items"].as_array().unwrap() {
            let keys: Vec<&String> = i.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), 4, "only rank, name, points, minutes: {i}");
        }
        // Residents 0 and 1 live in the first and second household of one building.
        assert_eq!(h["building_groups"][0]["points"], 12);
    }
    let east = community_id(&t, EAST).await;
    let west = community_id(&t, WEST).await;
    let (s, h) = Api::as_user(&t, "admin")
        .await
        .get(&format!("/honours?period=year&community_id={west}"))
        .await;
    assert_eq!((s, h["items"].as_array().unwrap().len()), (200, 0));
    let h: Value = anonymous
        .get(t.url(&format!("/api/v1/honours?period=month&community_id={east}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["items"].as_array().unwrap().len(), 2);
    let last_year = chrono::Datelike::year(&chrono::Utc::now()) - 1;
    let h: Value = anonymous
        .get(t.url(&format!("/api/v1/honours?period=year&at={last_year}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["items"].as_array().unwrap().len(), 0);
    let resp = anonymous.get(t.url("/api/v1/honours?period=week")).send().await.unwrap();
    assert_eq!(resp.status(), 400);
});
