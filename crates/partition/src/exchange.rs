//! The exchange format (SPEC G1, issue 5), parsed from text (no file I/O here):
//!
//! * units: a GeoJSON FeatureCollection in WGS-84; each feature has properties `id`
//!   (integer 0..n-1, each once) and `weight` (≥ 0), optionally `area_m2` and `perim_m`;
//!   geometry Polygon, MultiPolygon or Point. Area, perimeter and centroid are computed from
//!   polygons when not given (see [`crate::geometry`]);
//! * edges: CSV with header `u,v[,shared_m]`;
//! * assignment: CSV with header `id,part`; groups: CSV with header `id,group`.
//!
//! Errors name the row (line or feature) and the field.

use crate::geometry::{self, Polygon, Projection};
use crate::model::{Edge, Problem, Unit};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use std::fmt;

/// Where a parse error is.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// The file as a whole.
    File,
    /// 1-based line of a CSV file (the header is line 1).
    Line(usize),
    /// 0-based index of a GeoJSON feature.
    Feature(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub row: Row,
    pub field: Option<String>,
    pub message: String,
}

impl ParseError {
    fn new(row: Row, field: Option<&str>, message: impl Into<String>) -> Self {
        ParseError {
            row,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.row {
            Row::File => {}
            Row::Line(l) => write!(f, "line {l}, ")?,
            Row::Feature(i) => write!(f, "feature {i}, ")?,
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ParseError {}

/// Geometry of a unit as read (lon/lat).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Point([f64; 2]),
    Polygons(Vec<Polygon>),
}

/// Units read from GeoJSON, with their shapes kept for deriving adjacency.
#[derive(Debug, Clone)]
pub struct UnitsData {
    pub units: Vec<Unit>,
    pub shapes: Vec<Shape>,
    /// The projection used for unit positions.
    pub projection: Projection,
}

impl UnitsData {
    /// A problem with these units and the given edges (no groups).
    pub fn into_problem(self, edges: Vec<Edge>) -> Problem {
        Problem {
            units: self.units,
            edges,
            groups: None,
        }
    }

    /// Adjacency derived from geometry when no edge file is given: shared polygon boundaries
    /// (rook adjacency, edge length = shared metres) when every unit is a polygon; otherwise
    /// the k-nearest-neighbour graph (k = 6, symmetric) of unit positions, without lengths.
    /// Polygon units that share no boundary with any other unit get k-nearest-neighbour
    /// edges of length 0 (touching nothing, they add their whole perimeter to a part), and
    /// remaining components are linked at their nearest units (length 0) so the graph is
    /// connected: without an edge file there is no barrier information to respect.
    pub fn derive_edges(&self) -> Vec<Edge> {
        let pos: Vec<[f64; 2]> = self.units.iter().map(|u| [u.x, u.y]).collect();
        let polys: Option<Vec<&[Polygon]>> = self
            .shapes
            .iter()
            .map(|s| match s {
                Shape::Polygons(p) => Some(p.as_slice()),
                Shape::Point(_) => None,
            })
            .collect();
        let mut edges: Vec<Edge>;
        let zero: Option<f64>;
        match polys {
            Some(polys) => {
                edges = geometry::shared_boundaries(&polys, &self.projection);
                zero = Some(0.0);
                let mut touched = vec![false; pos.len()];
                for e in &edges {
                    touched[e.u as usize] = true;
                    touched[e.v as usize] = true;
                }
                if touched.iter().any(|t| !t) {
                    let mut have: std::collections::HashSet<(u32, u32)> = edges.iter().map(|e| (e.u, e.v)).collect();
                    for (a, b) in geometry::knn_edges(&pos, geometry::KNN) {
                        if (!touched[a as usize] || !touched[b as usize]) && have.insert((a, b)) {
                            edges.push(Edge {
                                u: a,
                                v: b,
                                length: zero,
                            });
                        }
                    }
                }
            }
            None => {
                zero = None;
                edges = geometry::knn_edges(&pos, geometry::KNN)
                    .into_iter()
                    .map(|(u, v)| Edge { u, v, length: None })
                    .collect();
            }
        }
        let pairs: Vec<(u32, u32)> = edges.iter().map(|e| (e.u, e.v)).collect();
        for (u, v) in geometry::join_components(&pos, &pairs) {
            edges.push(Edge { u, v, length: zero });
        }
        edges.sort_unstable_by_key(|e| (e.u, e.v));
        edges
    }
}

#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(borrow)]
    features: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawFeature<'a> {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<serde_json::Map<String, Value>>,
    #[serde(borrow, default)]
    geometry: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawGeometry<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow)]
    coordinates: Option<&'a RawValue>,
}

