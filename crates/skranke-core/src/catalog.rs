//! The service catalog's description form: a service described in seven
//! numbered sections under its name and a status line, with its roles as
//! a table, as `../shared/seed/kundeservice-tjenestebeskrivelse.md` is
//! written. `parse` reads that form, `render` writes it back; the two are
//! inverse for what `parse` returns.

use std::fmt::Write as _;

/// The seven sections, in order: their keys and the headings of the form.
pub const SECTIONS: [(&str, &str); 7] = [
    ("description", "BESKRIVELSE AV TJENESTEN"),
    ("included", "HVA ER INKLUDERT?"),
    ("expectations", "HVA KAN DU FORVENTE?"),
    ("cost", "HVA KOSTER DETTE?"),
    (
        "contribute",
        "HVORDAN KAN DU BIDRA TIL Å FÅ EN BEST MULIG YTELSE?",
    ),
    ("more_info", "TRENGER DU MER INFORMASJON?"),
    ("roles", "ROLLER"),
];

/// A role of a service, as section 7 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Tjenesteeier.
    Owner,
    /// Tjenesteforvalter.
    Manager,
    /// Driftsansvarlig.
    Operations,
}

impl Role {
    pub const ALL: [Role; 3] = [Self::Owner, Self::Manager, Self::Operations];

    pub fn key(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Manager => "manager",
            Self::Operations => "operations",
        }
    }

    /// The role's name in the form.
    pub fn form_name(self) -> &'static str {
        match self {
            Self::Owner => "Tjenesteeier",
            Self::Manager => "Tjenesteforvalter",
            Self::Operations => "Driftsansvarlig",
        }
    }

    fn from_form(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.form_name().eq_ignore_ascii_case(name.trim()))
    }
}
crate::key_from_str!(Role);

/// A service description as the form holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    /// The heading (`# KUNDESERVICE`), as written.
    pub name: String,
    /// The status line's words (`TJENESTEN ER TILGJENGELIG`), if any.
    pub status_line: Option<String>,
    /// Sections 1–6 by key, each its Markdown as written (trimmed).
    pub sections: Vec<(&'static str, String)>,
    /// Section 7's table: each role and who holds it.
    pub roles: Vec<(Role, String)>,
}

/// Why a description could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("no `# NAME` heading")]
    NoName,
    #[error("section {0} (`## {0} …`) is missing")]
    MissingSection(usize),
    #[error("section {number} is headed `{found}`, expected `{expected}`")]
    WrongHeading {
        number: usize,
        found: String,
        expected: &'static str,
    },
    #[error(
        "line {0} of the roles table names no role this form has (Tjenesteeier, Tjenesteforvalter, Driftsansvarlig)"
    )]
    UnknownRole(usize),
}

/// A numbered section heading: `## 3 HVA KAN DU FORVENTE?` → (3, heading).
fn section_heading(line: &str) -> Option<(usize, &str)> {
    let rest = line.strip_prefix("## ")?;
    let (n, title) = rest.split_once(' ')?;
    let n: usize = n.trim_end_matches('.').parse().ok()?;
    (1..=7).contains(&n).then_some((n, title.trim()))
}

pub fn parse(text: &str) -> Result<Description, FormError> {
    let mut name = None;
    let mut status_line = None;
    let mut bodies: Vec<Option<String>> = vec![None; 7];
    let mut current: Option<usize> = None;
    for line in text.lines() {
        if let Some((n, title)) = section_heading(line) {
            let expected = SECTIONS[n - 1].1;
            if !title.eq_ignore_ascii_case(expected) {
                return Err(FormError::WrongHeading {
                    number: n,
                    found: title.to_owned(),
                    expected,
                });
            }
            current = Some(n - 1);
            bodies[n - 1] = Some(String::new());
            continue;
        }
        match current {
            Some(i) => {
                let body = bodies[i].get_or_insert_with(String::new);
                body.push_str(line);
                body.push('\n');
            }
            None => {
                if let Some(n) = line.strip_prefix("# ") {
                    name.get_or_insert_with(|| n.trim().to_owned());
                } else if let Some(s) = line.trim().strip_prefix("STATUS:") {
                    status_line = Some(s.trim().to_owned());
                }
            }
        }
    }
    let name = name.ok_or(FormError::NoName)?;
    let mut sections = Vec::new();
    let mut roles = Vec::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let body = body.ok_or(FormError::MissingSection(i + 1))?;
        if i == 6 {
            roles = parse_roles(&body)?;
        } else {
            sections.push((SECTIONS[i].0, body.trim().to_owned()));
        }
    }
    Ok(Description {
        name,
        status_line,
        sections,
        roles,
    })
}

