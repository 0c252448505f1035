//! Every text the user interface shows lives in one catalogue: the Fluent
//! files `locales/nb/*.ftl` (Bokmål, the default) and `locales/en/*.ftl`,
//! with the same keys. Code and templates name a message by its key;
//! messages whose reader is not known when they are made (errors,
//! notifications, confirmations) travel as a `Msg` and are rendered in
//! the reader's language.

use fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nb",
        // Fluent's isolation marks (U+2068/U+2069) around every argument
        // would end up in attributes, e-mail subjects and copied text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static NB: LanguageIdentifier = langid!("nb");
static EN: LanguageIdentifier = langid!("en");

/// A language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Nb,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nb, Lang::En];

    /// The BCP 47 code, for `lang` attributes and the stored preference.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    /// The language's own name, as a chooser shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Nb => "Norsk (bokmål)",
            Lang::En => "English",
        }
    }

    /// A language tag as people and browsers send it: `nb`, `no`, `nn`
    /// and `nb-NO` are Norwegian (Bokmål is what we have), `en-GB` English.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "nb" | "no" | "nn" => Some(Lang::Nb),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best language of an `Accept-Language` header, by its q-values;
    /// `None` if it names none we have.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',').take(20) {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Nb => &NB,
            Lang::En => &EN,
        }
    }
}

