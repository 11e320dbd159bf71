//! T8: import with a per-row report; a wholly bad file writes nothing; export round-trips.

use super::*;

async fn count(t: &TestApp, table: &str) -> i64 {
    let mut tx = t.app.db.read().await.unwrap();
    let streets = onegrid_store::territory::streets(&mut tx).await.unwrap();
    let mut n = 0;
    for s in streets {
        n += onegrid_store::territory::counts(&mut tx, s.id)
            .await
            .unwrap()
            .into_iter()
            .find(|(k, _)| *k == table)
            .unwrap()
            .1;
    }
    n
}

both!(
    t8_import_reports_each_bad_row_and_writes_the_good_ones,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let token = t.app.create_token("admin", "import").await.unwrap();
        let c = reqwest::Client::new();
        let before = count(&t, "buildings").await;
        let csv = "code,name,micro_grid_code,address,kind,floors,lat,lng\n\
        999001-001-001-01-01-02,新楼A,999001-001-001-01-01,测试路100号,residential,6,31.004,121.004\n\
        999001-001-001-01-01-03,,999001-001-001-01-01,测试路101号,residential,6,31.004,121.004\n\
        999001-001-001-01-01-04,新楼C,999001-001-001-01-99,测试路102号,residential,6,31.004,121.004\n\
        999001-001-001-01-01-05,新楼D,999001-001-001-01-01,测试路103号,residential,abc,31.004,121.004\n\
        999001-001-001-01-01-06,新楼E,999001-001-001-01-01,测试路104号,residential,6,95,121.004\n\
        999001-001-001-01-01-02,重复,999001-001-001-01-01,测试路105号,residential,6,31.004,121.004\n\
        999001-001-001-01-01-07,新楼G,999001-001-001-01-01,测试路106号,residential,6,,\n";
        let r = c
            .post(t.url("/api/v1/import?kind=buildings&format=csv"))
            .bearer_auth(&token)
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["rows"], 7);
        assert_eq!(report["accepted"], 2);
        assert_eq!(report["written"], true);
        let rejected: Vec<(i64, String)> = report["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["row"].as_i64().unwrap(), e["field"].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(
            rejected,
            [
                (3, "name".into()),
                (4, "micro_grid_code".into()),
                (5, "floors".into()),
                (6, "lat".into()),
                (7, "code".into())
            ]
        );
        assert!(report["rejected"][0]["reason"].as_str().unwrap().contains("required"));
        assert_eq!(count(&t, "buildings").await, before + 2);
    }
);

both!(t8_wholly_bad_file_writes_nothing, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let token = t.app.create_token("admin", "import").await.unwrap();
    let c = reqwest::Client::new();
    let before = count(&t, "residents").await;
    // Every row bad.
    let csv = "household_code,name,gender,birth_year,phone,relation\nnope,张三,M,1980,,head\n999001-001-001-01-01-01-1-0101,李四,X,1980,,head\n";
    let r = c
        .post(t.url("/api/v1/import?kind=residents"))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["written"], false);
    assert_eq!(report["rejected"].as_array().unwrap().len(), 2);
    // Wrong header.
    let r = c
        .post(t.url("/api/v1/import?kind=residents"))
        .bearer_auth(&token)
        .body("who,what\n1,2\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let report: Value = r.json().await.unwrap();
    assert!(report["file_error"].as_str().unwrap().contains("household_code"));
    // Strict mode: one bad row rejects the good ones too.
    let csv = "household_code,name,gender,birth_year,phone,relation\n999001-001-001-01-01-01-1-0101,新居民,F,1990,,child\nnope,张三,M,1980,,head\n";
    let r = c
        .post(t.url("/api/v1/import?kind=residents&strict=true"))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(count(&t, "residents").await, before);
    // Bad parameters are named.
    let r = c
        .post(t.url("/api/v1/import?kind=planets"))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["fields"][0]["field"], "kind");
});

both!(t8_import_is_scoped_and_needs_permission, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let c = reqwest::Client::new();
    // A grid worker has no import permission.
    let token = t.app.create_token("worker_a", "x").await.unwrap();
    let r = c
        .post(t.url("/api/v1/import?kind=units"))
        .bearer_auth(&token)
        .body("code,building_code,name\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The secretary of community 001 cannot import into community 002.
    let token = t.app.create_token("secretary", "x").await.unwrap();
    let csv = "code,building_code,name\n999001-001-002-01-01-01-2,999001-001-002-01-01-01,2单元\n999001-001-001-01-01-01-2,999001-001-001-01-01-01,2单元\n";
    let report: Value = c
        .post(t.url("/api/v1/import?kind=units"))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["accepted"], 1);
    assert_eq!(report["rejected"][0]["row"], 2);
    assert!(report["rejected"][0]["reason"].as_str().unwrap().contains("outside"));
});

both!(t8_export_round_trips_through_import, |t: TestApp| async move {
    fixture::load_small_street(&t).await;
    let token = t.app.create_token("admin", "x").await.unwrap();
    let c = reqwest::Client::new();
    let csv = c
        .get(t.url("/api/v1/export?kind=residents"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "household_code,name,gender,birth_year,phone,relation"
    );
    assert_eq!(text.lines().count(), 13);
    // Importing the export again is refused row by row (already there) and writes nothing.
    let r = c
        .post(t.url("/api/v1/import?kind=residents"))
        .bearer_auth(&token)
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let gj: Value = c
        .get(t.url("/api/v1/export?kind=areas&format=geojson"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(gj["features"].as_array().unwrap().len(), 1 + 2 + 3 + 6);
    // Into a fresh database, the areas GeoJSON and buildings CSV load and locate works again.
    let Some(t2) = onegrid_testkit::spawn_app(t.backend).await else {
        return;
    };
    t2.app.add_user("root", PASSWORD, None, true).await.unwrap();
    let tok2 = t2.app.create_token("root", "x").await.unwrap();
    let r: Value = c
        .post(t2.url("/api/v1/import?kind=areas&format=geojson"))
        .bearer_auth(&tok2)
        .body(gj.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["accepted"], 12, "{r}");
    let b = c
        .get(t.url("/api/v1/export?kind=buildings"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let r: Value = c
        .post(t2.url("/api/v1/import?kind=buildings"))
        .bearer_auth(&tok2)
        .body(b)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["accepted"], 6, "{r}");
    let l: Value = c
        .get(t2.url("/api/v1/locate?lat=31.005&lng=121.005"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(l["micro_grid"]["code"], "999001-001-001-01-01");
});
