//! G1: division behaviour on small hand-made inputs.

use crate::common::{grid, loads, pieces_per_part};
use onegrid_partition::{Control, Options, PartitionError, Policy, Problem, Unit, partition};
use std::cell::Cell;
use std::sync::atomic::AtomicBool;

fn run(p: &Problem, o: Options) -> onegrid_partition::Assignment {
    partition(p, &o, &Control::default()).expect("partition")
}

#[test]
fn g1_grid_k_parts_are_contiguous_and_balanced() {
    let p = grid(20, 20, |_| 1.0, |_, _| true);
    for k in [2, 3, 7, 16] {
        let a = run(&p, Options::parts(k));
        assert_eq!(a.n_parts, k);
        assert!(pieces_per_part(&p, &a.parts).iter().all(|&c| c == 1));
        let t = 400.0 / k as f64;
        for l in loads(&p, &a.parts) {
            assert!(l <= 1.05 * t + 1e-9, "k={k}: load {l} over 1.05 × {t}");
        }
    }
}

#[test]
fn g1_disconnected_input_gets_a_part_per_component() {
    // Two 6×6 islands (no edge between columns 5 and 6) with 3 and 1 units of load per cell.
    let p = grid(
        12,
        6,
        |i| if i % 12 < 6 { 3.0 } else { 1.0 },
        |u, v| !(u % 12 == 5 && v % 12 == 6),
    );
    let a = run(&p, Options::parts(4));
    assert_eq!(a.n_parts, 4);
    assert!(pieces_per_part(&p, &a.parts).iter().all(|&c| c == 1));
    // The heavy island gets 3 parts, the light one 1 (highest averages).
    let left: std::collections::BTreeSet<u32> = (0..72).filter(|i| i % 12 < 6).map(|i| a.parts[i]).collect();
    assert_eq!(left.len(), 3);
    // Asking for fewer parts than components still gives one part per component.
    let a = run(&p, Options::parts(1));
    assert_eq!(a.n_parts, 2);
    assert!(!a.notes.is_empty());
}

#[test]
fn g1_zero_weight_units_are_assigned() {
    let p = grid(10, 10, |i| if i % 3 == 0 { 0.0 } else { 2.0 }, |_, _| true);
    let a = run(&p, Options::parts(5));
    assert_eq!(a.parts.len(), 100);
    assert!(pieces_per_part(&p, &a.parts).iter().all(|&c| c == 1));
    let all_zero = grid(5, 5, |_| 0.0, |_, _| true);
    let a = run(&all_zero, Options::parts(3));
    assert_eq!(a.n_parts, 3);
    assert!(pieces_per_part(&all_zero, &a.parts).iter().all(|&c| c == 1));
}

#[test]
fn g1_fixed_groups_are_never_crossed() {
    let mut p = grid(12, 12, |i| (i % 5) as f64 + 1.0, |_, _| true);
    // Three groups: left third, and the rest split by rows.
    p.groups = Some(
        (0..144)
            .map(|i| {
                if i % 12 < 4 {
                    0
                } else if i / 12 < 6 {
                    1
                } else {
                    2
                }
            })
            .collect(),
    );
    let a = run(&p, Options::parts(9));
    assert_eq!(a.n_parts, 9);
    let g = p.groups.as_ref().unwrap();
    for part in 0..a.n_parts as u32 {
        let gs: std::collections::BTreeSet<u32> = (0..144).filter(|&i| a.parts[i] == part).map(|i| g[i]).collect();
        assert_eq!(gs.len(), 1, "part {part} crosses groups {gs:?}");
    }
    assert!(pieces_per_part(&p, &a.parts).iter().all(|&c| c == 1));
}

#[test]
fn g1_cap_keeps_every_shared_part_under_the_cap() {
    let mut p = grid(15, 15, |i| ((i * 7) % 11) as f64, |_, _| true);
    p.units[100].weight = 90.0; // alone over the cap
    let cap = 40.0;
    let a = run(&p, Options::cap(cap));
    let l = loads(&p, &a.parts);
    for (part, &load) in l.iter().enumerate() {
        let units = a.parts.iter().filter(|&&x| x as usize == part).count();
        assert!(load <= cap || units == 1, "part {part}: load {load} with {units} units");
    }
    assert_eq!(l.iter().filter(|&&x| x > cap).count(), 1);
    assert!(pieces_per_part(&p, &a.parts).iter().all(|&c| c == 1));
    let total: f64 = p.units.iter().map(|u| u.weight).sum();
    let lower = 1 + ((total - 90.0) / cap).ceil() as usize;
    assert!(a.n_parts <= lower + lower / 5 + 1, "{} parts, lower bound {lower}", a.n_parts);
}