/// `Rolle<TAB>Ansvarlig` then one role a line (tabs, or a Markdown table).
fn parse_roles(body: &str) -> Result<Vec<(Role, String)>, FormError> {
    let mut roles = Vec::new();
    for (i, line) in body.lines().enumerate() {
        let cells: Vec<&str> = if line.contains('\t') {
            line.split('\t').collect()
        } else {
            line.trim().trim_matches('|').split('|').collect()
        };
        let cells: Vec<&str> = cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        match cells.as_slice() {
            [] => {}
            [first, ..] if first.eq_ignore_ascii_case("Rolle") || first.starts_with("---") => {}
            [role, holder, ..] => {
                let role = Role::from_form(role).ok_or(FormError::UnknownRole(i + 1))?;
                roles.push((role, (*holder).to_owned()));
            }
            [_] => return Err(FormError::UnknownRole(i + 1)),
        }
    }
    Ok(roles)
}

/// The description in the form `parse` reads.
pub fn render(d: &Description) -> String {
    let mut out = format!("# {}\n\n", d.name);
    if let Some(s) = &d.status_line {
        let _ = write!(out, "STATUS: {s}\n\n");
    }
    for (i, (key, heading)) in SECTIONS.iter().enumerate() {
        let _ = write!(out, "## {} {heading}\n\n", i + 1);
        if *key == "roles" {
            out.push_str("Rolle\tAnsvarlig\n");
            for (role, holder) in &d.roles {
                let _ = writeln!(out, "{}\t{holder}", role.form_name());
            }
        } else {
            let body = d
                .sections
                .iter()
                .find(|(k, _)| k == key)
                .map_or("", |(_, b)| b.as_str());
            if !body.is_empty() {
                out.push_str(body);
                out.push_str("\n\n");
            }
        }
    }
    out
}

/// A service of the catalog as stored: its key and category beside what
/// the description form holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogService {
    /// `kundeservice`: how addresses and the CLI name it.
    pub key: String,
    /// As people read it: `Kundeservice`.
    pub name: String,
    pub category: String,
    pub description: Description,
}

/// The key a name gives: lower case ASCII letters and digits, Norwegian
/// letters spelt out, anything else one `-`.
pub fn key_of(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'æ' => out.push_str("ae"),
            'ø' => out.push('o'),
            'å' => out.push('a'),
            _ if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            _ => {}
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// A key as given (`--key`, the API): what `key_of` could have made.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !key.starts_with('-')
        && !key.ends_with('-')
}

/// The name people read from the form's heading, which the form writes in
/// capitals (`KUNDESERVICE` → `Kundeservice`); a heading in mixed case is
/// kept as written.
pub fn display_name(heading: &str) -> String {
    let heading = heading.trim();
    if heading.chars().any(char::is_lowercase) {
        return heading.to_owned();
    }
    let mut chars = heading.chars();
    chars.next().map_or_else(String::new, |first| {
        first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect()
    })
}

impl CatalogService {
    /// A service from a description; its key from its name unless given.
    pub fn from_form(d: Description, key: Option<&str>, category: &str) -> CatalogService {
        let name = display_name(&d.name);
        CatalogService {
            key: key.map_or_else(|| key_of(&name), str::to_owned),
            name,
            category: category.trim().to_owned(),
            description: d,
        }
    }

    /// The description in the form, its heading in capitals as the form has it.
    pub fn to_form(&self) -> String {
        render(&Description {
            name: self.name.to_uppercase(),
            ..self.description.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_names() {
        assert_eq!(key_of("Kundeservice"), "kundeservice");
        assert_eq!(key_of("PC-arbeidsplass"), "pc-arbeidsplass");
        assert_eq!(
            key_of("Tilgang til fellesområde"),
            "tilgang-til-fellesomrade"
        );
        assert_eq!(key_of("  Skriver & utskrift! "), "skriver-utskrift");
        assert!(
            valid_key("pc-arbeidsplass") && !valid_key("PC") && !valid_key("-x") && !valid_key("")
        );
        assert_eq!(display_name("KUNDESERVICE"), "Kundeservice");
        assert_eq!(
            display_name("TILGANG TIL FELLESOMRÅDE"),
            "Tilgang til fellesområde"
        );
        assert_eq!(display_name("PC-arbeidsplass"), "PC-arbeidsplass");
    }
}
