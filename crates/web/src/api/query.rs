//! Query-string parsing with errors that name the parameter (R2).

use std::collections::HashMap;

use onegrid_app::AppError;

pub type Params = HashMap<String, String>;

pub fn float(q: &Params, name: &str) -> Result<Option<f64>, AppError> {
    match q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| AppError::field(name, "must be a number")),
    }
}

pub fn int(q: &Params, name: &str, default: i64, min: i64, max: i64) -> Result<i64, AppError> {
    match q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|v| (min..=max).contains(v))
            .ok_or_else(|| AppError::field(name, format!("must be a whole number from {min} to {max}"))),
    }
}

pub fn flag(q: &Params, name: &str) -> Result<bool, AppError> {
    match q.get(name).map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(AppError::field(name, "must be true or false")),
    }
}

/// `page` and `per_page`, with `per_page` up to `max`.
pub fn paging(q: &Params, default_per_page: i64, max: i64) -> Result<(i64, i64), AppError> {
    let mut errs = Vec::new();
    let page = int(q, "page", 1, 1, 1_000_000).map_err(|e| errs.push(e)).unwrap_or(1);
    let per_page = int(q, "per_page", default_per_page, 1, max)
        .map_err(|e| errs.push(e))
        .unwrap_or(default_per_page);
    if errs.is_empty() {
        Ok((page, per_page))
    } else {
        Err(AppError::Invalid(
            errs.into_iter()
                .flat_map(|e| match e {
                    AppError::Invalid(f) => f,
                    _ => vec![],
                })
                .collect(),
        ))
    }
}

/// The street a request is about: `street_id` from the query, else the user's own street.
pub fn street_of(s: &crate::auth::Session, q: &Params) -> Result<i64, AppError> {
    match q.get("street_id").map(|v| v.trim()).filter(|v| !v.is_empty()) {
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| AppError::field("street_id", "must be a whole number")),
        None => s
            .actor
            .home_street()
            .ok_or_else(|| AppError::field("street_id", "is required")),
    }
}

/// `street_of`, refused (as not found) unless it is the user's own street or they are a superuser.
pub fn own_street(s: &crate::auth::Session, q: &Params) -> Result<i64, AppError> {
    let street = street_of(s, q)?;
    if !s.actor.user.superuser && s.actor.home_street() != Some(street) {
        return Err(AppError::NotFound);
    }
    Ok(street)
}
