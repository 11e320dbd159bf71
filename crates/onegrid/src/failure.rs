//! How a failed command reports itself on stderr: `error: <message>`, and for invalid input one
//! `error: <field>: <reason>` line per field (R2), so scripts and people see which value to fix.

use onegrid_app::AppError;

pub fn print(e: &anyhow::Error) {
    for line in lines(e) {
        eprintln!("{line}");
    }
}

pub fn lines(e: &anyhow::Error) -> Vec<String> {
    match e.chain().find_map(|c| c.downcast_ref::<AppError>()) {
        Some(AppError::Invalid(fields)) if !fields.is_empty() => {
            fields.iter().map(|f| format!("error: {}: {}", f.field, f.reason)).collect()
        }
        _ => vec![format!("error: {e:#}")],
    }
}

#[cfg(test)]
mod tests {
    use onegrid_domain::FieldError;

    use super::*;

    #[test]
    fn r2_invalid_input_is_reported_field_by_field() {
        let e = anyhow::Error::new(AppError::Invalid(vec![
            FieldError::new("username", "is already taken"),
            FieldError::new("password", "must be at least 10 characters"),
        ]));
        assert_eq!(
            lines(&e),
            [
                "error: username: is already taken",
                "error: password: must be at least 10 characters"
            ]
        );
    }

    #[test]
    fn r2_other_errors_keep_their_context() {
        let e = anyhow::Error::new(AppError::NotFound).context("street 310107-014");
        assert_eq!(lines(&e), ["error: street 310107-014: not found"]);
    }
}
