//! Benchmarks for issue 2: `locate` over the demo street and over a synthetic city of 100,000
//! micro-grids, and demo generation. Run: `cargo bench -p onegrid-demo --bench locate`.
//! Figures go to BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{MultiPolygon, polygon};
use onegrid_domain::geometry::AreaIndex;
use onegrid_domain::territory::Level;
use std::hint::black_box;

fn demo_index() -> (AreaIndex, Vec<(f64, f64)>) {
    let demo = onegrid_demo::generate(onegrid_demo::DEFAULT_SEED);
    let shapes: Vec<(i64, MultiPolygon<f64>)> = demo
        .data
        .areas
        .iter()
        .filter(|a| a.level == Level::MicroGrid)
        .enumerate()
        .filter_map(|(i, a)| a.boundary.clone().map(|b| (i as i64, b)))
        .collect();
    let points = demo
        .data
        .buildings
        .iter()
        .filter_map(|b| b.location)
        .map(|p| (p.y(), p.x()))
        .collect();
    (AreaIndex::new(shapes), points)
}

/// 100,000 squares of about 100 m on a side: a megacity's micro-grids (D3).
fn synthetic_index() -> (AreaIndex, Vec<(f64, f64)>) {
    let side = 316;
    let step = 0.001;
    let mut shapes = Vec::with_capacity(side * side);
    for i in 0..side {
        for j in 0..side {
            let (x, y) = (121.0 + i as f64 * step, 31.0 + j as f64 * step);
            let p = polygon![(x: x, y: y), (x: x + step, y: y), (x: x + step, y: y + step), (x: x, y: y + step), (x: x, y: y)];
            shapes.push(((i * side + j) as i64, MultiPolygon(vec![p])));
        }
    }
    let mut s: u64 = 7;
    let points = (0..10_000)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let a = (s >> 33) as f64 / (1u64 << 31) as f64;
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let b = (s >> 33) as f64 / (1u64 << 31) as f64;
            (31.0 + b * side as f64 * step, 121.0 + a * side as f64 * step)
        })
        .collect();
    (AreaIndex::new(shapes), points)
}

fn bench(c: &mut Criterion) {
    let (demo, demo_points) = demo_index();
    let mut i = 0;
    c.bench_function("locate/demo_street_324_micro_grids", |b| {
        b.iter(|| {
            i = (i + 1) % demo_points.len();
            black_box(demo.locate(demo_points[i].0, demo_points[i].1))
        })
    });
    let (city, city_points) = synthetic_index();
    let mut j = 0;
    c.bench_function("locate/synthetic_city_100000_micro_grids", |b| {
        b.iter(|| {
            j = (j + 1) % city_points.len();
            black_box(city.locate(city_points[j].0, city_points[j].1))
        })
    });
    c.bench_function("index/build_100000_micro_grids", |b| {
        b.iter_batched(
            || synthetic_shapes_for_build(),
            |s| black_box(AreaIndex::new(s)),
            criterion::BatchSize::LargeInput,
        )
    });
    let mut g = c.benchmark_group("demo");
    g.sample_size(10);
    g.bench_function("generate_street", |b| {
        b.iter(|| black_box(onegrid_demo::generate(onegrid_demo::DEFAULT_SEED)))
    });
    g.finish();
}

fn synthetic_shapes_for_build() -> Vec<(i64, MultiPolygon<f64>)> {
    let side = 316;
    let step = 0.001;
    (0..side * side)
        .map(|k| {
            let (x, y) = (121.0 + (k / side) as f64 * step, 31.0 + (k % side) as f64 * step);
            (
                k as i64,
                MultiPolygon(vec![
                    polygon![(x: x, y: y), (x: x + step, y: y), (x: x + step, y: y + step), (x: x, y: y + step), (x: x, y: y)],
                ]),
            )
        })
        .collect()
}

criterion_group!(benches, bench);
criterion_main!(benches);
