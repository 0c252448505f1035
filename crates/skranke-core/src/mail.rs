//! What an incoming e-mail means, decided without I/O: the title it gives
//! a case, the case it answers, whether a machine wrote it (so that no one
//! answers it), and the part a person wrote above the quoted history.
//! Parsing MIME and talking SMTP/IMAP are the mail layer's; it hands the
//! decoded facts here.

use crate::case::{CaseNumber, TITLE_MAX, clean_line};

/// The tag every subject we send carries, and replies keep: `[Sak 2026-000123]`.
pub fn subject_tag(number: CaseNumber) -> String {
    format!("[Sak {number}]")
}

/// Reply and forward prefixes in the languages our users' mail programs
/// speak: Norwegian (SV, VS, VB), English, German, Swedish, Dutch, French.
const PREFIXES: [&str; 10] = [
    "re", "sv", "vs", "vb", "fw", "fwd", "aw", "wg", "tr", "antw",
];

/// The subject without its leading reply and forward prefixes
/// (`SV: VS: Re[2]: Skriver` → `Skriver`).
pub fn strip_prefixes(subject: &str) -> &str {
    let mut s = subject.trim_start();
    loop {
        let Some(rest) = prefix_end(s) else { return s };
        s = rest.trim_start();
    }
}

/// What follows one prefix (`Re:`, `SV :`, `Re[2]:`, `RE(3):`), if `s` starts with one.
fn prefix_end(s: &str) -> Option<&str> {
    let word_len = s.find(|c: char| !c.is_ascii_alphabetic())?;
    let word = &s[..word_len];
    if !PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(word)) {
        return None;
    }
    let mut rest = &s[word_len..];
    // A counter some programs add: `Re[2]:`, `Re(2):`.
    if let Some(inner) = rest.strip_prefix(['[', '(']) {
        let digits = inner.find(|c: char| !c.is_ascii_digit())?;
        rest = inner[digits..].strip_prefix([']', ')'])?;
    }
    rest.trim_start_matches(' ').strip_prefix(':')
}

/// The case number in a subject's tag (`[Sak 2026-000123]`, also `[sak
/// 2026-000123]` or `[Case …]`), wherever it stands. Only a tag counts: a
/// bare number in the text is someone writing about a case, not answering it.
pub fn case_number_in(subject: &str) -> Option<CaseNumber> {
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        if let Some(close) = after.find(']') {
            let inner = after[..close].trim();
            if let Some((word, number)) = inner.split_once(char::is_whitespace)
                && (word.eq_ignore_ascii_case("sak") || word.eq_ignore_ascii_case("case"))
                && let Ok(n) = number.trim().parse::<CaseNumber>()
            {
                return Some(n);
            }
        }
        rest = after;
    }
    None
}

/// A new case's title from a mail: the decoded subject with its whitespace
/// collapsed, or the first line of the body when the subject is empty, cut
/// to the title limit (with `…` where it was cut). `None` when both are
/// empty; the caller then uses its own "(no subject)".
pub fn title(subject: Option<&str>, body: &str) -> Option<String> {
    let from_subject = subject.map(one_line).filter(|s| !s.is_empty());
    let line = from_subject.or_else(|| {
        body.lines()
            .map(one_line)
            .find(|l| !l.is_empty() && !is_quote_start(l))
    })?;
    Some(cut(&line, TITLE_MAX))
}

/// One line as kept: control and direction characters out, every run of
/// whitespace one space.
fn one_line(s: &str) -> String {
    clean_line(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most `max` characters; a cut line ends with `…` (counted).
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let kept: String = s.chars().take(max - 1).collect();
    format!("{}…", kept.trim_end())
}

/// Why a mail was written by a machine: nobody answers it automatically
/// (RFC 3834), so two auto-responders cannot talk to each other for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Automatic {
    /// `Auto-Submitted` other than `no`.
    AutoSubmitted,
    /// `Precedence: bulk`, `list` or `junk`.
    Precedence,
    /// A mailing list (`List-Id`, `List-Unsubscribe`).
    List,
    /// An empty envelope sender (`MAIL FROM:<>`): a bounce.
    NullSender,
    /// From `mailer-daemon`, `postmaster` or a `noreply` address.
    Daemon,
    /// One of our own messages come back.
    Ours,
}

