//! T2: point → micro-grid over every demo micro-grid, in WGS-84 and GCJ-02; bad input named.

use super::*;
use geo::InteriorPoint;
use onegrid_domain::geometry::{multipolygon_from_geojson, wgs84_to_gcj02};

both!(
    t2_locate_finds_every_demo_micro_grid_in_wgs84_and_gcj02,
    |t: TestApp| async move {
        let outcome = t.app.load_demo(onegrid_demo::DEFAULT_SEED).await.unwrap();
        assert!(outcome.created);
        let c = t.client();
        let list: Value = c
            .get(t.url("/api/v1/micro-grids?page=1&per_page=500&geometry=true"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = list["items"].as_array().unwrap();
        assert!(items.len() >= 300, "{} micro-grids", items.len());
        assert_eq!(list["total"].as_u64().unwrap() as usize, items.len());
        for m in items {
            let mp = multipolygon_from_geojson("geometry", &m["geometry"]).unwrap();
            let p = mp.interior_point().unwrap();
            let (lat, lng) = (p.y(), p.x());
            let got: Value = c
                .get(t.url(&format!("/api/v1/locate?lat={lat}&lng={lng}")))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(got["micro_grid"]["id"], m["id"], "WGS-84 {lat},{lng} of {}", m["code"]);
            assert_eq!(got["grid"]["id"], m["grid_id"]);
            assert!(got["community"]["code"].is_string() && got["street"]["code"].is_string());
            let (glat, glng) = wgs84_to_gcj02(lat, lng);
            let got: Value = c
                .get(t.url(&format!("/api/v1/locate?lat={glat}&lng={glng}&crs=gcj02")))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(got["micro_grid"]["id"], m["id"], "GCJ-02 of {}", m["code"]);
        }
        // A second load writes nothing.
        assert!(!t.app.load_demo(onegrid_demo::DEFAULT_SEED).await.unwrap().created);
    }
);

both!(
    t2_locate_rejects_bad_coordinates_and_points_outside,
    |t: TestApp| async move {
        fixture::load_small_street(&t).await;
        let c = t.client();
        for (q, field) in [
            ("lat=abc&lng=121", "lat"),
            ("lat=91&lng=121", "lat"),
            ("lng=121", "lat"),
            ("lat=31&lng=200", "lng"),
            ("lat=31&lng=121&crs=bd09", "crs"),
        ] {
            let r = c.get(t.url(&format!("/api/v1/locate?{q}"))).send().await.unwrap();
            assert_eq!(r.status(), 400, "{q}");
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["error"]["fields"][0]["field"], field, "{q}");
            assert_eq!(e["error"]["code"], "invalid");
        }
        let r = c.get(t.url("/api/v1/locate?lat=40.0&lng=116.4")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "not_found");
        let r: Value = c
            .get(t.url("/api/v1/locate?lat=31.015&lng=121.025"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["micro_grid"]["code"], "999001-001-002-01-02");
        assert_eq!(r["community"]["code"], "999001-001-002");
    }
);
