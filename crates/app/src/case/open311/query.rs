//! `GET requests` arguments: W3C datetimes (a subset of ISO 8601 with a required timezone) and
//! the filters, checked all at once with errors that name the argument (R2).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use onegrid_domain::FieldError;
use onegrid_domain::case::CaseStatus;

/// The spec's window: a query may span at most 90 days, and covers the last 90 days by default.
pub const WINDOW_DAYS: i64 = 90;
/// The spec's volume: at most the first 1000 requests.
pub const MAX_REQUESTS: i64 = 1000;

/// The arguments as sent; an empty argument means the same as an absent one (spec).
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<String>,
}

/// A checked query.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// `service_request_id` overrides every other argument.
    Ids(Vec<i64>),
    Window {
        codes: Vec<String>,
        statuses: Vec<CaseStatus>,
        from: i64,
        to: i64,
    },
}

/// Whether it ends as a date-only value does: at the end of that day.
#[derive(Clone, Copy, PartialEq)]
enum Edge {
    Start,
    End,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A W3C datetime: `2026-01-01T08:00:00+08:00`, `…Z`, fractions of a second, or minutes only;
/// a bare date `2026-01-01` is a day of the street's calendar (its start for `start_date`, its
/// end for `end_date`). A time without a timezone is refused: the spec requires one. A query
/// string that was not encoded turns `+08:00` into ` 08:00`; that space is read as the `+`.
fn w3c(s: &str, offset: FixedOffset, edge: Edge) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let day = match edge {
            Edge::Start => d,
            Edge::End => d.succ_opt()?,
        };
        let t = offset.from_local_datetime(&day.and_time(NaiveTime::MIN)).single()?;
        let t = t.with_timezone(&Utc);
        return Some(if edge == Edge::End { t - Duration::milliseconds(1) } else { t });
    }
    if !s.contains('T') {
        return None;
    }
    let mut s = s.replace(' ', "+");
    if let Some(rest) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        s = format!("{rest}+00:00");
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(&s, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    None
}

const W3C_HINT: &str = "must be a W3C datetime with a timezone, e.g. 2026-01-01T00:00:00+08:00 or 2026-01-01T00:00:00Z";

impl RequestQuery {
    /// Checks every argument; `codes` are the street's service codes, `now` the current time.
    pub fn check(&self, codes: &[String], offset: FixedOffset, now: DateTime<Utc>) -> Result<Checked, Vec<FieldError>> {
        let mut out = Vec::new();
        if let Some(ids) = given(&self.service_request_id) {
            let mut list = Vec::new();
            for part in ids.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match part.parse::<i64>() {
                    Ok(id) if id > 0 => list.push(id),
                    _ => out.push(FieldError::new(
                        "service_request_id",
                        format!("{part:?} is not a request id (a whole number)"),
                    )),
                }
            }
            if list.len() > MAX_REQUESTS as usize {
                out.push(FieldError::new(
                    "service_request_id",
                    format!("at most {MAX_REQUESTS} ids at once"),
                ));
            }
            return if out.is_empty() { Ok(Checked::Ids(list)) } else { Err(out) };
        }
        let mut wanted = Vec::new();
        if let Some(list) = given(&self.service_code) {
            for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                if codes.iter().any(|c| c == part) {
                    wanted.push(part.to_string());
                } else {
                    out.push(FieldError::new(
                        "service_code",
                        format!("{part:?} is not a service of this jurisdiction (see services.json)"),
                    ));
                }
            }
        }
        let mut statuses = Vec::new();
        if let Some(list) = given(&self.status) {
            for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let matching: Vec<CaseStatus> = match part.to_ascii_lowercase().as_str() {
                    "open" => CaseStatus::ALL.into_iter().filter(|s| s.is_open()).collect(),
                    "closed" => CaseStatus::ALL.into_iter().filter(|s| !s.is_open()).collect(),
                    _ => {
                        out.push(FieldError::new(
                            "status",
                            format!("{part:?} is not a status: use open or closed"),
                        ));
                        Vec::new()
                    }
                };
                for s in matching {
                    if !statuses.contains(&s) {
                        statuses.push(s);
                    }
                }
            }
        }
        let mut date = |name: &str, v: &Option<String>, edge: Edge| match given(v) {
            None => None,
            Some(s) => match w3c(s, offset, edge) {
                Some(t) => Some(t),
                None => {
                    out.push(FieldError::new(name, format!("{s:?} {W3C_HINT}")));
                    None
                }
            },
        };
        let start = date("start_date", &self.start_date, Edge::Start);
        let end = date("end_date", &self.end_date, Edge::End);
        let window = Duration::days(WINDOW_DAYS);
        let (from, to) = match (start, end) {
            (Some(s), Some(e)) => {
                if e < s {
                    out.push(FieldError::new("end_date", "must not be before start_date"));
                } else if e - s > window {
                    out.push(FieldError::new(
                        "end_date",
                        format!("the range from start_date may span at most {WINDOW_DAYS} days"),
                    ));
                }
                (s, e)
            }
            (Some(s), None) => (s, s + window),
            (None, Some(e)) => (e - window, e),
            (None, None) => (now - window, now),
        };
        if !out.is_empty() {
            return Err(out);
        }
        Ok(Checked::Window {
            codes: wanted,
            statuses,
            from: from.timestamp_millis(),
            to: to.timestamp_millis(),
        })
    }
}

