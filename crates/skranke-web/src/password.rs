//! The rules for a new password: long enough, and not one that guessing
//! tries early (common passwords, words, names, keyboard walks, the user's
//! own name), as judged by zxcvbn's dictionaries and patterns.

/// Fewest characters.
pub const MIN_CHARS: usize = 12;
/// Most characters: a hash of more is as strong, and this bounds the work.
pub const MAX_CHARS: usize = 256;

/// Why a new password is refused, in the words the user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    /// A common password, a dictionary word, a pattern, or made from the user's own details.
    Guessable,
}

impl PasswordProblem {
    /// The catalogue's message (about `$field`).
    pub fn key(self) -> &'static str {
        match self {
            Self::TooShort => "error-password-short",
            Self::TooLong => "error-password-long",
            Self::Guessable => "error-password-guessable",
        }
    }
}

/// Checks a new password. `about` are the user's own details (username,
/// name, e-mail), which the password must not be built from.
pub fn check(password: &str, about: &[&str]) -> Result<(), PasswordProblem> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    // zxcvbn's matching grows fast with length; the first 64 characters
    // decide whether a password is guessable.
    let head: String = password.chars().take(64).collect();
    let mut inputs: Vec<&str> = about.to_vec();
    inputs.extend(
        about
            .iter()
            .flat_map(|a| a.split(['@', '.', ' ', '-', '_'])),
    );
    inputs.retain(|s| s.chars().count() >= 3);
    if zxcvbn::zxcvbn(&head, &inputs).score() < zxcvbn::Score::Three {
        return Err(PasswordProblem::Guessable);
    }
    // What is left once the person's own details are taken out must stand
    // on its own ("KariNordmann2026" leaves "2026").
    let mut rest = password.to_lowercase();
    for i in &inputs {
        rest = rest.replace(&i.to_lowercase(), "");
    }
    if rest.chars().count() < 8 {
        return Err(PasswordProblem::Guessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_personal_passwords_are_refused() {
        let kari = ["kari", "Kari Nordmann", "kari@kommune-a.example"];
        for weak in [
            "password1234",
            "qwertyuiopasdf",
            "123456789012",
            "KariNordmann2026",
            "iloveyou12345",
            "aaaaaaaaaaaa",
        ] {
            assert_eq!(
                check(weak, &kari),
                Err(PasswordProblem::Guessable),
                "{weak}"
            );
        }
        assert_eq!(check("kort", &kari), Err(PasswordProblem::TooShort));
        assert_eq!(
            check(&"x".repeat(257), &kari),
            Err(PasswordProblem::TooLong)
        );
        for strong in [
            "blåbær-traktor-vinduskarm",
            "Fjellet brenner i natt 7",
            "kx9#Lm2$vQ8!pZ",
        ] {
            assert_eq!(check(strong, &kari), Ok(()), "{strong}");
        }
    }
}
