//! P2 (optional): points expire after N years. Spending uses the oldest points first, so what is
//! left of a balance is the newest credits; whatever exceeds the credits since the cutoff is
//! older than the validity and expires, as an entry back to the issuing account. Running it
//! twice expires nothing more, because the first run already brought the balance down.

use chrono::{Datelike, NaiveDate};

pub fn expiring(balance: i64, credited_since_cutoff: i64) -> i64 {
    (balance - credited_since_cutoff.max(0)).max(0)
}

/// The first day still valid: `years` before `today` (29 February falls back to the 28th).
pub fn cutoff(today: NaiveDate, years: i64) -> NaiveDate {
    let y = today.year() - years as i32;
    NaiveDate::from_ymd_opt(y, today.month(), today.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(y, today.month(), 28).expect("valid date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p2_expiry_takes_only_what_is_older_than_the_cutoff() {
        assert_eq!(expiring(30, 10), 20);
        assert_eq!(expiring(5, 10), 0);
        assert_eq!(expiring(0, 0), 0);
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(cutoff(d, 1), NaiveDate::from_ymd_opt(2023, 2, 28).unwrap());
    }
}
