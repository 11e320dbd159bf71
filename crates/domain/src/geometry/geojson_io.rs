use geo::{Geometry, MultiPolygon};

use crate::FieldError;

pub fn check_lat_lng(lat: f64, lng: f64) -> Result<(), FieldError> {
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(FieldError::new("lat", "must be a number between -90 and 90"));
    }
    if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
        return Err(FieldError::new("lng", "must be a number between -180 and 180"));
    }
    Ok(())
}

/// Reads a GeoJSON Polygon or MultiPolygon (a bare geometry, or a Feature carrying one) as the
/// boundary of an area. Every coordinate must be a valid WGS-84 position.
pub fn multipolygon_from_geojson(field: &str, value: &serde_json::Value) -> Result<MultiPolygon<f64>, FieldError> {
    let gj: geojson::GeoJson =
        serde_json::from_value(value.clone()).map_err(|e| FieldError::new(field, format!("is not GeoJSON: {e}")))?;
    let geometry = match gj {
        geojson::GeoJson::Geometry(g) => g,
        geojson::GeoJson::Feature(f) => f.geometry.ok_or_else(|| FieldError::new(field, "feature has no geometry"))?,
        geojson::GeoJson::FeatureCollection(_) => {
            return Err(FieldError::new(field, "must be one geometry, not a FeatureCollection"));
        }
    };
    let g: Geometry<f64> = geometry
        .try_into()
        .map_err(|e| FieldError::new(field, format!("is not a valid geometry: {e}")))?;
    let mp = match g {
        Geometry::Polygon(p) => MultiPolygon(vec![p]),
        Geometry::MultiPolygon(mp) => mp,
        _ => return Err(FieldError::new(field, "must be a Polygon or MultiPolygon")),
    };
    for c in mp
        .iter()
        .flat_map(|p| p.exterior().coords().chain(p.interiors().iter().flat_map(|r| r.coords())))
    {
        check_lat_lng(c.y, c.x).map_err(|_| FieldError::new(field, "has a coordinate outside WGS-84 range"))?;
    }
    if mp.0.iter().any(|p| p.exterior().0.len() < 4) {
        return Err(FieldError::new(field, "has a ring with fewer than 4 positions"));
    }
    Ok(mp)
}

/// A GeoJSON Polygon when there is one part, else a MultiPolygon.
pub fn to_geojson_value(mp: &MultiPolygon<f64>) -> serde_json::Value {
    let geometry = if mp.0.len() == 1 {
        geojson::Geometry::from(&mp.0[0])
    } else {
        geojson::Geometry::from(mp)
    };
    serde_json::to_value(geometry).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn t1_reads_polygon_and_feature() {
        let poly = json!({"type": "Polygon", "coordinates": [[[121.0, 31.0], [121.1, 31.0], [121.1, 31.1], [121.0, 31.0]]]});
        assert_eq!(multipolygon_from_geojson("boundary", &poly).unwrap().0.len(), 1);
        let feature = json!({"type": "Feature", "properties": {}, "geometry": poly});
        assert!(multipolygon_from_geojson("boundary", &feature).is_ok());
        let back = to_geojson_value(&multipolygon_from_geojson("boundary", &poly).unwrap());
        assert_eq!(back["type"], "Polygon");
    }

    #[test]
    fn r2_rejects_points_and_bad_coordinates() {
        let pt = json!({"type": "Point", "coordinates": [121.0, 31.0]});
        assert_eq!(multipolygon_from_geojson("boundary", &pt).unwrap_err().field, "boundary");
        let bad = json!({"type": "Polygon", "coordinates": [[[221.0, 31.0], [121.1, 31.0], [121.1, 31.1], [221.0, 31.0]]]});
        assert!(multipolygon_from_geojson("boundary", &bad).is_err());
        assert!(check_lat_lng(91.0, 0.0).is_err());
        assert!(check_lat_lng(f64::NAN, 0.0).is_err());
        assert_eq!(check_lat_lng(0.0, 181.0).unwrap_err().field, "lng");
    }
}