/// The facts about a mail that say whether a machine sent it.
#[derive(Debug, Clone, Default)]
pub struct Origin<'a> {
    pub auto_submitted: Option<&'a str>,
    pub precedence: Option<&'a str>,
    pub list: bool,
    /// The SMTP envelope sender; `None` when the mail did not come over
    /// SMTP (IMAP), `Some("")` for `MAIL FROM:<>`.
    pub envelope_from: Option<&'a str>,
    /// The `From` address.
    pub from: &'a str,
    pub message_id: Option<&'a str>,
}

/// Whether a machine wrote the mail, and how we can tell. `own_id_domain`
/// is the domain part of the `Message-ID`s we send.
pub fn automatic(o: &Origin<'_>, own_id_domain: &str) -> Option<Automatic> {
    if o.auto_submitted
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no") && !v.trim().is_empty())
    {
        return Some(Automatic::AutoSubmitted);
    }
    if o.precedence.is_some_and(|p| {
        let p = p.trim();
        ["bulk", "list", "junk"]
            .iter()
            .any(|b| p.eq_ignore_ascii_case(b))
    }) {
        return Some(Automatic::Precedence);
    }
    if o.list {
        return Some(Automatic::List);
    }
    if o.envelope_from.is_some_and(|e| e.trim().is_empty()) {
        return Some(Automatic::NullSender);
    }
    let local = o.from.split('@').next().unwrap_or("").to_ascii_lowercase();
    let local = local.trim();
    if matches!(local, "mailer-daemon" | "postmaster")
        || ["noreply", "no-reply", "donotreply", "do-not-reply"].contains(&local)
    {
        return Some(Automatic::Daemon);
    }
    if o.message_id.is_some_and(|id| is_ours(id, own_id_domain)) {
        return Some(Automatic::Ours);
    }
    None
}

/// The Message-ID (without angle brackets) of a mail we send, from a
/// unique token: people at the desk's own domain send mail too, so ours
/// are told apart by their prefix as well.
pub fn own_message_id(token: &str, domain: &str) -> String {
    format!("skranke.{token}@{domain}").to_lowercase()
}

/// Whether a Message-ID is one [`own_message_id`] made.
pub fn is_ours(message_id: &str, own_id_domain: &str) -> bool {
    message_id
        .trim()
        .trim_matches(['<', '>'])
        .rsplit_once('@')
        .is_some_and(|(local, domain)| {
            local.to_ascii_lowercase().starts_with("skranke.")
                && domain.eq_ignore_ascii_case(own_id_domain)
        })
}

/// Who the sender is to the case a mail points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Participant {
    Requester,
    /// Copied on the case.
    Copied,
    Agent,
    /// Anyone else: their mail is not added to someone else's case.
    Stranger,
}

/// The case a mail answers: the one its `In-Reply-To`/`References` name
/// (a message we sent), else the one its subject tag names, and only if
/// the sender takes part in that case. Otherwise it is a new case, so a
/// stranger who quotes a case number cannot write into another's case.
pub fn thread<T: Copy>(
    by_header: Option<T>,
    by_subject: Option<T>,
    sender: impl Fn(T) -> Participant,
) -> Option<T> {
    [by_header, by_subject]
        .into_iter()
        .flatten()
        .find(|case| sender(*case) != Participant::Stranger)
}

/// An e-mail address as we compare it: trimmed, without angle brackets,
/// lower case; `None` unless it has one `@` with text on both sides.
pub fn address(s: &str) -> Option<String> {
    let s = s
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let (local, domain) = s.split_once('@')?;
    if local.is_empty()
        || domain.is_empty()
        || domain.contains('@')
        || s.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    Some(s.to_lowercase())
}

/// Whether the address, or its domain, is in the list (`[mail]
/// not_customers`).
pub fn is_listed(list: &[String], address: &str) -> bool {
    let domain = domain(address);
    list.iter()
        .any(|l| l.eq_ignore_ascii_case(address) || l.eq_ignore_ascii_case(domain))
}

