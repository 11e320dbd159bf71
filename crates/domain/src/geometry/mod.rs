//! Geometry of the territory: GeoJSON in and out, the point → area index (T2) and the Chinese
//! GCJ-02 datum that map apps in China emit.

mod area_index;
mod cells;
mod gcj02;
mod geojson_io;

pub use area_index::AreaIndex;
pub use cells::{LocalFrame, voronoi_cells};
pub use gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};
pub use geojson_io::{check_lat_lng, multipolygon_from_geojson, to_geojson_value};

/// Area on the ground in square metres of a WGS-84 shape (lon/lat degrees).
pub fn area_m2<G: geo::ChamberlainDuquetteArea<f64>>(g: &G) -> f64 {
    g.chamberlain_duquette_unsigned_area()
}
