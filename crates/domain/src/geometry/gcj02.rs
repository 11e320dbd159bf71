//! GCJ-02 ("Mars coordinates") is the obfuscated datum required of maps published in China; AMap,
//! Tencent and WeChat location emit it. The forward transform is the widely published one; the
//! inverse has no closed form, so it is solved by fixed-point iteration (error < 1e-9°).

use std::f64::consts::PI;

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

fn outside_china(lat: f64, lng: f64) -> bool {
    !(72.004..=137.8347).contains(&lng) || !(0.8293..=55.8271).contains(&lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lng(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

/// Returns `(lat, lng)` in GCJ-02. Points outside China are returned unchanged, as the datum does.
pub fn wgs84_to_gcj02(lat: f64, lng: f64) -> (f64, f64) {
    if outside_china(lat, lng) {
        return (lat, lng);
    }
    let mut dlat = transform_lat(lng - 105.0, lat - 35.0);
    let mut dlng = transform_lng(lng - 105.0, lat - 35.0);
    let radlat = lat / 180.0 * PI;
    let magic = 1.0 - EE * radlat.sin() * radlat.sin();
    let sqrt_magic = magic.sqrt();
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    dlng = (dlng * 180.0) / (A / sqrt_magic * radlat.cos() * PI);
    (lat + dlat, lng + dlng)
}

/// Returns `(lat, lng)` in WGS-84 for a GCJ-02 point.
pub fn gcj02_to_wgs84(lat: f64, lng: f64) -> (f64, f64) {
    if outside_china(lat, lng) {
        return (lat, lng);
    }
    let (mut wlat, mut wlng) = (lat, lng);
    for _ in 0..30 {
        let (glat, glng) = wgs84_to_gcj02(wlat, wlng);
        let (elat, elng) = (glat - lat, glng - lng);
        wlat -= elat;
        wlng -= elng;
        if elat.abs() < 1e-10 && elng.abs() < 1e-10 {
            break;
        }
    }
    (wlat, wlng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t2_gcj02_known_offset_in_shanghai() {
        // The offset in Shanghai is about 0.002° north-west… east: lng +0.0045, lat −0.002.
        let (glat, glng) = wgs84_to_gcj02(31.25, 121.40);
        assert!((glng - 121.40 - 0.00445).abs() < 0.0005, "lng offset {}", glng - 121.40);
        assert!((glat - 31.25 + 0.00195).abs() < 0.0005, "lat offset {}", glat - 31.25);
    }

    #[test]
    fn t2_gcj02_round_trips() {
        for i in 0..50 {
            let lat = 22.0 + i as f64 * 0.37;
            let lng = 100.0 + i as f64 * 0.61;
            let (glat, glng) = wgs84_to_gcj02(lat, lng);
            let (wlat, wlng) = gcj02_to_wgs84(glat, glng);
            assert!((wlat - lat).abs() < 1e-8 && (wlng - lng).abs() < 1e-8);
        }
    }

    #[test]
    fn t2_gcj02_leaves_points_outside_china() {
        assert_eq!(wgs84_to_gcj02(60.17, 24.94), (60.17, 24.94));
    }
}
