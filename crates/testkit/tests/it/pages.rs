//! Driving the server-rendered pages as a browser would: a cookie session with its CSRF token,
//! GETs, urlencoded and multipart form posts.

use super::*;

/// A cookie session through the API login, with its CSRF token for forms.
pub async fn browser(t: &TestApp, username: &str) -> (reqwest::Client, String) {
    let c = t.client();
    let login: Value = c
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (c, login["csrf_token"].as_str().unwrap().to_string())
}

/// A page's status and HTML.
pub async fn fetch(c: &reqwest::Client, t: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(t.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A page that must answer 200, as HTML.
pub async fn page(c: &reqwest::Client, t: &TestApp, path: &str) -> String {
    let (status, html) = fetch(c, t, path).await;
    assert_eq!(status, 200, "{path}: {html}");
    html
}

/// Posts an urlencoded form: status, `Location` (empty when none) and body.
pub async fn post_form(c: &reqwest::Client, t: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let r = c.post(t.url(path)).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

/// A `multipart/form-data` body as a browser sends it: text fields, then files.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----onegridtestboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn post_multipart(
    c: &reqwest::Client,
    t: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> reqwest::Response {
    let (content_type, body) = multipart(fields, files);
    c.post(t.url(path))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}