fn position(p: &[f64], row: &Row) -> Result<[f64; 2], ParseError> {
    if p.len() < 2 || !p[0].is_finite() || !p[1].is_finite() || p[1].abs() > 90.0 || p[0].abs() > 540.0 {
        return Err(ParseError::new(
            row.clone(),
            Some("geometry.coordinates"),
            format!("a position must be [longitude, latitude] in degrees, got {p:?}"),
        ));
    }
    Ok([p[0], p[1]])
}

fn polygon(rings: Vec<Vec<Vec<f64>>>, row: &Row) -> Result<Polygon, ParseError> {
    if rings.is_empty() {
        return Err(ParseError::new(
            row.clone(),
            Some("geometry.coordinates"),
            "a polygon needs at least one ring",
        ));
    }
    let mut out = Vec::with_capacity(rings.len());
    for ring in rings {
        let mut r: Vec<[f64; 2]> = ring.iter().map(|p| position(p, row)).collect::<Result<_, _>>()?;
        if r.len() > 1 && r.first() == r.last() {
            r.pop();
        }
        if r.len() < 3 {
            return Err(ParseError::new(
                row.clone(),
                Some("geometry.coordinates"),
                "a polygon ring needs at least 3 distinct positions",
            ));
        }
        out.push(r);
    }
    Ok(out)
}