/// The domain of an address as [`address`] keeps it.
pub fn domain(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// The part of a reply its writer wrote: the text above the quoted
/// history ("Den 2. des. 2026 skrev …:", "On … wrote:", an Outlook header
/// block, `-----Original Message-----`, lines quoted with `>`) and above
/// the signature (`-- `). The whole text when nothing is found; the
/// original is kept beside it.
pub fn written_part(body: &str) -> &str {
    let mut end = body.len();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let l = line.trim_end_matches(['\n', '\r']);
        if l == "-- " || l == "--" || is_quote_start(l.trim()) {
            end = offset;
            break;
        }
        offset += line.len();
    }
    let written = body[..end].trim_end();
    if written.trim().is_empty() {
        body.trim_end()
    } else {
        written
    }
}

/// A line that begins the quoted history.
fn is_quote_start(l: &str) -> bool {
    let lower = l.to_lowercase();
    l.starts_with('>')
        || (lower.ends_with(':')
            && (lower.contains(" skrev") || lower.contains(" wrote") || lower.contains(" schrieb")))
        || lower.trim_matches('-').trim() == "original message"
        || lower.trim_matches('-').trim() == "opprinnelig melding"
        || lower.trim_matches('-').trim() == "videresendt melding"
        || lower.trim_matches('-').trim() == "forwarded message"
        || ((lower.starts_with("fra:") || lower.starts_with("from:")) && l.contains('@'))
}

/// A recipient a delivery status notification (RFC 3464) says our mail
/// did not reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    /// As [`address`] keeps it.
    pub address: String,
    /// Its `Status` (`5.1.1`) and `Diagnostic-Code`, as the report says.
    pub reason: String,
}

/// The recipients a `message/delivery-status` part names as failed
/// (`Action: failed`); delays and successes are not failures.
pub fn undelivered(status: &str) -> Vec<Undelivered> {
    // Per-recipient fields come in groups separated by blank lines; the
    // first group is about the message.
    let text = status.replace("\r\n", "\n");
    let mut out = Vec::new();
    for group in text.split("\n\n") {
        let field = |name: &str| {
            group.lines().find_map(|l| {
                l.split_once(':')
                    .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.trim().to_owned())
            })
        };
        let failed = field("Action").is_some_and(|a| a.eq_ignore_ascii_case("failed"));
        let Some(recipient) = field("Final-Recipient").or_else(|| field("Original-Recipient"))
        else {
            continue;
        };
        // `rfc822; kari@kommune-a.example`
        let Some(address) = address(recipient.rsplit(';').next().unwrap_or("")) else {
            continue;
        };
        if failed {
            let reason = [field("Status"), field("Diagnostic-Code")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            out.push(Undelivered { address, reason });
        }
    }
    out
}

/// The `Message-ID` (without brackets) in a block of headers, such as the
/// returned headers of a bounce.
pub fn message_id_in(headers: &str) -> Option<String> {
    headers.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("Message-ID")
            .then(|| value.trim().trim_matches(['<', '>']).trim().to_owned())
            .filter(|v| !v.is_empty())
    })
}

/// Why a message is held in quarantine, as admins read it (the key is
/// stored; the words are the catalogue's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldReason {
    /// Its MIME could not be read.
    Unreadable,
    /// It names no sender.
    NoSender,
    /// A pupil, a guardian, or an address in `[mail] not_customers`.
    NotCustomer,
    /// From a domain no organisation has.
    UnknownDomain,
    /// It could not be made a case (the reason's detail says why).
    NotACase,
    /// Larger than the limit: only its header was fetched from the
    /// mailbox, where the whole message stays.
    TooLarge,
}

impl HoldReason {
    pub const ALL: [HoldReason; 6] = [
        Self::Unreadable,
        Self::NoSender,
        Self::NotCustomer,
        Self::UnknownDomain,
        Self::NotACase,
        Self::TooLarge,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Unreadable => "unreadable",
            Self::NoSender => "no_sender",
            Self::NotCustomer => "not_customer",
            Self::UnknownDomain => "unknown_domain",
            Self::NotACase => "not_a_case",
            Self::TooLarge => "too_large",
        }
    }
}

