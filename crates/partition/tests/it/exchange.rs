//! G1 exchange format: GeoJSON units, edge and assignment CSV, derived adjacency.

use onegrid_partition::exchange::{
    Row, Shape, assignment_csv, parse_assignment_csv, parse_edges_csv, parse_groups_csv, parse_units_geojson,
};

/// A square of `d` degrees with its south-west corner at (lon, lat).
fn square(id: usize, weight: f64, lon: f64, lat: f64, d: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"id":{id},"weight":{weight}}},"geometry":{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]}}}}"#,
        lon + d,
        lon + d,
        lat + d,
        lat + d
    )
}

fn collection(features: &[String]) -> String {
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

#[test]
fn g1_geojson_polygons_get_area_perimeter_and_position() {
    let d = 0.001; // ≈ 111 m at the equator
    let text = collection(&[square(1, 5.0, 0.001, 0.0, d), square(0, 3.0, 0.0, 0.0, d)]);
    let u = parse_units_geojson(&text).unwrap();
    assert_eq!(u.units.len(), 2);
    assert_eq!(u.units[0].weight, 3.0); // placed by id, not by order
    let side = 6_371_008.8 * d.to_radians();
    let a = u.units[0].area.unwrap();
    assert!((a / (side * side) - 1.0).abs() < 1e-3, "area {a}");
    assert!((u.units[0].perimeter.unwrap() / (4.0 * side) - 1.0).abs() < 1e-3);
    // Positions are metres in a local plane: the second square is one side to the east.
    assert!((u.units[1].x - u.units[0].x - side).abs() < 0.5);
    assert!((u.units[1].y - u.units[0].y).abs() < 1e-6);
    // Adjacency from geometry: one shared side.
    let e = u.derive_edges();
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].u, e[0].v), (0, 1));
    assert!((e[0].length.unwrap() / side - 1.0).abs() < 1e-3);
}

#[test]
fn g1_derived_adjacency_handles_t_junctions_and_holes() {
    // Unit 0 spans two units (1 and 2) to its east, whose corners split its east side.
    let d = 0.001;
    let big = r#"{"type":"Feature","properties":{"id":0,"weight":1},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[0.001,0],[0.001,0.002],[0,0.002],[0,0]]]]}}"#;
    let text = collection(&[big.to_string(), square(1, 1.0, d, 0.0, d), square(2, 1.0, d, d, d)]);
    let u = parse_units_geojson(&text).unwrap();
    let e = u.derive_edges();
    let pairs: Vec<(u32, u32)> = e.iter().map(|e| (e.u, e.v)).collect();
    assert_eq!(pairs, vec![(0, 1), (0, 2), (1, 2)]);
    let side = 6_371_008.8 * d.to_radians();
    for edge in &e {
        assert!((edge.length.unwrap() / side - 1.0).abs() < 2e-3, "{edge:?}");
    }
    // Given area and perimeter win over computed ones.
    let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":0,"weight":2,"area_m2":50,"perim_m":30},"geometry":{"type":"Polygon","coordinates":[[[0,0],[0.001,0],[0.001,0.001],[0,0.001],[0,0]],[[0.0002,0.0002],[0.0004,0.0002],[0.0004,0.0004],[0.0002,0.0004],[0.0002,0.0002]]]}}]}"#;
    let u = parse_units_geojson(text).unwrap();
    assert_eq!((u.units[0].area, u.units[0].perimeter), (Some(50.0), Some(30.0)));
}

