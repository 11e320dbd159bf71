use axum::http::header;
use axum::response::IntoResponse;

/// The OpenAPI 3.1 document, written by hand next to the routes; a test checks that every route
/// in `api::PATHS` is documented and nothing else is.
pub const DOCUMENT: &str = include_str!("openapi.json");

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i2_openapi_documents_every_route() {
        let doc: serde_json::Value = serde_json::from_str(DOCUMENT).expect("openapi.json is JSON");
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        let documented: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
        for p in super::super::PATHS {
            let full = format!("/api/v1{p}");
            assert!(documented.contains(&full), "{full} is not in openapi.json");
        }
        for d in &documented {
            assert!(
                super::super::PATHS.iter().any(|p| format!("/api/v1{p}") == *d),
                "{d} is documented but not routed"
            );
        }
    }
}
