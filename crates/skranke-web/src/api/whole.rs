//! Whole numbers as JSON Schema counts them: `261` and `261.0` alike (an
//! `integer` is any number without a fraction).

use serde::Deserialize;
use serde::de::{Deserializer, Error};
use serde_json::Number;

fn whole<E: Error>(n: &Number) -> Result<i64, E> {
    n.as_i64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
        .ok_or_else(|| E::custom(format!("`{n}` is not a whole number in range")))
}

/// An optional whole number.
pub fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<Number>::deserialize(d)?
        .as_ref()
        .map(whole)
        .transpose()
}

/// A whole number that may be sent as `null` (`Some(None)`) or left out
/// (`None`, with `#[serde(default)]`).
pub fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    opt(d).map(Some)
}

/// An optional list of whole numbers.
pub fn opt_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    Option::<Vec<Number>>::deserialize(d)?
        .map(|list| list.iter().map(whole).collect())
        .transpose()
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "super::opt")]
        n: Option<i64>,
    }

    #[test]
    fn whole_floats_are_whole_numbers() {
        let n = |s: &str| serde_json::from_str::<T>(s).map(|t| t.n);
        assert_eq!(n(r#"{"n": 261}"#).unwrap(), Some(261));
        assert_eq!(n(r#"{"n": 261.0}"#).unwrap(), Some(261));
        assert_eq!(n(r#"{"n": null}"#).unwrap(), None);
        assert_eq!(n("{}").unwrap(), None);
        assert!(n(r#"{"n": 2.5}"#).is_err());
        assert!(n(r#"{"n": 1e300}"#).is_err());
    }
}
