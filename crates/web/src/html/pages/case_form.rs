//! What the case pages share: reading a multipart form with photos, uploading the photos as
//! evidence (C7), the category picker (C2), and turning a refusal into messages beside the fields.

use std::collections::{BTreeMap, HashMap};

use axum::extract::Multipart;
use axum::http::StatusCode;
use minijinja::Value;
use onegrid_app::case::evidence::{MAX_BYTES, Upload, sniff};
use onegrid_app::case::{Intake, Reported};
use onegrid_app::{Actor, AppError};
use onegrid_domain::FieldError;
use onegrid_domain::case::MAX_ATTACHMENTS;
use serde::Serialize;
use serde_json::json;

use crate::state::AppState;

/// Largest text field read from a form (descriptions are 2000 characters at most).
const MAX_TEXT_BYTES: usize = 64 * 1024;

pub fn v<T: Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// A posted form: text fields (a name may repeat, like checkboxes) and the chosen files.
#[derive(Default)]
pub struct Submitted {
    pub text: HashMap<String, Vec<String>>,
    pub files: Vec<(String, Vec<u8>)>,
}

impl Submitted {
    /// Reads a multipart form; files come from the field `file_field`. A file input left empty
    /// sends a part without a name or bytes, which is not a file.
    pub async fn read(mut form: Multipart, file_field: &str) -> Result<Submitted, AppError> {
        let mut out = Submitted::default();
        let broken = |e: axum::extract::multipart::MultipartError| {
            AppError::field(file_field, format!("the form could not be read: {}", e.body_text()))
        };
        while let Some(f) = form.next_field().await.map_err(broken)? {
            let name = f.name().unwrap_or_default().to_string();
            if name == file_field {
                let file_name = f.file_name().unwrap_or_default().to_string();
                let bytes = f.bytes().await.map_err(broken)?;
                if !(file_name.is_empty() && bytes.is_empty()) {
                    out.files.push((file_name, bytes.to_vec()));
                }
            } else {
                let bytes = f.bytes().await.map_err(broken)?;
                if bytes.len() > MAX_TEXT_BYTES {
                    return Err(AppError::field(&name, "is too long"));
                }
                out.text
                    .entry(name)
                    .or_default()
                    .push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        Ok(out)
    }

    /// The field's value, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> String {
        self.text
            .get(name)
            .and_then(|v| v.first())
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// `Some(value)` when the field is filled in.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|s| !s.is_empty())
    }

    /// Every non-empty value of a repeated field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.text
            .get(name)
            .map(|v| v.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }

    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name).as_str(), "on" | "true" | "1" | "yes")
    }

    /// The text fields as the template re-shows them after a refusal (files cannot be re-sent).
    pub fn echo(&self) -> Value {
        let map: BTreeMap<&str, Value> = self
            .text
            .iter()
            .filter(|(k, _)| k.as_str() != "csrf")
            .map(|(k, vals)| {
                let value = if vals.len() > 1 {
                    v(vals)
                } else {
                    Value::from(vals.first().cloned().unwrap_or_default())
                };
                (k.as_str(), value)
            })
            .collect();
        v(&map)
    }

    /// Checks the photos before anything is stored (C7 limits), so a bad file writes nothing.
    pub fn check_photos(&self, field: &str) -> Result<(), AppError> {
        let mut errs = Vec::new();
        if self.files.len() > MAX_ATTACHMENTS {
            errs.push(FieldError::new(field, format!("at most {MAX_ATTACHMENTS} files")));
        }
        for (name, bytes) in &self.files {
            let label = if name.is_empty() {
                "a file".to_string()
            } else {
                format!("{name:?}")
            };
            if bytes.is_empty() {
                errs.push(FieldError::new(field, format!("{label} is empty")));
            } else if bytes.len() > MAX_BYTES {
                errs.push(FieldError::new(
                    field,
                    format!("{label} is larger than {} MB", MAX_BYTES / 1024 / 1024),
                ));
            } else if sniff(bytes).is_none() {
                errs.push(FieldError::new(
                    field,
                    format!("{label} is not a photo (JPEG, PNG, GIF, WebP, HEIC) or a PDF"),
                ));
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errs))
        }
    }

    /// Stores every photo and returns their ids for the report or step that takes them. A step
    /// that is then refused leaves them unattached: nothing refers to them.
    pub async fn upload_photos(
        &self,
        state: &AppState,
        actor: Option<&Actor>,
        street_id: Option<i64>,
        field: &str,
    ) -> Result<Vec<i64>, AppError> {
        self.check_photos(field)?;
        let mut ids = Vec::new();
        for (name, bytes) in &self.files {
            let up = Upload { name, bytes };
            match state.app.upload_evidence(actor, street_id, up).await {
                Ok(a) => ids.push(a.id),
                Err(AppError::Invalid(f)) => {
                    return Err(AppError::Invalid(
                        f.into_iter()
                            .map(|e| FieldError::new(if e.field == "file" { field } else { &e.field }, e.reason))
                            .collect(),
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(ids)
    }

    /// The report as `report_case` takes it, from the intake form's fields.
    pub fn intake(&self, channel: &str, photos: Vec<i64>) -> Result<Intake, AppError> {
        let mut errs = Vec::new();
        let mut number = |name: &str| match self.opt(name) {
            None => None,
            Some(s) => match s.parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    errs.push(FieldError::new(name, "must be a number"));
                    None
                }
            },
        };
        let (lat, lng) = (number("lat"), number("lng"));
        let street_id = match self.opt("street_id").map(|s| s.parse::<i64>()) {
            None => None,
            Some(Ok(id)) => Some(id),
            Some(Err(_)) => {
                errs.push(FieldError::new("street_id", "must be a whole number"));
                None
            }
        };
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let anonymous = self.checked("anonymous");
        Ok(Intake {
            channel: Some(channel.to_string()),
            category: self.get("category"),
            description: self.get("description"),
            lat,
            lng,
            crs: self.opt("crs"),
            address: self.opt("address"),
            anonymous,
            reporter_name: self.opt("reporter_name").filter(|_| !anonymous),
            reporter_phone: self.opt("reporter_phone").filter(|_| !anonymous),
            reporter_email: self.opt("reporter_email").filter(|_| !anonymous),
            attachments: photos,
            received_at: None,
            street_id,
            ..Intake::default()
        })
    }
}

/// The intake: photos first (each checked, then stored), then the report with their ids.
pub async fn report(
    state: &AppState,
    actor: Option<&Actor>,
    form: &Submitted,
    channel: &str,
    street_id: Option<i64>,
) -> Result<Reported, AppError> {
    // Parse before storing anything, so a typo in a number costs no upload.
    form.intake(channel, Vec::new())?;
    let photos = form.upload_photos(state, actor, street_id, "photos").await?;
    let intake = form.intake(channel, photos)?;
    let source = match actor {
        Some(a) => onegrid_app::case::Source::User(a),
        None => onegrid_app::case::Source::Public,
    };
    state.app.report_case(source, &intake, None).await
}

/// Field errors as forms show them: the reasons under each field, named as the form names it.
pub fn by_field(errors: &[FieldError], rename: impl Fn(&str) -> &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in errors {
        out.entry(rename(&e.field).to_string()).or_default().push(e.reason.clone());
    }
    out
}

/// A refusal as a form shows it: messages by field (named as the form names them), or one
/// message for the whole form (a step not possible now, not allowed, stale).
pub struct Problems {
    pub status: StatusCode,
    pub fields: BTreeMap<String, Vec<String>>,
    pub code: &'static str,
    pub message: String,
}

impl Problems {
    /// `None` for errors that are not the form's (sign-in needed, internal): the caller shows
    /// them as an error page.
    pub fn of(e: &AppError, rename: impl Fn(&str) -> &str) -> Option<Problems> {
        let (status, code) = crate::error::status_and_code(e);
        if matches!(e, AppError::Unauthenticated | AppError::Internal(_)) {
            return None;
        }
        let fields = match e {
            AppError::Invalid(f) => by_field(f, rename),
            _ => BTreeMap::new(),
        };
        Some(Problems {
            status,
            fields,
            code,
            message: if matches!(e, AppError::Invalid(_)) {
                String::new()
            } else {
                crate::error::message(e)
            },
        })
    }

    pub fn fields(&self) -> Value {
        v(&self.fields)
    }

    pub fn refusal(&self) -> Value {
        if self.code == "invalid" {
            Value::from(())
        } else {
            v(&json!({"code": self.code, "message": self.message}))
        }
    }
}

/// Intake field names as the form names them: every part of the place is the place.
pub fn intake_field(name: &str) -> &str {
    match name {
        "lng" | "crs" | "street_id" => "lat",
        "attachments" | "file" => "photos",
        other => other,
    }
}

/// A street's categories for the picker: leaves that take cases, under their top-level group.
pub struct Categories {
    rows: Vec<serde_json::Value>,
}

#[derive(Serialize)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub leaves: Vec<(String, String)>,
}

impl Categories {
    pub async fn load(state: &AppState, street_id: i64) -> Result<Categories, AppError> {
        Ok(Categories {
            rows: state.app.case_categories(street_id).await?,
        })
    }

    fn row(&self, code: &str) -> Option<&serde_json::Value> {
        self.rows.iter().find(|r| r["code"] == code)
    }

    fn name_of(r: &serde_json::Value, lang: &str) -> String {
        let key = if lang == "en" { "en" } else { "zh" };
        r[key].as_str().unwrap_or_default().to_string()
    }

    /// The category's name in the page's language, or its code when it is unknown.
    pub fn label(&self, code: &str, lang: &str) -> String {
        self.row(code).map_or_else(|| code.to_string(), |r| Self::name_of(r, lang))
    }

    /// Names of the categories between the top group and the leaf, for deeper trees.
    fn path(&self, code: &str, lang: &str) -> (String, Vec<String>) {
        let mut names = Vec::new();
        let mut at = self.row(code);
        let mut top = code.to_string();
        while let Some(r) = at {
            names.push(Self::name_of(r, lang));
            top = r["code"].as_str().unwrap_or_default().to_string();
            at = r["parent"].as_str().and_then(|p| self.row(p));
        }
        names.reverse();
        (top, names)
    }

    pub fn groups(&self, lang: &str) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        for r in &self.rows {
            if r["leaf"] != true || r["active"] != true {
                continue;
            }
            let code = r["code"].as_str().unwrap_or_default();
            let (top, names) = self.path(code, lang);
            // A leaf directly at the top is its own group.
            let label = if names.len() > 2 {
                names[1..].join(" › ")
            } else {
                names.last().cloned().unwrap_or_default()
            };
            let entry = (code.to_string(), label);
            match groups.iter_mut().find(|g| g.code == top) {
                Some(g) => g.leaves.push(entry),
                None => groups.push(Group {
                    name: self.row(&top).map(|r| Self::name_of(r, lang)).unwrap_or_default(),
                    code: top,
                    leaves: vec![entry],
                }),
            }
        }
        groups
    }
}

/// The street whose categories a form shows: the one asked for, the user's, or the only one.
pub async fn street_for(state: &AppState, actor: Option<&Actor>, asked: Option<i64>) -> Result<(i64, Vec<i64>), AppError> {
    let streets = state.app.street_ids().await?;
    let chosen = asked
        .filter(|s| streets.contains(s))
        .or_else(|| actor.and_then(Actor::home_street).filter(|s| streets.contains(s)))
        .or_else(|| streets.first().copied())
        .ok_or(AppError::NotFound)?;
    Ok((chosen, streets))
}

/// The tile layer of the map pages (optional; none draws the micro-grids on a blank ground).
pub fn tile_url() -> String {
    std::env::var("ONEGRID_TILE_URL").unwrap_or_default()
}
