//! T1 codes: hierarchical, each level appends `-NN…` to its parent's code, e.g. `310107-003-012-04`
//! (county 6 + street 3 + community 3 + grid 2–3, after the unit-grid coding rule).

use crate::FieldError;

/// A code is 1–64 characters of ASCII letters, digits and `-`, neither starting nor ending with `-`.
pub fn check_code(field: &str, code: &str) -> Result<(), FieldError> {
    if code.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if code.len() > 64 {
        return Err(FieldError::new(field, "must be at most 64 characters"));
    }
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(FieldError::new(field, "may contain only letters, digits and '-'"));
    }
    if code.starts_with('-') || code.ends_with('-') || code.contains("--") {
        return Err(FieldError::new(field, "must not start or end with '-' or contain '--'"));
    }
    Ok(())
}

/// A child's code is its parent's code followed by `-` and one more segment.
pub fn check_child_code(field: &str, code: &str, parent_code: &str) -> Result<(), FieldError> {
    check_code(field, code)?;
    match code.strip_prefix(parent_code).and_then(|rest| rest.strip_prefix('-')) {
        Some(seg) if !seg.is_empty() && !seg.contains('-') => Ok(()),
        _ => Err(FieldError::new(
            field,
            &format!("must be the parent code '{parent_code}' followed by '-' and one segment"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t1_codes_are_hierarchical() {
        assert!(check_code("code", "310107-003").is_ok());
        assert!(check_code("code", "").is_err());
        assert!(check_code("code", "31 01").is_err());
        assert!(check_code("code", "-31").is_err());
        assert!(check_child_code("code", "310107-003-012", "310107-003").is_ok());
        assert!(check_child_code("code", "310107-003-012-04", "310107-003").is_err());
        assert!(check_child_code("code", "310107-004-012", "310107-003").is_err());
        assert!(check_child_code("code", "310107-003", "310107-003").is_err());
    }
}