crate::key_from_str!(HoldReason);

/// How long the per-sender count of mail runs before it starts afresh.
pub const SENDER_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// Mail counted from one sender (envelope sender and client address) in
/// its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderCount {
    pub count: u32,
    pub window_start: jiff::Timestamp,
}

/// Whether one more message from a sender is taken now: `Ok` with the new
/// count, or `Err` with when to try again. Counted per envelope sender *and*
/// client address, so someone forging a sender from elsewhere does not use
/// up that sender's own mail server's allowance; and a refusal is "try
/// later" (451), so a sending server delivers it after the window: mail is
/// delayed at worst, never lost.
pub fn admit_sender(
    c: Option<SenderCount>,
    per_hour: u32,
    now: jiff::Timestamp,
) -> Result<SenderCount, jiff::Timestamp> {
    let c = match c {
        Some(c) if c.window_start + SENDER_WINDOW > now => c,
        _ => SenderCount {
            count: 0,
            window_start: now,
        },
    };
    if c.count >= per_hour {
        return Err(c.window_start + SENDER_WINDOW);
    }
    Ok(SenderCount {
        count: c.count + 1,
        ..c
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> CaseNumber {
        s.parse().unwrap()
    }

    #[test]
    fn prefixes_in_several_languages_are_stripped() {
        assert_eq!(strip_prefixes("SV: VS: Re[2]: Skriveren"), "Skriveren");
        assert_eq!(strip_prefixes("RE : Fwd:AW: WG: x"), "x");
        assert_eq!(strip_prefixes("Svar på søknad"), "Svar på søknad");
        assert_eq!(
            strip_prefixes("Reise: Oslo"),
            "Reise: Oslo",
            "a word, not a prefix"
        );
        assert_eq!(strip_prefixes("Re(3): ting"), "ting");
        assert_eq!(strip_prefixes("Re[x]: ting"), "Re[x]: ting");
    }

    #[test]
    fn the_case_number_is_read_from_our_tag_only() {
        let c = n("2026-000123");
        assert_eq!(case_number_in("SV: Skriver [Sak 2026-000123]"), Some(c));
        assert_eq!(case_number_in("[sak 2026-000123] SV: Skriver"), Some(c));
        assert_eq!(case_number_in("Re: [Case 2026-000123]"), Some(c));
        assert_eq!(case_number_in("[Sak  2026-000123 ]"), Some(c));
        assert_eq!(case_number_in("Om sak 2026-000123"), None, "no tag");
        assert_eq!(case_number_in("[Sak 26-1]"), None);
        assert_eq!(
            case_number_in("[intern] [Sak 2026-000124]"),
            Some(n("2026-000124"))
        );
        assert_eq!(case_number_in("[Sak 2026-000123"), None, "unclosed");
        assert_eq!(subject_tag(c), "[Sak 2026-000123]");
    }

    #[test]
    fn a_title_comes_from_the_subject_or_the_first_line() {
        assert_eq!(
            title(Some("  Skriveren\t i 2.\r\n etasje  "), "x").as_deref(),
            Some("Skriveren i 2. etasje")
        );
        assert_eq!(
            title(Some(" "), "\n\n  PC-en starter ikke  \nmer tekst").as_deref(),
            Some("PC-en starter ikke")
        );
        assert_eq!(
            title(None, "> sitat\nEget svar").as_deref(),
            Some("Eget svar")
        );
        assert_eq!(
            title(Some("\u{202E}exe.txt"), "").as_deref(),
            Some("exe.txt")
        );
        assert_eq!(title(None, " \n "), None);
        let long = "ø".repeat(300);
        let t = title(Some(&long), "").unwrap();
        assert_eq!(t.chars().count(), TITLE_MAX);
        assert!(t.ends_with('…'));
    }

    #[test]
    fn machines_are_recognised() {
        let base = Origin {
            from: "kari@kommune-a.example",
            envelope_from: Some("kari@kommune-a.example"),
            ..Origin::default()
        };
        let own = "kundeservice.example";
        assert_eq!(automatic(&base, own), None);
        let o = |f: &dyn Fn(&mut Origin)| {
            let mut o = base.clone();
            f(&mut o);
            automatic(&o, own)
        };
        assert_eq!(
            o(&|o| o.auto_submitted = Some("auto-replied")),
            Some(Automatic::AutoSubmitted)
        );
        assert_eq!(o(&|o| o.auto_submitted = Some("No")), None);
        assert_eq!(
            o(&|o| o.precedence = Some(" Bulk")),
            Some(Automatic::Precedence)
        );
        assert_eq!(o(&|o| o.precedence = Some("first-class")), None);
        assert_eq!(o(&|o| o.list = true), Some(Automatic::List));
        assert_eq!(
            o(&|o| o.envelope_from = Some("")),
            Some(Automatic::NullSender)
        );
        assert_eq!(o(&|o| o.envelope_from = None), None, "IMAP has no envelope");
        assert_eq!(
            o(&|o| o.from = "MAILER-DAEMON@mx.example"),
            Some(Automatic::Daemon)
        );
        assert_eq!(
            o(&|o| o.from = "no-reply@vendor.example"),
            Some(Automatic::Daemon)
        );
        assert_eq!(
            own_message_id("abc123", "Kundeservice.example"),
            "skranke.abc123@kundeservice.example"
        );
        assert_eq!(
            o(&|o| o.message_id = Some("<Skranke.abc123@Kundeservice.example>")),
            Some(Automatic::Ours)
        );
        assert_eq!(
            o(&|o| o.message_id = Some("<abc.123@kundeservice.example>")),
            None,
            "an agent's own mail from the desk's domain is not ours"
        );
        assert_eq!(o(&|o| o.message_id = Some("<abc@kommune-a.example>")), None);
    }

    #[test]
    fn only_participants_join_a_case() {
        let role = |case: i64| match case {
            1 => Participant::Requester,
            2 => Participant::Agent,
            3 => Participant::Copied,
            _ => Participant::Stranger,
        };
        assert_eq!(thread(Some(1), Some(2), role), Some(1), "the header first");
        assert_eq!(thread(None, Some(3), role), Some(3));
        assert_eq!(thread(Some(9), Some(2), role), Some(2), "then the subject");
        assert_eq!(
            thread(Some(9), Some(8), role),
            None,
            "a stranger starts a new case"
        );
        assert_eq!(thread::<i64>(None, None, role), None);
    }

    #[test]
    fn addresses_are_compared_in_one_form() {
        assert_eq!(
            address(" <Kari.Nordmann@Kommune-A.example> ").as_deref(),
            Some("kari.nordmann@kommune-a.example")
        );
        assert_eq!(address("kari"), None);
        assert_eq!(address("@x"), None);
        assert_eq!(address("a@b@c"), None);
        assert_eq!(address("a b@c"), None);
        assert_eq!(domain("kari@kommune-a.example"), "kommune-a.example");
        let not_customers = [
            "elev.kommune-a.example".into(),
            "foresatt@kommune-a.example".into(),
        ];
        assert!(is_listed(&not_customers, "per@elev.kommune-a.example"));
        assert!(is_listed(&not_customers, "foresatt@kommune-a.example"));
        assert!(!is_listed(&not_customers, "kari@kommune-a.example"));
        assert!(
            !is_listed(&not_customers, "x@ny.elev.kommune-a.example"),
            "a listed domain is that domain"
        );
    }

    #[test]
    fn the_written_part_stops_at_the_history_or_the_signature() {
        let norwegian = "Takk, det virker nå.\n\nDen tir. 1. des. 2026 kl. 10:15 skrev Kundeservice <kundeservice@kundeservice.example>:\n> Prøv å starte på nytt.\n";
        assert_eq!(written_part(norwegian), "Takk, det virker nå.");
        let outlook = "Fortsatt feil.\r\n\r\nFra: Kundeservice <kundeservice@kundeservice.example>\r\nSendt: 1. desember 2026 10:15\r\n";
        assert_eq!(written_part(outlook), "Fortsatt feil.");
        let english =
            "Still broken.\nOn Tue, Dec 1, 2026 at 10:15 Desk <d@x.example> wrote:\n> old";
        assert_eq!(written_part(english), "Still broken.");
        assert_eq!(written_part("Hei\n-- \nKari\nTlf 123"), "Hei");
        assert_eq!(written_part("Hei\n-----Opprinnelig melding-----\nx"), "Hei");
        assert_eq!(
            written_part("> bare sitat"),
            "> bare sitat",
            "nothing else: all of it"
        );
        assert_eq!(
            written_part("Fra: i går fikk jeg feil"),
            "Fra: i går fikk jeg feil",
            "no address: text"
        );
    }

    proptest! {
        #[test]
        fn a_title_is_one_clean_line_within_the_limit(s in "\\PC{0,400}", body in "\\PC{0,50}") {
            if let Some(t) = title(Some(&s), &body) {
                prop_assert!(t.chars().count() <= TITLE_MAX);
                prop_assert!(!t.chars().any(|c| c.is_control() || crate::case::is_bidi_control(c)));
                prop_assert!(!t.contains("  ") && t.trim() == t && !t.is_empty());
                let again = title(Some(&t), "");
                prop_assert_eq!(again.as_deref(), Some(t.as_str()), "stable");
            }
        }

        #[test]
        fn a_tagged_subject_is_found_after_any_prefixes(
            year in 2000i16..2100,
            seq in 0u32..1_000_000,
            prefixes in proptest::collection::vec(
                proptest::sample::select(vec!["Re: ", "SV: ", "VS:", "Fwd: ", "AW: ", "RE[2]: "]), 0..4),
            text in "[^\\[\\]]{0,40}",
        ) {
            let number = CaseNumber { year, seq };
            let subject = format!("{}{} {}", prefixes.concat(), text, subject_tag(number));
            prop_assert_eq!(case_number_in(&subject), Some(number));
            prop_assert!(strip_prefixes(&subject).ends_with(&subject_tag(number)));
        }

        #[test]
        fn the_written_part_is_the_start_of_the_text(body in "(\\PC{0,30}\n){0,6}") {
            let w = written_part(&body);
            prop_assert!(body.starts_with(w));
        }
    }

    #[test]
    fn a_bounce_names_the_recipients_that_failed_and_our_message() {
        let status = "Reporting-MTA: dns; mx.kommune-a.example\r\n\r\n\
            Final-Recipient: rfc822; Kari@Kommune-A.example\r\nAction: failed\r\n\
            Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n\
            Final-Recipient: rfc822; ola@kommune-b.example\r\nAction: delayed\r\nStatus: 4.4.1\r\n";
        assert_eq!(
            undelivered(status),
            [Undelivered {
                address: "kari@kommune-a.example".into(),
                reason: "5.1.1 smtp; 550 5.1.1 User unknown".into()
            }],
            "a delay is not a failure"
        );
        assert_eq!(undelivered("Action: failed\n"), [], "no recipient named");
        let headers = "From: Kundeservice <kundeservice@kundeservice.example>\r\n\
            Message-ID: <skranke.ab12@kundeservice.example>\r\nSubject: x\r\n";
        assert_eq!(
            message_id_in(headers).as_deref(),
            Some("skranke.ab12@kundeservice.example")
        );
        assert_eq!(message_id_in("Subject: x\n"), None);
    }

    #[test]
    fn a_sender_gets_its_allowance_per_hour_and_then_try_later() {
        let t0: jiff::Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
        let mut c = None;
        for n in 1..=3 {
            let next = admit_sender(c, 3, t0).unwrap();
            assert_eq!(next.count, n);
            c = Some(next);
        }
        let later = t0 + SENDER_WINDOW;
        assert_eq!(
            admit_sender(c, 3, t0 + jiff::SignedDuration::from_mins(59)),
            Err(later)
        );
        let fresh = admit_sender(c, 3, later).unwrap();
        assert_eq!(
            (fresh.count, fresh.window_start),
            (1, later),
            "a new window"
        );
    }
}