/// An argument of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Num(i64),
    Str(String),
    /// Another message, rendered in the same language (a field's label).
    Msg(Box<Msg>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Str(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Str(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Str(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Num(n)
    }
}
impl From<&i64> for Arg {
    fn from(n: &i64) -> Arg {
        Arg::Num(*n)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<&usize> for Arg {
    fn from(n: &usize) -> Arg {
        Arg::from(*n)
    }
}
impl From<u16> for Arg {
    fn from(n: u16) -> Arg {
        Arg::Num(i64::from(n))
    }
}
impl From<i32> for Arg {
    fn from(n: i32) -> Arg {
        Arg::Num(i64::from(n))
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Num(i64::from(n))
    }
}
impl From<Msg> for Arg {
    fn from(m: Msg) -> Arg {
        Arg::Msg(Box::new(m))
    }
}

/// A message by key with its arguments, rendered when its reader is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Msg {
    pub key: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(Cow<'static, str>, Arg)>,
}

impl Msg {
    pub fn new(key: impl Into<Cow<'static, str>>) -> Msg {
        Msg {
            key: key.into(),
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        self.args.push((Cow::Borrowed(name), value.into()));
        self
    }

    /// The message in the current request's language.
    pub fn text(&self) -> String {
        self.text_in(crate::context::lang())
    }

    pub fn text_in(&self, lang: Lang) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = self
            .args
            .iter()
            .map(|(name, a)| {
                let v = match a {
                    Arg::Num(n) => FluentValue::from(*n),
                    Arg::Str(s) => FluentValue::from(s.clone()),
                    Arg::Msg(m) => FluentValue::from(m.text_in(lang)),
                };
                (name.clone(), v)
            })
            .collect();
        lookup(lang, &self.key, (!args.is_empty()).then_some(&args))
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

fn lookup(lang: Lang, key: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue>>) -> String {
    LOCALES
        .try_lookup_complete(lang.id(), key, args)
        .unwrap_or_else(|| {
            // A test checks every key used exists; a slip still shows
            // something a person can report.
            tracing::error!(key, lang = lang.code(), "missing message");
            key.to_owned()
        })
}

/// The message `key` in the current request's language.
pub fn t(key: &str) -> String {
    lookup(crate::context::lang(), key, None)
}

/// The message `key` in `lang`.
pub fn t_in(lang: Lang, key: &str) -> String {
    lookup(lang, key, None)
}

/// What templates call: `{{ t("key") }}`, `{{ t1("key", "count", n) }}`.
/// Askama resolves a bare function call to a method of the template, so
/// every template gets these.
pub trait Tr {
    fn t(&self, key: &str) -> String {
        t(key)
    }
    fn t1(&self, key: &'static str, name: &'static str, v: impl Into<Arg>) -> String {
        Msg::new(key).arg(name, v).text()
    }
    fn t2(
        &self,
        key: &'static str,
        n1: &'static str,
        v1: impl Into<Arg>,
        n2: &'static str,
        v2: impl Into<Arg>,
    ) -> String {
        Msg::new(key).arg(n1, v1).arg(n2, v2).text()
    }
    /// The current language's code, for `lang` attributes.
    fn lang_code(&self) -> &'static str {
        crate::context::lang().code()
    }
}

impl<T: ?Sized> Tr for T {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Each locale's messages and the variables each one uses.
    fn catalogue(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
        use fluent_syntax::ast;
        fn vars(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
            for e in &p.elements {
                if let ast::PatternElement::Placeable { expression } = e {
                    expr(expression, out);
                }
            }
        }
        fn expr(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::Expression::Select { selector, variants } => {
                    inline(selector, out);
                    for v in variants {
                        vars(&v.value, out);
                    }
                }
                ast::Expression::Inline(i) => inline(i, out),
            }
        }
        fn inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
            match i {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_owned());
                }
                ast::InlineExpression::Placeable { expression } => expr(expression, out),
                _ => {}
            }
        }
        let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
        let mut messages = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let resource = fluent_syntax::parser::parse(text.as_str())
                .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", path.display()));
            for entry in resource.body {
                if let ast::Entry::Message(m) = entry {
                    let mut used = BTreeSet::new();
                    if let Some(p) = &m.value {
                        vars(p, &mut used);
                    }
                    let fresh = messages.insert(m.id.name.to_owned(), used);
                    assert!(fresh.is_none(), "{lang}: `{}` twice", m.id.name);
                }
            }
        }
        messages
    }

    /// Every key the code and the templates name.
    fn keys_used() -> BTreeSet<String> {
        let root = env!("CARGO_MANIFEST_DIR");
        let call = regex::Regex::new(
            r#"\b(?:t[12]?|Msg::new|i18n::t|t_in\([^,]+,)\(\s*"([a-z][a-z0-9_-]*)""#,
        )
        .unwrap();
        let about =
            regex::Regex::new(r#"(?:invalid|about)\(\s*[^,()]+,\s*"([a-z][a-z0-9_-]*)"\s*\)"#)
                .unwrap();
        let literal = regex::Regex::new(
            r#""((?:error|flash|notice-text|escalation|expect|span|clock|history|api|amount|mail|catalog)-[a-z0-9_-]+)""#,
        )
        .unwrap();
        let mut keys: BTreeSet<String> = crate::texts::all_label_keys().into_iter().collect();
        keys.extend(
            ["mine", "unassigned", "team", "open", "all"]
                .iter()
                .map(|q| format!("queue-{q}")),
        );
        let mut files = Vec::new();
        for dir in ["src", "src/pages", "src/api", "templates"] {
            for e in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
                let p = e.unwrap().path();
                if p.is_file() {
                    files.push(p);
                }
            }
        }
        for p in files {
            let text = std::fs::read_to_string(&p).unwrap();
            let rust = p.extension().is_some_and(|e| e == "rs");
            // A file's own tests may name keys that do not exist, on purpose.
            let text = match text.find("#[cfg(test)]\nmod tests") {
                Some(i) if rust => &text[..i],
                _ => &text,
            };
            // Comments may show how a key is named without naming one.
            let text: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let text = text.as_str();
            for re in [&call, &about] {
                keys.extend(re.captures_iter(text).map(|c| c[1].to_owned()));
            }
            if rust {
                keys.extend(literal.captures_iter(text).map(|c| c[1].to_owned()));
            }
        }
        for status in [404u16, 403, 500, 400] {
            keys.insert(
                crate::views::ErrorPage {
                    nav: None,
                    status,
                    message: String::new(),
                }
                .heading_key()
                .to_owned(),
            );
        }
        keys
    }

    #[test]
    fn both_languages_have_every_message_with_the_same_placeholders() {
        let nb = catalogue("nb");
        let en = catalogue("en");
        let only = |a: &BTreeMap<_, _>, b: &BTreeMap<String, _>| -> Vec<String> {
            a.keys().filter(|k| !b.contains_key(*k)).cloned().collect()
        };
        assert_eq!(only(&nb, &en), Vec::<String>::new(), "in Bokmål only");
        assert_eq!(only(&en, &nb), Vec::<String>::new(), "in English only");
        for (key, vars) in &nb {
            assert_eq!(
                Some(vars),
                en.get(key),
                "`{key}` takes other arguments in English"
            );
        }
    }

    #[test]
    fn every_key_in_use_exists_and_every_message_is_used() {
        let nb = catalogue("nb");
        let used = keys_used();
        let missing: Vec<&String> = used.iter().filter(|k| !nb.contains_key(*k)).collect();
        assert!(
            missing.is_empty(),
            "used but not in the catalogue: {missing:?}"
        );
        let unused: Vec<&String> = nb.keys().filter(|k| !used.contains(*k)).collect();
        assert!(
            unused.is_empty(),
            "in the catalogue but never used: {unused:?}"
        );
    }

    #[test]
    fn every_message_renders_in_both_languages() {
        for lang in Lang::ALL {
            for (key, vars) in catalogue(lang.code()) {
                let mut m = Msg::new(key.clone());
                for v in &vars {
                    let name: &'static str = Box::leak(v.clone().into_boxed_str());
                    m = m.arg(name, 2);
                }
                let args: HashMap<Cow<'static, str>, FluentValue> = m
                    .args
                    .iter()
                    .map(|(n, _)| (n.clone(), FluentValue::from(2)))
                    .collect();
                let text = LOCALES
                    .lookup_single_language(lang.id(), &key, Some(&args))
                    .unwrap_or_else(|e| panic!("{lang:?} `{key}`: {e}"));
                assert!(!text.trim().is_empty(), "{lang:?} `{key}` is empty");
                assert!(
                    !text.contains('{'),
                    "{lang:?} `{key}` left a placeholder: {text:?}"
                );
            }
        }
    }

    #[test]
    fn accept_language_picks_the_best_we_have() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("de-DE, en;q=0.5, nb;q=0.8"),
            Some(Lang::Nb)
        );
        assert_eq!(Lang::from_accept_language("nn-NO"), Some(Lang::Nb));
        assert_eq!(Lang::from_accept_language("no"), Some(Lang::Nb));
        assert_eq!(Lang::from_accept_language("fr, de;q=0.3"), None);
        assert_eq!(
            Lang::from_accept_language("en;q=0, nb;q=0.1"),
            Some(Lang::Nb)
        );
        assert_eq!(Lang::from_accept_language(""), None);
        assert_eq!(Lang::from_accept_language("*"), None);
    }

    #[test]
    fn messages_render_with_arguments_and_plurals_without_isolation_marks() {
        let one = Msg::new("cases-count").arg("count", 1).text_in(Lang::Nb);
        let many = Msg::new("cases-count").arg("count", 3).text_in(Lang::Nb);
        assert_eq!(one, "1 sak");
        assert_eq!(many, "3 saker");
        assert_eq!(
            Msg::new("cases-count").arg("count", 1).text_in(Lang::En),
            "1 case"
        );
        let nested = Msg::new("error-required")
            .arg("field", Msg::new("field-title"))
            .text_in(Lang::En);
        assert_eq!(nested, "Title is required.");
        assert!(!many.contains(['\u{2068}', '\u{2069}']));
    }

    #[test]
    fn a_message_survives_a_round_trip_through_json() {
        let m = Msg::new("flash-status")
            .arg("status", Msg::new("status-resolved"))
            .arg("number", "2026-000123")
            .arg("count", 2);
        let json = serde_json::to_string(&m).unwrap();
        let back: Msg = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
