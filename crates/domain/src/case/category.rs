//! C2: the category catalogue, shipped as versioned data (`data/categories.v1.json`) and checked
//! when loaded. Following domain-cn.md §12, the tree has any depth and a code per level; a
//! category without a department or limits inherits its parent's, so a street can add a sub-item
//! without repeating the group's numbers.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::deadline::{Limit, Step};
use crate::error::{DomainError, FieldError};

/// The catalogue shipped with the binary.
pub const BUILTIN_JSON: &str = include_str!("../../data/categories.v1.json");

/// Which national catalogue a category comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// 事件 (CJ/T 214-2007 / GB/T 30428.2).
    Event,
    /// 部件 (GB/T 30428.2).
    Component,
    /// Social-governance items (GB/T 31000 "9+X", grid task lists, 12345 work orders).
    Social,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub kind: CategoryKind,
    /// The national code where one exists (event 大类+小类, e.g. `0102` 暴露垃圾).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_code: Option<String>,
    pub zh: String,
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch: Option<Limit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<Limit>,
    /// Where the numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
}

/// The limits of the two timed steps (C5), after inheritance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLimits {
    pub dispatch: Limit,
    pub handle: Limit,
}

impl StepLimits {
    pub fn for_step(&self, step: Step) -> Limit {
        match step {
            Step::Dispatch => self.dispatch,
            Step::Handle => self.handle,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct CatalogueFile {
    version: u32,
    #[serde(default)]
    about: String,
    departments: Vec<Department>,
    categories: Vec<Category>,
}

/// A checked catalogue: codes unique, parents present, every category resolves a department and
/// both step limits.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub version: u32,
    pub about: String,
    pub departments: Vec<Department>,
    pub categories: Vec<Category>,
    by_code: HashMap<String, usize>,
}

impl Catalogue {
    /// The built-in catalogue. Its validity is a test (`c2_builtin_catalogue_is_valid`).
    pub fn builtin() -> Catalogue {
        Catalogue::from_json(BUILTIN_JSON).expect("the built-in category catalogue is valid")
    }

    /// Parses and checks a catalogue, reporting every problem at once (R2).
    pub fn from_json(text: &str) -> Result<Catalogue, DomainError> {
        let file: CatalogueFile = serde_json::from_str(text).map_err(|e| DomainError::field("catalogue", e.to_string()))?;
        Catalogue::new(file.version, file.about, file.departments, file.categories)
    }

    /// Checks a catalogue assembled elsewhere: the rows a street admin has edited (C2), before
    /// they are saved.
    pub fn new(
        version: u32,
        about: String,
        departments: Vec<Department>,
        categories: Vec<Category>,
    ) -> Result<Catalogue, DomainError> {
        let by_code = categories.iter().enumerate().map(|(i, c)| (c.code.clone(), i)).collect();
        let cat = Catalogue {
            version,
            about,
            departments,
            categories,
            by_code,
        };
        let problems = cat.problems();
        if problems.is_empty() {
            Ok(cat)
        } else {
            Err(DomainError::Invalid(problems))
        }
    }

    fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut bad = |field: String, reason: &str| out.push(FieldError::new(field, reason));
        if self.version == 0 {
            bad("version".into(), "versions start at 1");
        }
        let mut depts = HashSet::new();
        for d in &self.departments {
            if !depts.insert(d.code.as_str()) {
                bad(format!("departments[{}]", d.code), "department code appears twice");
            }
            if d.code.is_empty() || d.zh.trim().is_empty() || d.en.trim().is_empty() {
                bad(
                    format!("departments[{}]", d.code),
                    "a department needs a code and zh and en names",
                );
            }
        }
        let mut seen = HashSet::new();
        for c in &self.categories {
            let f = |what: &str| format!("categories[{}].{what}", c.code);
            if !seen.insert(c.code.as_str()) {
                bad(f("code"), "category code appears twice");
            }
            if c.code.is_empty() || c.code.len() > 32 || !c.code.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                bad(f("code"), "codes are 1 to 32 letters and digits");
            }
            if c.zh.trim().is_empty() || c.en.trim().is_empty() {
                bad(f("name"), "a category needs zh and en names");
            }
            if let Some(p) = &c.parent {
                match self.get(p) {
                    None => bad(f("parent"), "parent code does not exist"),
                    Some(parent) => {
                        // Codes are hierarchical (like territory codes, T1), which also rules out cycles.
                        if !(c.code.len() > p.len() && c.code.starts_with(p.as_str())) {
                            bad(f("code"), "a code extends its parent's code");
                        }
                        if parent.kind != c.kind {
                            bad(f("kind"), "a category has its parent's kind");
                        }
                    }
                }
            }
            if c.department.as_deref().is_some_and(|d| !depts.contains(d)) {
                bad(f("department"), "department code does not exist");
            }
            if c.parent.as_deref().is_some_and(|p| self.get(p).is_none()) {
                continue; // already reported; inheritance cannot be checked through a missing parent
            }
            if self.resolve(&c.code, |c| c.department.clone()).is_none() {
                bad(f("department"), "no department on the category or its ancestors");
            }
            if self.limits(&c.code).is_none() {
                bad(f("limits"), "no dispatch and handle limits on the category or its ancestors");
            }
        }
        out
    }

    pub fn get(&self, code: &str) -> Option<&Category> {
        self.by_code.get(code).map(|i| &self.categories[*i])
    }

    pub fn department(&self, code: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.code == code)
    }

    /// The category and its ancestors, nearest first.
    pub fn lineage(&self, code: &str) -> Vec<&Category> {
        let mut out = Vec::new();
        let mut next = self.get(code);
        while let Some(c) = next {
            if out.len() > self.categories.len() {
                break;
            }
            out.push(c);
            next = c.parent.as_deref().and_then(|p| self.get(p));
        }
        out
    }

    fn resolve<T>(&self, code: &str, pick: impl Fn(&Category) -> Option<T>) -> Option<T> {
        self.lineage(code).into_iter().find_map(pick)
    }

    /// The owning department, inherited.
    pub fn owner(&self, code: &str) -> Option<&Department> {
        self.resolve(code, |c| c.department.clone()).and_then(|d| self.department(&d))
    }

    /// The step limits, each inherited separately.
    pub fn limits(&self, code: &str) -> Option<StepLimits> {
        Some(StepLimits {
            dispatch: self.resolve(code, |c| c.dispatch)?,
            handle: self.resolve(code, |c| c.handle)?,
        })
    }

    pub fn roots(&self) -> impl Iterator<Item = &Category> {
        self.categories.iter().filter(|c| c.parent.is_none())
    }

    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Category> {
        self.categories.iter().filter(move |c| c.parent.as_deref() == Some(code))
    }

    /// Categories a case can be filed under (no children): Open311 services, intake pickers.
    pub fn leaves(&self) -> impl Iterator<Item = &Category> {
        let parents: HashSet<&str> = self.categories.iter().filter_map(|c| c.parent.as_deref()).collect();
        self.categories.iter().filter(move |c| !parents.contains(c.code.as_str()))
    }
}
