//! Volunteer star levels by cumulative service hours (民函〔2012〕340号: ★ 100 h, ★★ 300 h,
//! ★★★ 600 h, ★★★★ 1,000 h, ★★★★★ 1,500 h).

pub const STAR_HOURS: [i64; 5] = [100, 300, 600, 1000, 1500];

/// Stars (0–5) for `minutes` of service.
pub fn stars(minutes: i64) -> u8 {
    STAR_HOURS.iter().filter(|h| minutes >= **h * 60).count() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p1_star_levels() {
        assert_eq!(stars(0), 0);
        assert_eq!(stars(100 * 60 - 1), 0);
        assert_eq!(stars(100 * 60), 1);
        assert_eq!(stars(1500 * 60), 5);
    }
}