fn number(props: &serde_json::Map<String, Value>, key: &str, row: &Row, required: bool) -> Result<Option<f64>, ParseError> {
    let field = format!("properties.{key}");
    match props.get(key) {
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(ParseError::new(row.clone(), Some(&field), "missing")),
        Some(Value::Number(x)) => match x.as_f64() {
            Some(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
            _ => Err(ParseError::new(
                row.clone(),
                Some(&field),
                format!("must be a number ≥ 0, got {x}"),
            )),
        },
        Some(other) => Err(ParseError::new(
            row.clone(),
            Some(&field),
            format!("must be a number ≥ 0, got {other}"),
        )),
    }
}

/// Reads units from a GeoJSON FeatureCollection.
pub fn parse_units_geojson(text: &str) -> Result<UnitsData, ParseError> {
    let fc: RawCollection =
        serde_json::from_str(text).map_err(|e| ParseError::new(Row::File, None, format!("not a GeoJSON object: {e}")))?;
    if fc.kind.as_deref() != Some("FeatureCollection") {
        return Err(ParseError::new(Row::File, Some("type"), "must be \"FeatureCollection\""));
    }
    let features = fc
        .features
        .ok_or_else(|| ParseError::new(Row::File, Some("features"), "missing"))?;
    let n = features.len();
    let mut slots: Vec<Option<(Unit, Shape)>> = vec![None; n];
    for (i, raw) in features.iter().enumerate() {
        let row = Row::Feature(i);
        let f: RawFeature = serde_json::from_str(raw.get())
            .map_err(|e| ParseError::new(row.clone(), None, format!("not a GeoJSON feature: {e}")))?;
        let props = f.properties.unwrap_or_default();
        let id_val = props.get("id").or(f.id.as_ref());
        let id = match id_val.and_then(Value::as_u64) {
            Some(id) if (id as usize) < n => id as usize,
            Some(id) => {
                return Err(ParseError::new(
                    row,
                    Some("properties.id"),
                    format!("must be in 0..{n} (ids are 0..n-1), got {id}"),
                ));
            }
            None => {
                return Err(ParseError::new(
                    row,
                    Some("properties.id"),
                    format!(
                        "must be an integer 0..{}, got {}",
                        n.saturating_sub(1),
                        id_val.map_or("nothing".to_string(), |v| v.to_string())
                    ),
                ));
            }
        };
        if slots[id].is_some() {
            return Err(ParseError::new(row, Some("properties.id"), format!("id {id} appears twice")));
        }
        let weight = number(&props, "weight", &row, true)?.unwrap();
        let area = number(&props, "area_m2", &row, false)?;
        let perim = number(&props, "perim_m", &row, false)?;
        let Some(graw) = f.geometry else {
            return Err(ParseError::new(
                row,
                Some("geometry"),
                "missing (a Point, Polygon or MultiPolygon is needed)",
            ));
        };
        let geom: RawGeometry = serde_json::from_str(graw.get())
            .map_err(|e| ParseError::new(row.clone(), Some("geometry"), format!("not a GeoJSON geometry: {e}")))?;
        let coords = geom
            .coordinates
            .ok_or_else(|| ParseError::new(row.clone(), Some("geometry.coordinates"), "missing"))?
            .get();
        let bad = |e: serde_json::Error, what: &str| {
            ParseError::new(row.clone(), Some("geometry.coordinates"), format!("not a {what}: {e}"))
        };
        let shape = match geom.kind.as_str() {
            "Point" => {
                let p: Vec<f64> = serde_json::from_str(coords).map_err(|e| bad(e, "Point"))?;
                Shape::Point(position(&p, &row)?)
            }
            "Polygon" => {
                let rings: Vec<Vec<Vec<f64>>> = serde_json::from_str(coords).map_err(|e| bad(e, "Polygon"))?;
                Shape::Polygons(vec![polygon(rings, &row)?])
            }
            "MultiPolygon" => {
                let polys: Vec<Vec<Vec<Vec<f64>>>> = serde_json::from_str(coords).map_err(|e| bad(e, "MultiPolygon"))?;
                if polys.is_empty() {
                    return Err(ParseError::new(row, Some("geometry.coordinates"), "an empty MultiPolygon"));
                }
                Shape::Polygons(polys.into_iter().map(|p| polygon(p, &row)).collect::<Result<_, _>>()?)
            }
            other => {
                return Err(ParseError::new(
                    row,
                    Some("geometry.type"),
                    format!("{other} is not supported (Point, Polygon or MultiPolygon)"),
                ));
            }
        };
        // Position holds lon/lat until the projection is known.
        let (unit, shape) = match shape {
            Shape::Point(p) => (
                Unit {
                    weight,
                    x: p[0],
                    y: p[1],
                    area,
                    perimeter: perim,
                },
                Shape::Point(p),
            ),
            Shape::Polygons(ps) => {
                let (a, pm, c) = geometry::polygon_measures(&ps);
                (
                    Unit {
                        weight,
                        x: c[0],
                        y: c[1],
                        area: Some(area.unwrap_or(a)),
                        perimeter: Some(perim.unwrap_or(pm)),
                    },
                    Shape::Polygons(ps),
                )
            }
        };
        slots[id] = Some((unit, shape));
    }
    let mut units = Vec::with_capacity(n);
    let mut shapes = Vec::with_capacity(n);
    for (id, s) in slots.into_iter().enumerate() {
        // n features, ids unique and < n: every slot is filled.
        let (u, s) = s.ok_or_else(|| ParseError::new(Row::File, Some("properties.id"), format!("no feature has id {id}")))?;
        units.push(u);
        shapes.push(s);
    }
    let (mut lo_x, mut hi_x, mut lo_y, mut hi_y) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for u in &units {
        lo_x = lo_x.min(u.x);
        hi_x = hi_x.max(u.x);
        lo_y = lo_y.min(u.y);
        hi_y = hi_y.max(u.y);
    }
    let projection = if n > 0 {
        Projection::around((lo_x + hi_x) / 2.0, (lo_y + hi_y) / 2.0)
    } else {
        Projection::around(0.0, 0.0)
    };
    for u in &mut units {
        let p = projection.project(u.x, u.y);
        u.x = p[0];
        u.y = p[1];
    }
    Ok(UnitsData {
        units,
        shapes,
        projection,
    })
}

/// A minimal CSV reader for the numeric exchange files: comma-separated, optional quotes
/// around a field, no embedded commas. Yields (line number, fields).
fn csv_rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim_end_matches('\r');
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        if line.trim().is_empty() {
            return None;
        }
        Some((i + 1, line.split(',').map(|f| f.trim().trim_matches('"').trim()).collect()))
    })
}

/// Finds the header and the column of each wanted name (`None` for missing optional ones).
fn header<'a>(
    rows: &mut impl Iterator<Item = (usize, Vec<&'a str>)>,
    required: &[&str],
    optional: &[&str],
) -> Result<(Vec<usize>, Vec<Option<usize>>), ParseError> {
    let (line, head) = rows
        .next()
        .ok_or_else(|| ParseError::new(Row::File, None, "empty file (a header line is needed)"))?;
    let find = |name: &str| head.iter().position(|h| h.eq_ignore_ascii_case(name));
    let req = required
        .iter()
        .map(|&name| {
            find(name).ok_or_else(|| {
                ParseError::new(
                    Row::Line(line),
                    Some(name),
                    format!("header must name the columns {}", required.join(",")),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok((req, optional.iter().map(|&name| find(name)).collect()))
}

fn field<'a>(fields: &[&'a str], col: usize, line: usize, name: &str) -> Result<&'a str, ParseError> {
    match fields.get(col) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ParseError::new(Row::Line(line), Some(name), "missing")),
    }
}