#[test]
fn g1_points_use_symmetric_six_nearest_neighbours() {
    let mut feats = Vec::new();
    for i in 0..30 {
        let (lon, lat) = ((i % 6) as f64 * 0.0005, (i / 6) as f64 * 0.0005);
        feats.push(format!(r#"{{"type":"Feature","properties":{{"id":{i},"weight":1}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}"#));
    }
    // A far-away point still gets linked.
    feats.push(
        r#"{"type":"Feature","properties":{"id":30,"weight":1},"geometry":{"type":"Point","coordinates":[0.05,0.05]}}"#.into(),
    );
    let u = parse_units_geojson(&collection(&feats)).unwrap();
    assert!(matches!(u.shapes[0], Shape::Point(_)));
    assert_eq!(u.units[0].area, None);
    let e = u.derive_edges();
    assert!(e.iter().all(|e| e.length.is_none() && e.u < e.v));
    let mut degree = vec![0; 31];
    for x in &e {
        degree[x.u as usize] += 1;
        degree[x.v as usize] += 1;
    }
    assert!(degree[..30].iter().all(|&d| d >= 6), "{degree:?}");
    assert!(degree[30] >= 6);
    let p = u.into_problem(e);
    let a = onegrid_partition::partition(&p, &onegrid_partition::Options::parts(3), &Default::default()).unwrap();
    assert_eq!(a.n_parts, 3);
}

#[test]
fn g1_geojson_errors_name_the_feature_and_field() {
    let ok = square(0, 1.0, 0.0, 0.0, 0.001);
    let bad_weight = ok.replace(r#""weight":1"#, r#""weight":"many""#);
    let e = parse_units_geojson(&collection(&[bad_weight])).unwrap_err();
    assert_eq!(e.row, Row::Feature(0));
    assert_eq!(e.field.as_deref(), Some("properties.weight"));
    assert!(e.to_string().starts_with("feature 0, field `properties.weight`:"), "{e}");
    let dup = collection(&[ok.clone(), ok.clone()]);
    assert!(parse_units_geojson(&dup).unwrap_err().to_string().contains("appears twice"));
    let out_of_range = collection(&[ok.replace(r#""id":0"#, r#""id":5"#)]);
    assert_eq!(
        parse_units_geojson(&out_of_range).unwrap_err().field.as_deref(),
        Some("properties.id")
    );
    let line = collection(&[ok.replace("Polygon", "LineString")]);
    assert_eq!(
        parse_units_geojson(&line).unwrap_err().field.as_deref(),
        Some("geometry.type")
    );
    assert_eq!(parse_units_geojson("[1,2]").unwrap_err().row, Row::File);
    assert!(
        parse_units_geojson(r#"{"type":"Feature"}"#)
            .unwrap_err()
            .to_string()
            .contains("FeatureCollection")
    );
    let no_geom = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":0,"weight":1}}]}"#;
    assert_eq!(parse_units_geojson(no_geom).unwrap_err().field.as_deref(), Some("geometry"));
}

#[test]
fn g1_edge_csv_is_parsed_with_line_and_field_in_errors() {
    let e = parse_edges_csv("u,v,shared_m\n0,1,12.5\n\n1,2,\r\n", 3).unwrap();
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].length, Some(12.5));
    assert_eq!(e[1].length, None);
    let e = parse_edges_csv("v,u\n1,0\n", 2).unwrap();
    assert_eq!((e[0].u, e[0].v, e[0].length), (0, 1, None));
    let err = parse_edges_csv("u,v,shared_m\n0,1,1\n0,7,2\n", 3).unwrap_err();
    assert_eq!((err.row.clone(), err.field.as_deref()), (Row::Line(3), Some("v")));
    assert!(err.to_string().starts_with("line 3, field `v`:"), "{err}");
    let err = parse_edges_csv("u,v,shared_m\n0,1,abc\n", 3).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("shared_m"));
    assert_eq!(parse_edges_csv("a,b\n", 3).unwrap_err().row, Row::Line(1));
    assert_eq!(parse_edges_csv("", 3).unwrap_err().row, Row::File);
    assert!(parse_edges_csv("u,v\n1,1\n", 3).unwrap_err().to_string().contains("itself"));
}

#[test]
fn g1_assignment_csv_round_trips_and_checks_coverage() {
    let parts = vec![2, 0, 1, 1];
    let text = assignment_csv(&parts);
    assert_eq!(text, "id,part\n0,2\n1,0\n2,1\n3,1\n");
    assert_eq!(parse_assignment_csv(&text, 4).unwrap(), parts);
    let err = parse_assignment_csv("id,part\n0,1\n2,1\n", 3).unwrap_err();
    assert!(err.to_string().contains("unit 1 has no row"), "{err}");
    let err = parse_assignment_csv("id,part\n0,1\n0,2\n", 1).unwrap_err();
    assert_eq!(err.row, Row::Line(3));
    let err = parse_assignment_csv("id,part\n0,-1\n", 1).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("part"));
    assert_eq!(parse_groups_csv("id,group\n1,4\n0,3\n", 2).unwrap(), vec![3, 4]);
}
