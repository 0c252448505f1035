//! Enums that travel as English keys (`critical`, `waiting_customer`): the
//! error for an unknown key and the macro that gives them parsing and display.

/// A key that names no variant of an enum (`"urgent"` for a priority, say).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value `{0}`")]
pub struct UnknownKey(pub String);

/// `FromStr`, `TryFrom<String>` and `Display` through an enum's `ALL` and `key()`.
#[macro_export]
macro_rules! key_from_str {
    ($t:ty) => {
        impl std::str::FromStr for $t {
            type Err = $crate::keys::UnknownKey;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.key() == s)
                    .ok_or_else(|| $crate::keys::UnknownKey(s.to_owned()))
            }
        }
        impl TryFrom<String> for $t {
            type Error = $crate::keys::UnknownKey;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}
