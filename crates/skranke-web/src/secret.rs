//! Passwords and keys the config names: read from an environment variable
//! or a file, never written in the config itself.

use std::path::Path;

/// The secret in `$env`, or in `file` without its trailing newline;
/// `None` when neither is named. Errors name the setting: `field` is its
/// stem (`mail.imap.password` for `password_env`/`password_file`).
pub fn read(field: &str, env: Option<&str>, file: Option<&Path>) -> Result<Option<String>, String> {
    match (env, file) {
        (Some(var), _) => std::env::var(var)
            .map(Some)
            .map_err(|_| format!("{field}_env: ${var} is not set")),
        (None, Some(file)) => std::fs::read_to_string(file)
            .map(|s| Some(s.trim_end().to_owned()))
            .map_err(|e| format!("{field}_file: {}: {e}", file.display())),
        (None, None) => Ok(None),
    }
}