fn unit_id(s: &str, line: usize, name: &str, n: usize) -> Result<u32, ParseError> {
    match s.parse::<u64>() {
        Ok(v) if (v as usize) < n => Ok(v as u32),
        Ok(v) => Err(ParseError::new(
            Row::Line(line),
            Some(name),
            format!("unit id {v} is out of range 0..{n}"),
        )),
        Err(_) => Err(ParseError::new(Row::Line(line), Some(name), format!("not a unit id: {s:?}"))),
    }
}

/// Reads an edge CSV (`u,v[,shared_m]`) for `n` units.
pub fn parse_edges_csv(text: &str, n: usize) -> Result<Vec<Edge>, ParseError> {
    let mut rows = csv_rows(text);
    let (req, opt) = header(&mut rows, &["u", "v"], &["shared_m"])?;
    let mut edges = Vec::new();
    for (line, f) in rows {
        let u = unit_id(field(&f, req[0], line, "u")?, line, "u", n)?;
        let v = unit_id(field(&f, req[1], line, "v")?, line, "v", n)?;
        if u == v {
            return Err(ParseError::new(
                Row::Line(line),
                Some("v"),
                format!("an edge from unit {u} to itself"),
            ));
        }
        let length = match opt[0].and_then(|c| f.get(c)).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => match s.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    return Err(ParseError::new(
                        Row::Line(line),
                        Some("shared_m"),
                        format!("must be a number ≥ 0, got {s:?}"),
                    ));
                }
            },
        };
        edges.push(Edge { u, v, length });
    }
    Ok(edges)
}

/// Reads a CSV `id,<column>` giving a non-negative integer for every unit 0..n-1 exactly once.
fn parse_per_unit(text: &str, n: usize, column: &str) -> Result<Vec<u32>, ParseError> {
    let mut rows = csv_rows(text);
    let (req, _) = header(&mut rows, &["id", column], &[])?;
    let mut out = vec![u32::MAX; n];
    let mut first_line = vec![0usize; n];
    for (line, f) in rows {
        let id = unit_id(field(&f, req[0], line, "id")?, line, "id", n)? as usize;
        let s = field(&f, req[1], line, column)?;
        let p = s
            .parse::<u32>()
            .ok()
            .filter(|&p| p != u32::MAX)
            .ok_or_else(|| ParseError::new(Row::Line(line), Some(column), format!("must be an integer ≥ 0, got {s:?}")))?;
        if out[id] != u32::MAX {
            return Err(ParseError::new(
                Row::Line(line),
                Some("id"),
                format!("unit {id} appears again (first on line {})", first_line[id]),
            ));
        }
        out[id] = p;
        first_line[id] = line;
    }
    if let Some(missing) = out.iter().position(|&p| p == u32::MAX) {
        let count = out.iter().filter(|&&p| p == u32::MAX).count();
        return Err(ParseError::new(
            Row::File,
            Some("id"),
            format!("unit {missing} has no row ({count} of {n} units missing)"),
        ));
    }
    Ok(out)
}

/// Reads an assignment CSV (`id,part`) covering units 0..n-1.
pub fn parse_assignment_csv(text: &str, n: usize) -> Result<Vec<u32>, ParseError> {
    parse_per_unit(text, n, "part")
}

/// Reads fixed groups (`id,group`) covering units 0..n-1.
pub fn parse_groups_csv(text: &str, n: usize) -> Result<Vec<u32>, ParseError> {
    parse_per_unit(text, n, "group")
}

/// Writes an assignment as CSV `id,part`.
pub fn assignment_csv(parts: &[u32]) -> String {
    let mut s = String::with_capacity(parts.len() * 10 + 8);
    s.push_str("id,part\n");
    for (i, p) in parts.iter().enumerate() {
        s.push_str(&i.to_string());
        s.push(',');
        s.push_str(&p.to_string());
        s.push('\n');
    }
    s
}
