use serde::Serialize;

/// One rejected field and why, shown to the user beside the field (R2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("invalid input: {}", .0.iter().map(|f| format!("{}: {}", f.field, f.reason)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
}

impl DomainError {
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        DomainError::Invalid(vec![FieldError::new(field, reason)])
    }
}

/// Collects field errors so a form reports all of them at once instead of the first only.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn check(&mut self, ok: bool, field: &str, reason: &str) -> &mut Self {
        if !ok {
            self.0.push(FieldError::new(field, reason));
        }
        self
    }
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    pub fn finish(self) -> Result<(), DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self.0))
        }
    }
}
