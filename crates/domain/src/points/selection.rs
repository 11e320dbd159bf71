//! P2 "annual selection" (年度评选): staff of a community take the year's figures as a frozen list
//! of candidates (top volunteers, top building groups), choose whom to honour with a title and
//! citation, and publish. A published selection is a public record (公示) and never changes.
//!
//! Which years: any year from `FIRST_YEAR` up to the current one. The current year is allowed
//! because honours are often given at the year-end meeting in December; its figures are frozen
//! when the selection starts, like every year's, and staff who want later figures discard the
//! draft and start again.

use serde::{Deserialize, Serialize};

use crate::error::{Checks, DomainError, FieldError};

pub const FIRST_YEAR: i64 = 2000;
/// Candidates taken from the year's figures.
pub const VOLUNTEER_CANDIDATES: i64 = 20;
pub const BUILDING_GROUP_CANDIDATES: i64 = 10;
pub const TITLE_MAX: usize = 30;
pub const CITATION_MAX: usize = 300;
/// Choices in one request: more than the candidates of a selection, fewer than abuse.
pub const CHOICES_MAX: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectionStatus {
    Draft,
    Published,
}

impl SelectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SelectionStatus::Draft => "draft",
            SelectionStatus::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<SelectionStatus> {
        match s {
            "draft" => Some(SelectionStatus::Draft),
            "published" => Some(SelectionStatus::Published),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateKind {
    Volunteer,
    BuildingGroup,
}

impl CandidateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateKind::Volunteer => "volunteer",
            CandidateKind::BuildingGroup => "building_group",
        }
    }

    pub fn parse(s: &str) -> Option<CandidateKind> {
        match s {
            "volunteer" => Some(CandidateKind::Volunteer),
            "building_group" => Some(CandidateKind::BuildingGroup),
            _ => None,
        }
    }
}

/// A selection's year: `FIRST_YEAR` up to the current year.
pub fn check_year(year: i64, current_year: i64) -> Result<(), FieldError> {
    if (FIRST_YEAR..=current_year).contains(&year) {
        Ok(())
    } else {
        Err(FieldError::new(
            "year",
            format!("must be a year from {FIRST_YEAR} to {current_year}"),
        ))
    }
}

/// One decision about a candidate: honoured or not, with an optional title (优秀志愿者, 星级楼组 …)
/// and citation. Blank texts mean none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub chosen: bool,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub citation: Option<String>,
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

impl Choice {
    /// Trimmed texts, blanks as none.
    pub fn normalised(&self) -> Choice {
        Choice {
            id: self.id,
            chosen: self.chosen,
            title: clean(&self.title),
            citation: clean(&self.citation),
        }
    }
}

/// Every problem of a list of choices at once, each named `entries[i].field`.
pub fn check_choices(choices: &[Choice]) -> Result<(), DomainError> {
    let mut c = Checks::new();
    c.check(!choices.is_empty(), "entries", "choose at least one candidate");
    c.check(choices.len() <= CHOICES_MAX, "entries", "too many entries in one request");
    for (i, ch) in choices.iter().enumerate() {
        let ch = ch.normalised();
        if choices[..i].iter().any(|o| o.id == ch.id) {
            c.push(FieldError::new(format!("entries[{i}].id"), "is listed twice"));
        }
        if ch.title.as_deref().is_some_and(|t| t.chars().count() > TITLE_MAX) {
            c.push(FieldError::new(
                format!("entries[{i}].title"),
                format!("is at most {TITLE_MAX} characters"),
            ));
        }
        if ch.citation.as_deref().is_some_and(|t| t.chars().count() > CITATION_MAX) {
            c.push(FieldError::new(
                format!("entries[{i}].citation"),
                format!("is at most {CITATION_MAX} characters"),
            ));
        }
    }
    c.finish()
}

/// Requests the selection's state refuses (HTTP 409); the codes are part of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SelectionRefusal {
    #[error("there is already a selection for this community and year")]
    Exists,
    #[error("the selection is published and can no longer change")]
    Published,
    #[error("choose at least one candidate before publishing")]
    NothingChosen,
}

impl SelectionRefusal {
    pub fn code(self) -> &'static str {
        match self {
            SelectionRefusal::Exists => "selection_exists",
            SelectionRefusal::Published => "selection_published",
            SelectionRefusal::NothingChosen => "nothing_chosen",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p2_selection_years_up_to_the_current_one() {
        assert!(check_year(2025, 2026).is_ok());
        assert!(check_year(2026, 2026).is_ok(), "the current year, frozen at creation");
        assert_eq!(check_year(2027, 2026).unwrap_err().field, "year");
        assert_eq!(check_year(1999, 2026).unwrap_err().field, "year");
    }

    #[test]
    fn p2_choices_name_every_bad_field() {
        let ok = Choice {
            id: 1,
            chosen: true,
            title: Some(" 优秀志愿者 ".into()),
            citation: None,
        };
        assert!(check_choices(std::slice::from_ref(&ok)).is_ok());
        assert_eq!(ok.normalised().title.as_deref(), Some("优秀志愿者"));
        assert_eq!(
            Choice {
                title: Some("  ".into()),
                ..ok.clone()
            }
            .normalised()
            .title,
            None
        );
        let bad = [
            ok.clone(),
            Choice {
                id: 1,
                title: Some("长".repeat(TITLE_MAX + 1)),
                citation: Some("x".repeat(CITATION_MAX + 1)),
                ..ok.clone()
            },
        ];
        let DomainError::Invalid(f) = check_choices(&bad).unwrap_err();
        let fields: Vec<&str> = f.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["entries[1].id", "entries[1].title", "entries[1].citation"]);
        let DomainError::Invalid(f) = check_choices(&[]).unwrap_err();
        assert_eq!(f[0].field, "entries");
    }

    #[test]
    fn p2_refusal_codes() {
        assert_eq!(SelectionRefusal::Exists.code(), "selection_exists");
        assert_eq!(SelectionRefusal::Published.code(), "selection_published");
        assert_eq!(SelectionRefusal::NothingChosen.code(), "nothing_chosen");
        assert_eq!(SelectionStatus::parse("published"), Some(SelectionStatus::Published));
        assert_eq!(
            CandidateKind::parse(CandidateKind::BuildingGroup.as_str()),
            Some(CandidateKind::BuildingGroup)
        );
    }
}
