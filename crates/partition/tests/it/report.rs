//! G2: the quality report and the difference between two divisions.

use crate::common::grid;
use onegrid_partition::{diff, score};

#[test]
fn g2_report_measures_balance_cut_and_compactness() {
    // 2×2 squares of 10 m: rows as parts.
    let p = grid(2, 2, |i| [1.0, 2.0, 3.0, 6.0][i], |_, _| true);
    let r = score(&p, &[0, 0, 1, 1], None).unwrap();
    assert_eq!((r.units, r.parts), (4, 2));
    assert_eq!(r.total_load, 12.0);
    assert_eq!(r.target, 6.0);
    assert!((r.max_over_target - 1.5).abs() < 1e-12);
    assert!((r.min_over_target - 0.5).abs() < 1e-12);
    assert_eq!(r.max_over_target_bound, 1.0);
    assert_eq!(r.cut_edges, 2);
    assert_eq!(r.cut_length_m, Some(20.0));
    assert_eq!(r.non_contiguous, 0);
    // Each part is a 20×10 rectangle: area 200, perimeter 60.
    let pp = 4.0 * std::f64::consts::PI * 200.0 / 3600.0;
    assert!((r.mean_polsby_popper.unwrap() - pp).abs() < 1e-12);
    assert_eq!(r.part_list[0].perimeter_m, Some(60.0));
    assert_eq!(r.over_cap, None);
    let text = r.to_string();
    assert!(text.contains("non-contiguous parts  0"));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["cut_edges"], 2);
}

#[test]
fn g2_report_finds_non_contiguous_parts_and_cap_overloads() {
    let p = grid(3, 1, |i| [1.0, 2.0, 60.0][i], |_, _| true);
    // Cells 0 and 2 share a part across cell 1: not contiguous.
    let r = score(&p, &[7, 5, 7], Some(10.0)).unwrap();
    assert_eq!(r.non_contiguous, 1);
    assert_eq!(r.over_cap, Some(1));
    assert_eq!(r.over_cap_unavoidable, Some(0));
    assert_eq!(r.parts_lower_bound, Some(2));
    assert_eq!(r.part_list.iter().map(|x| x.part).collect::<Vec<_>>(), vec![5, 7]);
    let r = score(&p, &[0, 0, 1], Some(10.0)).unwrap();
    assert_eq!((r.over_cap, r.over_cap_unavoidable), (Some(1), Some(1)));
    assert!(score(&p, &[0, 0], None).is_err());
}

#[test]
fn g2_report_without_shapes_has_no_polsby_popper() {
    let mut p = grid(3, 1, |_| 1.0, |_, _| true);
    for u in &mut p.units {
        u.area = None;
    }
    let r = score(&p, &[0, 0, 1], None).unwrap();
    assert_eq!(r.mean_polsby_popper, None);
    assert!(r.to_string().contains("n/a"));
}

#[test]
fn g2_diff_matches_parts_by_overlap() {
    let before = [0, 0, 1, 1, 2, 2];
    // Same division, other labels.
    let d = diff(&before, &[5, 5, 3, 3, 4, 4], None).unwrap();
    assert_eq!((d.units_moved, d.parts_unchanged, d.parts_changed), (0, 3, 0));
    // Unit 3 moves from the second to the third part.
    let w = [1.0, 1.0, 1.0, 4.0, 1.0, 1.0];
    let d = diff(&before, &[0, 0, 1, 2, 2, 2], Some(&w)).unwrap();
    assert_eq!(d.units_moved, 1);
    assert_eq!(d.load_moved, 4.0);
    assert_eq!((d.parts_unchanged, d.parts_changed), (1, 2));
    assert!(d.to_string().contains("units moved           1 of 6"));
    // A new part.
    let d = diff(&before, &[0, 0, 1, 1, 2, 3], None).unwrap();
    assert_eq!((d.parts_before, d.parts_after, d.units_moved), (3, 4, 1));
    assert!(diff(&before, &[0], None).is_err());
}
