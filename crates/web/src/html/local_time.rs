//! Times are stored as epoch ms (UTC); pages show and take them in China Standard Time (UTC+8),
//! where the platform's streets are.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};

/// The value format of a `datetime-local` input.
const INPUT: &str = "%Y-%m-%dT%H:%M";

pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8")
}

/// `2024-05-01 08:30`, as lists and pages show a time.
pub fn show(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A `datetime-local` input's value for a time; empty when there is none.
pub fn input_value(ms: Option<i64>) -> String {
    ms.and_then(DateTime::from_timestamp_millis)
        .map(|t| t.with_timezone(&cst()).format(INPUT).to_string())
        .unwrap_or_default()
}

/// The time a `datetime-local` input holds; `None` when it is not one.
pub fn parse_input(text: &str) -> Option<i64> {
    NaiveDateTime::parse_from_str(text.trim(), INPUT)
        .ok()
        .and_then(|t| cst().from_local_datetime(&t).single())
        .map(|t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i1_times_round_trip_through_the_input_in_china_time() {
        let ms = parse_input("2024-05-01T08:30").unwrap();
        assert_eq!(ms, 1_714_523_400_000, "08:30 in Beijing is 00:30 UTC");
        assert_eq!(input_value(Some(ms)), "2024-05-01T08:30");
        assert_eq!(show(ms), "2024-05-01 08:30");
        assert_eq!(parse_input("tomorrow"), None);
        assert_eq!(input_value(None), "");
    }
}
