//! `application/x-www-form-urlencoded`, for query strings and POST bodies: every pair in order,
//! so repeated keys (`attribute[x][]`) survive, with errors that name what was wrong.

use onegrid_app::case::open311::Open311Post;
use onegrid_domain::FieldError;

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes one key or value (`+` is a space).
fn decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let v = hex(*b.get(i + 1)?)? << 4 | hex(*b.get(i + 2)?)?;
                out.push(v);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// All pairs, or the first pair that is not valid percent-encoded UTF-8.
pub fn pairs(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let key = decode(k).ok_or_else(|| format!("the parameter name {k:?} is not valid percent-encoded UTF-8"))?;
        let value = decode(v).ok_or_else(|| format!("{key}: is not valid percent-encoded UTF-8"))?;
        out.push((key, value));
    }
    Ok(out)
}

/// `attribute[CODE]` or `attribute[CODE][]` → `CODE`.
fn attribute_code(key: &str) -> Option<&str> {
    let inner = key.strip_prefix("attribute[")?;
    let inner = inner.strip_suffix("[]").unwrap_or(inner);
    let code = inner.strip_suffix(']')?;
    (!code.is_empty() && !code.contains(['[', ']'])).then_some(code)
}

/// The POST form as the app takes it, and the `jurisdiction_id` it names. Fields that take one
/// value may not repeat; unknown fields are ignored (clients send extensions such as FixMyStreet's
/// `service_request_id_ext`).
pub fn post(pairs: Vec<(String, String)>) -> Result<(Open311Post, Option<String>), Vec<FieldError>> {
    let mut p = Open311Post::default();
    let mut jurisdiction = None;
    let mut errors = Vec::new();
    for (k, v) in pairs {
        if let Some(code) = attribute_code(&k) {
            match p.attributes.iter_mut().find(|(c, _)| c == code) {
                Some((_, values)) => values.push(v),
                None => p.attributes.push((code.to_string(), vec![v])),
            }
            continue;
        }
        let slot = match k.as_str() {
            "api_key" => &mut p.api_key,
            "jurisdiction_id" => &mut jurisdiction,
            "service_code" => &mut p.service_code,
            "lat" => &mut p.lat,
            "long" => &mut p.long,
            "address_string" => &mut p.address_string,
            "address_id" => &mut p.address_id,
            "email" => &mut p.email,
            "device_id" => &mut p.device_id,
            "account_id" => &mut p.account_id,
            "first_name" => &mut p.first_name,
            "last_name" => &mut p.last_name,
            "phone" => &mut p.phone,
            "description" => &mut p.description,
            "media_url" => &mut p.media_url,
            _ => continue,
        };
        if slot.is_some() {
            if !errors.iter().any(|e: &FieldError| e.field == k) {
                errors.push(FieldError::new(&k, "is given more than once; send it once"));
            }
        } else {
            *slot = Some(v);
        }
    }
    if errors.is_empty() {
        Ok((p, jurisdiction))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c9_form_pairs_decode_in_order() {
        let p = pairs("a=1&b=x+y%2Bz&attribute%5Bq%5D%5B%5D=1&attribute[q][]=2&empty=&flag&c=%E4%B8%AD").unwrap();
        assert_eq!(
            p,
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".into(), "x y+z".into()),
                ("attribute[q][]".into(), "1".into()),
                ("attribute[q][]".into(), "2".into()),
                ("empty".into(), "".into()),
                ("flag".into(), "".into()),
                ("c".into(), "中".into()),
            ]
        );
        assert!(pairs("a=%zz").unwrap_err().contains("a:"));
        assert!(pairs("a=%ff").is_err(), "not UTF-8");
        assert!(pairs("a=%4").is_err());
    }

    #[test]
    fn c9_post_form_takes_attributes_and_refuses_repeats() {
        let (p, j) = post(pairs("service_code=E0102&jurisdiction_id=S&attribute[location_detail]=3号楼&attribute[m][]=a&attribute[m][]=b&deviceid=x&api_key=k").unwrap()).unwrap();
        assert_eq!(
            (p.service_code.as_deref(), j.as_deref(), p.api_key.as_deref()),
            (Some("E0102"), Some("S"), Some("k"))
        );
        assert_eq!(
            p.attributes,
            vec![
                ("location_detail".to_string(), vec!["3号楼".to_string()]),
                ("m".into(), vec!["a".into(), "b".into()])
            ]
        );
        let e = post(pairs("lat=1&lat=2&lat=3&description=a&description=b").unwrap()).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["lat", "description"]);
        assert_eq!(attribute_code("attribute[]"), None);
        assert_eq!(attribute_code("attributes[x]"), None);
        assert_eq!(attribute_code("attribute[x]"), Some("x"));
    }
}