/// A W3C datetime in the street's timezone: `2026-05-04T09:30:00+08:00`.
pub fn w3c_datetime(ms: i64, offset: FixedOffset) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&offset)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// A W3C datetime in UTC (`2026-05-04T01:30:00Z`), for consoles and logs.
pub fn w3c_utc(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn at(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    #[test]
    fn c9_w3c_datetimes_need_a_timezone() {
        let o = cst();
        for (s, want) in [
            ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
            ("2026-01-01T08:00:00+08:00", "2026-01-01T00:00:00Z"),
            ("2026-01-01T08:00:00.250+08:00", "2026-01-01T00:00:00.250Z"),
            ("2026-01-01T08:00+08:00", "2026-01-01T00:00:00Z"),
            ("2026-01-01T08:00:00 08:00", "2026-01-01T00:00:00Z"),
            ("2026-01-01T03:00:00-05:00", "2026-01-01T08:00:00Z"),
            ("2026-01-01T08:00:00+0800", "2026-01-01T00:00:00Z"),
        ] {
            assert_eq!(w3c(s, o, Edge::Start).map(|t| t.timestamp_millis()), Some(at(want)), "{s}");
        }
        for s in ["2026-01-01T08:00:00", "yesterday", "2026-13-01", "01/02/2026", ""] {
            assert_eq!(w3c(s, o, Edge::Start), None, "{s}");
        }
        // A bare date is a day of the street's calendar.
        assert_eq!(
            w3c("2026-01-02", o, Edge::Start).unwrap().timestamp_millis(),
            at("2026-01-01T16:00:00Z")
        );
        assert_eq!(
            w3c("2026-01-02", o, Edge::End).unwrap().timestamp_millis(),
            at("2026-01-02T16:00:00Z") - 1
        );
        assert_eq!(w3c_datetime(at("2026-01-01T16:30:00Z"), o), "2026-01-02T00:30:00+08:00");
        assert_eq!(
            w3c_datetime(0, FixedOffset::east_opt(0).unwrap()),
            "1970-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn c9_request_filters_are_checked_and_name_the_argument() {
        let codes = vec!["E0102".to_string(), "C0101".to_string()];
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let q = |f: &dyn Fn(&mut RequestQuery)| {
            let mut q = RequestQuery::default();
            f(&mut q);
            q.check(&codes, cst(), now)
        };
        // Defaults: the last 90 days, every code and status.
        let Ok(Checked::Window {
            codes: c,
            statuses,
            from,
            to,
        }) = q(&|_| {})
        else {
            panic!()
        };
        assert!(c.is_empty() && statuses.is_empty());
        assert_eq!((to - from) / 86_400_000, 90);
        assert_eq!(to, now.timestamp_millis());
        // Ids override everything else, even a bad status.
        assert_eq!(
            q(&|q| {
                q.service_request_id = Some("3, 5,".into());
                q.status = Some("bogus".into());
            }),
            Ok(Checked::Ids(vec![3, 5]))
        );
        // Empty means absent.
        assert!(matches!(
            q(&|q| q.service_request_id = Some(" ".into())),
            Ok(Checked::Window { .. })
        ));
        let Ok(Checked::Window { statuses, codes: c, .. }) = q(&|q| {
            q.status = Some("closed".into());
            q.service_code = Some("C0101".into());
        }) else {
            panic!()
        };
        assert_eq!(statuses, vec![CaseStatus::Closed, CaseStatus::Rejected, CaseStatus::Merged]);
        assert_eq!(c, vec!["C0101".to_string()]);
        // Every error at once, each naming its argument.
        let errs = q(&|q| {
            q.service_code = Some("E0102,X9".into());
            q.status = Some("pending".into());
            q.start_date = Some("2026-01-01T00:00:00".into());
        })
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["service_code", "status", "start_date"]);
        let errs = q(&|q| {
            q.start_date = Some("2026-01-01T00:00:00Z".into());
            q.end_date = Some("2026-05-01T00:00:00Z".into());
        })
        .unwrap_err();
        assert_eq!(errs[0].field, "end_date");
        assert!(errs[0].reason.contains("90 days"));
        let errs = q(&|q| {
            q.start_date = Some("2026-02-01".into());
            q.end_date = Some("2026-01-01".into());
        })
        .unwrap_err();
        assert_eq!(errs[0].field, "end_date");
        assert_eq!(
            q(&|q| q.service_request_id = Some("12,abc".into())).unwrap_err()[0].field,
            "service_request_id"
        );
        // One end given: a window of 90 days from (or up to) it.
        let Ok(Checked::Window { from, to, .. }) = q(&|q| q.start_date = Some("2026-01-01T00:00:00Z".into())) else {
            panic!()
        };
        assert_eq!((from, (to - from) / 86_400_000), (at("2026-01-01T00:00:00Z"), 90));
    }
}
