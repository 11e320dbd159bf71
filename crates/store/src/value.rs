//! Typed bind values for statements built at run time. PostgreSQL types each parameter, so a
//! NULL must still say which type it is.

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    I64(Option<i64>),
    F64(Option<f64>),
    Text(Option<String>),
    Bool(bool),
    /// A JSON column (TEXT on SQLite, JSONB on PostgreSQL).
    Json(Option<serde_json::Value>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::I64(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::I64(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F64(Some(v))
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Value::F64(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

/// Binds every value of `$values` onto the query `$q`, in order.
#[macro_export]
#[doc(hidden)]
macro_rules! bind_all {
    ($q:expr, $values:expr) => {{
        let mut q = $q;
        for v in $values {
            q = match v {
                $crate::value::Value::I64(x) => q.bind(*x),
                $crate::value::Value::F64(x) => q.bind(*x),
                $crate::value::Value::Text(x) => q.bind(x.clone()),
                $crate::value::Value::Bool(x) => q.bind(*x),
                $crate::value::Value::Json(x) => q.bind(x.clone().map(sqlx::types::Json)),
            };
        }
        q
    }};
}
