//! C1, CSV channel: a file of cases from another system (a hotline's export, last year's
//! ledger). Each row goes through the same intake as every other channel, with its own receipt
//! time; a row's `external_id` is its idempotency key, so importing a file twice adds nothing.

use chrono::{DateTime, NaiveDateTime, TimeZone};
use serde::Serialize;

use super::intake::{Intake, Source};
use super::settings;
use crate::transfer::RowError;
use crate::{Actor, App, AppError};

/// The columns; `category` and `description` are required, and a place (`lat`+`lng` or `address`).
pub const COLUMNS: [&str; 10] = [
    "external_id",
    "category",
    "description",
    "lat",
    "lng",
    "address",
    "reporter_name",
    "reporter_phone",
    "received_at",
    "anonymous",
];

const MAX_ROWS: usize = 10_000;

#[derive(Debug, Clone, Serialize)]
pub struct CaseImportReport {
    pub rows: usize,
    pub created: Vec<i64>,
    /// Rows whose `external_id` was imported before: their case, not a new one.
    pub already_imported: usize,
    pub rejected: Vec<RowError>,
    /// Why the file as a whole was refused (then nothing was written).
    pub file_error: Option<String>,
}

fn parse_time(s: &str, offset: chrono::FixedOffset) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_millis());
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f)
            && let Some(t) = offset.from_local_datetime(&t).single()
        {
            return Ok(t.timestamp_millis());
        }
    }
    Err("must be a time: 2024-05-01 09:30 (street time), RFC 3339, or epoch milliseconds".into())
}

impl App {
    pub async fn import_cases(&self, actor: &Actor, bytes: &[u8]) -> Result<CaseImportReport, AppError> {
        actor.require(onegrid_domain::people::Permission::Transfer)?;
        let mut report = CaseImportReport {
            rows: 0,
            created: Vec::new(),
            already_imported: 0,
            rejected: Vec::new(),
            file_error: None,
        };
        let whole = |mut r: CaseImportReport, why: String| {
            r.file_error = Some(why);
            Ok(r)
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            return whole(report, "the file is not UTF-8 text".into());
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
            Err(e) => return whole(report, format!("cannot read the header: {e}")),
        };
        let missing: Vec<&str> = ["category", "description"]
            .into_iter()
            .filter(|c| !headers.iter().any(|h| h == c))
            .collect();
        if !missing.is_empty() {
            return whole(
                report,
                format!(
                    "the header lacks {}; the columns are {}",
                    missing.join(", "),
                    COLUMNS.join(",")
                ),
            );
        }
        if let Some(extra) = headers.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
            return whole(
                report,
                format!("unknown column {extra:?}; the columns are {}", COLUMNS.join(",")),
            );
        }
        let mut rows = Vec::new();
        for (i, rec) in reader.records().enumerate() {
            match rec {
                Ok(r) => rows.push((
                    i + 2,
                    headers
                        .iter()
                        .cloned()
                        .zip(r.iter().map(str::to_string))
                        .collect::<std::collections::HashMap<_, _>>(),
                )),
                Err(e) => return whole(report, format!("line {}: {e}", i + 2)),
            }
        }
        if rows.len() > MAX_ROWS {
            return whole(report, format!("at most {MAX_ROWS} rows per file; split it"));
        }
        report.rows = rows.len();
        let offset = match actor.home_street() {
            Some(s) => settings::load(&mut self.db.read().await?, s).await?.calendar.offset(),
            None => chrono::FixedOffset::east_opt(8 * 3600).expect("offset"),
        };
        for (line, row) in rows {
            let get = |k: &str| row.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
            let reject = |field: &str, reason: String| RowError {
                row: line,
                field: field.into(),
                reason,
            };
            let float = |k: &str| -> Result<Option<f64>, RowError> {
                get(k)
                    .map(|v| v.parse::<f64>().map_err(|_| reject(k, "must be a number".into())))
                    .transpose()
            };
            let parsed = (|| -> Result<Intake, RowError> {
                Ok(Intake {
                    channel: Some("import".into()),
                    category: get("category").unwrap_or_default(),
                    description: get("description").unwrap_or_default(),
                    lat: float("lat")?,
                    lng: float("lng")?,
                    address: get("address"),
                    reporter_name: get("reporter_name"),
                    reporter_phone: get("reporter_phone"),
                    anonymous: matches!(get("anonymous").as_deref(), Some("1" | "true" | "yes" | "是")),
                    received_at: get("received_at")
                        .map(|v| parse_time(&v, offset).map_err(|e| reject("received_at", e)))
                        .transpose()?,
                    ..Intake::default()
                })
            })();
            let intake = match parsed {
                Ok(i) => i,
                Err(e) => {
                    report.rejected.push(e);
                    continue;
                }
            };
            let key = get("external_id").map(|id| format!("import:{id}"));
            match self.report_case(Source::User(actor), &intake, key.as_deref()).await {
                Ok(r) if r.replayed => report.already_imported += 1,
                Ok(r) => report.created.push(r.view.case.id),
                Err(AppError::Invalid(fields)) => report.rejected.extend(fields.into_iter().map(|f| reject(&f.field, f.reason))),
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }
}