#[test]
fn g1_a_unit_heavier_than_the_target_stands_alone() {
    let mut p = grid(8, 8, |_| 1.0, |_, _| true);
    p.units[27].weight = 60.0; // target with K=4 is 123/4 ≈ 31
    let a = run(&p, Options::parts(4));
    let alone = (0..64).filter(|&i| a.parts[i] == a.parts[27]).count();
    assert_eq!(alone, 1);
    assert!(pieces_per_part(&p, &a.parts).iter().all(|&c| c == 1));
    // The others share the rest evenly: 63 / 3 = 21 each, within 5 %.
    for (part, l) in loads(&p, &a.parts).into_iter().enumerate() {
        if part as u32 != a.parts[27] {
            assert!(l <= 21.0 * 1.05 + 1e-9, "load {l}");
        }
    }
}

#[test]
fn g1_same_seed_same_result() {
    let p = grid(16, 11, |i| ((i * 13) % 7) as f64, |u, v| (u * 31 + v) % 9 != 0);
    let o = Options::parts(6).with_seed(42);
    assert_eq!(run(&p, o), run(&p, o));
    let o = Options::cap(25.0).with_seed(7);
    assert_eq!(run(&p, o), run(&p, o));
}

#[test]
fn g1_more_parts_than_units_gives_one_unit_each() {
    let p = grid(3, 2, |_| 1.0, |_, _| true);
    let a = run(&p, Options::parts(10));
    assert_eq!(a.n_parts, 6);
}

#[test]
fn g1_cancel_flag_stops_the_run() {
    let p = grid(10, 10, |_| 1.0, |_, _| true);
    let flag = AtomicBool::new(true);
    let ctrl = Control {
        cancel: Some(&flag),
        progress: None,
    };
    assert_eq!(partition(&p, &Options::parts(4), &ctrl), Err(PartitionError::Cancelled));
}

#[test]
fn g1_progress_is_reported() {
    let p = grid(10, 10, |_| 1.0, |_, _| true);
    let calls = Cell::new(0);
    let last = Cell::new((0, 0));
    let cb = |pr: onegrid_partition::Progress| {
        calls.set(calls.get() + 1);
        last.set((pr.done, pr.total));
    };
    let ctrl = Control {
        cancel: None,
        progress: Some(&cb),
    };
    partition(&p, &Options::parts(4), &ctrl).unwrap();
    assert!(calls.get() >= 2);
    assert_eq!(last.get(), (100, 100));
}

#[test]
fn g1_bad_input_is_refused_with_a_reason() {
    let p = grid(3, 3, |_| 1.0, |_, _| true);
    let err = |p: &Problem, o: Options| match partition(p, &o, &Control::default()) {
        Err(PartitionError::Invalid(m)) => m,
        other => panic!("expected an error, got {other:?}"),
    };
    assert!(err(&p, Options::parts(0)).contains("at least 1"));
    assert!(err(&p, Options::cap(0.0)).contains("cap"));
    let mut q = p.clone();
    q.units[4].weight = -1.0;
    assert!(err(&q, Options::parts(2)).contains("unit 4"));
    let mut q = p.clone();
    q.edges[0].v = 99;
    assert!(err(&q, Options::parts(2)).contains("out of range"));
    let mut q = p.clone();
    q.groups = Some(vec![0; 2]);
    assert!(err(&q, Options::parts(2)).contains("groups"));
    let empty = Problem::default();
    assert_eq!(partition(&empty, &Options::parts(3), &Control::default()).unwrap().n_parts, 0);
}

#[test]
fn g1_points_without_shapes_are_divided_by_cut() {
    // A ring of 12 points (no areas): parts must be arcs.
    let units: Vec<Unit> = (0..12)
        .map(|i| Unit::point(1.0, (i as f64).cos(), (i as f64).sin()))
        .collect();
    let edges = (0..12)
        .map(|i| onegrid_partition::Edge {
            u: i,
            v: (i + 1) % 12,
            length: None,
        })
        .collect();
    let p = Problem {
        units,
        edges,
        groups: None,
    };
    let a = run(&p, Options::parts(3));
    assert!(pieces_per_part(&p, &a.parts).iter().all(|&c| c == 1));
    assert!(loads(&p, &a.parts).iter().all(|&l| l == 4.0));
    assert!(matches!(Options::parts(3).policy, Policy::Parts(3)));
}
