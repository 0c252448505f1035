//! A raw message into what we keep of it. Bodies in ISO-8859-1,
//! Windows-1252 or UTF-8, quoted-printable or base64, RFC 2047 subjects and
//! RFC 2231 file names are decoded by `mail-parser`; an HTML-only message
//! becomes text (mail HTML is never shown as HTML); inline images, nested
//! messages and `winmail.dat` are kept as files.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};
use skranke_core::mail::{Origin, Undelivered, address, message_id_in, undelivered};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MailError {
    /// Not a message at all (no header could be read): kept raw in
    /// quarantine with this error.
    #[error("the message could not be read as MIME: {0}")]
    Unreadable(&'static str),
}

/// A file that came with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Shown in the text (`Content-Disposition: inline`, a `Content-ID`).
    pub inline: bool,
}

/// A bounce: which message did not arrive, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounce {
    /// The returned message's `Message-ID`, without brackets.
    pub message_id: Option<String>,
    pub failed: Vec<Undelivered>,
}

/// An address of `To` or `Cc`, with the name written beside it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Named {
    pub address: String,
    pub name: Option<String>,
}

/// A message as we keep it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inbound {
    /// Without angle brackets.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The `From` address as `skranke_core::mail::address` keeps it.
    pub from: Option<String>,
    pub from_name: Option<String>,
    pub to: Vec<Named>,
    pub cc: Vec<Named>,
    /// Decoded, as written.
    pub subject: Option<String>,
    /// The text body; an HTML-only message converted to text.
    pub text: String,
    pub files: Vec<InboundFile>,
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    /// A mailing list's headers (`List-Id`, `List-Unsubscribe`).
    pub list: bool,
    /// A delivery status report (`multipart/report`): a bounce.
    pub report: bool,
    /// What a delivery status report says: the message it is about and
    /// the recipients it did not reach.
    pub bounce: Option<Bounce>,
    /// SHA-256 of the raw bytes: the message's identity when it has no `Message-ID`.
    pub sha256: String,
}

impl Inbound {
    /// What makes two arrivals the same message (over SMTP and IMAP, or sent twice).
    pub fn identity(&self) -> String {
        match &self.message_id {
            Some(id) => format!("id:{}", id.to_ascii_lowercase()),
            None => format!("sha256:{}", self.sha256),
        }
    }

    /// The facts the core's [`skranke_core::mail::automatic`] judges.
    pub fn origin<'a>(&'a self, envelope_from: Option<&'a str>) -> Origin<'a> {
        Origin {
            auto_submitted: self.auto_submitted.as_deref(),
            precedence: self.precedence.as_deref(),
            list: self.list,
            envelope_from,
            from: self.from.as_deref().unwrap_or(""),
            message_id: self.message_id.as_deref(),
        }
    }
}

/// Reads a raw message. Never panics, whatever the bytes.
pub fn parse(raw: &[u8]) -> Result<Inbound, MailError> {
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or(MailError::Unreadable("no message structure"))?;
    if msg.headers().is_empty() {
        return Err(MailError::Unreadable("no headers"));
    }
    let first = msg.from().and_then(Address::first);
    let report = msg.root_part().content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let text = msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    let files = msg
        .attachments()
        .enumerate()
        .map(|(i, part)| {
            let ct = part.content_type();
            let content_type = ct.map_or_else(
                || "application/octet-stream".to_owned(),
                |c| match c.subtype() {
                    Some(sub) => format!("{}/{}", c.ctype(), sub).to_ascii_lowercase(),
                    None => c.ctype().to_ascii_lowercase(),
                },
            );
            let inline = part
                .content_disposition()
                .is_some_and(|d| d.ctype().eq_ignore_ascii_case("inline"))
                || part.content_id().is_some();
            let name = part
                .attachment_name()
                .map(skranke_core::case::clean_line)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| unnamed(i, &content_type));
            InboundFile {
                name,
                content_type,
                bytes: part.contents().to_vec(),
                inline,
            }
        })
        .collect();
    Ok(Inbound {
        message_id: msg.message_id().map(|id| id.trim().to_owned()),
        in_reply_to: ids(msg.in_reply_to()),
        references: ids(msg.references()),
        from: first.and_then(|a| a.address()).and_then(address),
        from_name: first.and_then(display_name),
        to: msg
            .all_to()
            .flat_map(Address::iter)
            .filter_map(named)
            .collect(),
        cc: msg
            .all_cc()
            .flat_map(Address::iter)
            .filter_map(named)
            .collect(),
        subject: msg.subject().map(str::to_owned),
        text,
        files,
        auto_submitted: msg
            .header_raw("Auto-Submitted")
            .map(|v| v.trim().to_owned()),
        precedence: msg.header_raw("Precedence").map(|v| v.trim().to_owned()),
        list: !msg.list_id().is_empty() || !msg.list_unsubscribe().is_empty(),
        report,
        bounce: report.then(|| bounce(&msg)),
        sha256: hex::encode(Sha256::digest(raw)),
    })
}

/// The parts of a delivery status report (RFC 3464): the status of each
/// recipient, and the returned message or its headers.
fn bounce(msg: &mail_parser::Message<'_>) -> Bounce {
    let mut b = Bounce::default();
    for part in &msg.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")).to_ascii_lowercase();
        let text = String::from_utf8_lossy(part.contents());
        match kind.as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                b.failed.extend(undelivered(&text));
            }
            "message/rfc822"
            | "message/global"
            | "text/rfc822-headers"
            | "message/rfc822-headers"
                if b.message_id.is_none() =>
            {
                b.message_id = message_id_in(text.split("\r\n\r\n").next().unwrap_or(""));
            }
            _ => {}
        }
    }
    b
}

/// Message ids from `In-Reply-To` or `References`, without brackets.
fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.trim().to_owned()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.trim().to_owned()).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|id| !id.is_empty())
    .collect()
}

/// A name for a file that came without one (`vedlegg-2.png`, `melding-1.eml`).
fn unnamed(i: usize, content_type: &str) -> String {
    let ext = match content_type {
        "message/rfc822" => "eml",
        "text/plain" => "txt",
        "text/html" => "html",
        "image/jpeg" => "jpg",
        "application/ms-tnef" => "dat",
        ct => ct
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or("bin"),
    };
    let stem = if content_type == "message/rfc822" {
        "melding"
    } else {
        "vedlegg"
    };
    format!("{stem}-{}.{ext}", i + 1)
}

/// A name as written beside an address, cleaned; `None` when blank.
fn display_name(a: &mail_parser::Addr<'_>) -> Option<String> {
    a.name()
        .map(skranke_core::case::clean_line)
        .filter(|n| !n.is_empty())
}

fn named(a: &mail_parser::Addr<'_>) -> Option<Named> {
    Some(Named {
        address: a.address().and_then(address)?,
        name: display_name(a),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mail(s: &str) -> Vec<u8> {
        s.replace('\n', "\r\n").into_bytes()
    }

    #[test]
    fn a_postfix_bounce_names_our_message_and_the_address() {
        let raw = mail(
            "From: MAILER-DAEMON@mx.kommune-a.example (Mail Delivery System)\n\
             To: kundeservice@kundeservice.example\n\
             Subject: Undelivered Mail Returned to Sender\n\
             Message-ID: <20261201.ABC@mx.kommune-a.example>\n\
             Auto-Submitted: auto-replied\n\
             MIME-Version: 1.0\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\
             \n\
             --B\n\
             Content-Type: text/plain\n\
             \n\
             I'm sorry to have to inform you that your message could not be delivered.\n\
             --B\n\
             Content-Type: message/delivery-status\n\
             \n\
             Reporting-MTA: dns; mx.kommune-a.example\n\
             \n\
             Final-Recipient: rfc822; kari@kommune-a.example\n\
             Action: failed\n\
             Status: 5.1.1\n\
             Diagnostic-Code: smtp; 550 5.1.1 <kari@kommune-a.example>: User unknown\n\
             --B\n\
             Content-Type: text/rfc822-headers\n\
             \n\
             From: Kundeservice <kundeservice@kundeservice.example>\n\
             Message-ID: <skranke.00ff@kundeservice.example>\n\
             Subject: [Sak 2026-000031] Mottatt: Printer\n\
             --B--\n",
        );
        let m = parse(&raw).unwrap();
        assert!(m.report);
        let b = m.bounce.unwrap();
        assert_eq!(
            b.message_id.as_deref(),
            Some("skranke.00ff@kundeservice.example")
        );
        assert_eq!(b.failed.len(), 1);
        assert_eq!(b.failed[0].address, "kari@kommune-a.example");
        assert!(b.failed[0].reason.starts_with("5.1.1"), "{:?}", b.failed);
        assert_eq!(
            parse(&mail("From: a@b.example\nSubject: x\n\nhei\n"))
                .unwrap()
                .bounce,
            None
        );
    }

    #[test]
    fn latin1_quoted_printable_with_an_encoded_subject() {
        let raw = mail(
            "From: =?iso-8859-1?Q?Kari_Nordmann?= <Kari@Kommune-A.example>\n\
             To: kundeservice@kundeservice.example\n\
             Subject: =?iso-8859-1?Q?Skriveren_p=E5_rom_2_virker_ikke?=\n\
             Message-ID: <abc123@kommune-a.example>\n\
             MIME-Version: 1.0\n\
             Content-Type: text/plain; charset=iso-8859-1\n\
             Content-Transfer-Encoding: quoted-printable\n\
             \n\
             Hei, skriveren p=E5 rom 2 skriver ikke ut. Bl=E5 lampe blinker.\n",
        );
        let m = parse(&raw).unwrap();
        assert_eq!(m.subject.as_deref(), Some("Skriveren på rom 2 virker ikke"));
        assert_eq!(m.from.as_deref(), Some("kari@kommune-a.example"));
        assert_eq!(m.from_name.as_deref(), Some("Kari Nordmann"));
        assert_eq!(m.to.len(), 1);
        assert_eq!(m.to[0].address, "kundeservice@kundeservice.example");
        assert!(m.text.contains("skriveren på rom 2"), "{}", m.text);
        assert!(m.text.contains("Blå lampe"));
        assert_eq!(m.message_id.as_deref(), Some("abc123@kommune-a.example"));
        assert_eq!(m.identity(), "id:abc123@kommune-a.example");
    }

    #[test]
    fn windows_1252_and_base64_utf8_bodies() {
        let mut raw = mail(
            "From: ola@kommune-b.example\n\
             Subject: Pris\n\
             Content-Type: text/plain; charset=windows-1252\n\
             Content-Transfer-Encoding: 8bit\n\
             \n",
        );
        raw.extend_from_slice(b"Lisensen koster 100 \x80 \x96 s\xf8knad sendt.\r\n");
        let m = parse(&raw).unwrap();
        assert!(m.text.contains("100 € – søknad"), "{}", m.text);

        let raw = mail(
            "From: ola@kommune-b.example\n\
             Subject: =?UTF-8?B?RsO4cnN0ZSBkYWc=?=\n\
             Content-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: base64\n\
             \n\
             SGVpLCBqZWcgZsOlciBpa2tlIGxvZ2dldCBpbm4u\n",
        );
        let m = parse(&raw).unwrap();
        assert_eq!(m.subject.as_deref(), Some("Første dag"));
        assert_eq!(m.text.trim(), "Hei, jeg får ikke logget inn.");
        assert!(
            m.identity().starts_with("sha256:"),
            "no Message-ID: the content"
        );
    }

    #[test]
    fn files_keep_their_names_types_and_bytes() {
        let raw = mail(
            "From: kari@kommune-a.example\n\
             Subject: Vedlegg\n\
             Content-Type: multipart/mixed; boundary=\"b1\"\n\
             \n\
             --b1\n\
             Content-Type: text/plain; charset=utf-8\n\
             \n\
             Se vedlagt.\n\
             --b1\n\
             Content-Type: application/pdf\n\
             Content-Disposition: attachment; filename*=iso-8859-1''r%E5data.pdf\n\
             Content-Transfer-Encoding: base64\n\
             \n\
             JVBERi0xLjQ=\n\
             --b1\n\
             Content-Type: image/png\n\
             Content-ID: <bilde1>\n\
             Content-Disposition: inline\n\
             Content-Transfer-Encoding: base64\n\
             \n\
             iVBORw0KGgo=\n\
             --b1\n\
             Content-Type: application/ms-tnef; name=\"winmail.dat\"\n\
             Content-Transfer-Encoding: base64\n\
             \n\
             eJ8+IgA=\n\
             --b1\n\
             Content-Type: message/rfc822\n\
             \n\
             From: leverandor@vendor.example\n\
             Subject: Tilbud\n\
             \n\
             Vedlagt tilbud.\n\
             --b1--\n",
        );
        let m = parse(&raw).unwrap();
        assert_eq!(m.text.trim(), "Se vedlagt.");
        let names: Vec<_> = m
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.content_type.as_str(), f.inline))
            .collect();
        assert_eq!(
            names,
            vec![
                ("rådata.pdf", "application/pdf", false),
                ("vedlegg-2.png", "image/png", true),
                ("winmail.dat", "application/ms-tnef", false),
                ("melding-4.eml", "message/rfc822", false),
            ]
        );
        assert_eq!(m.files[0].bytes, b"%PDF-1.4");
        assert!(String::from_utf8_lossy(&m.files[3].bytes).contains("Vedlagt tilbud."));
    }

    #[test]
    fn html_only_mail_becomes_text() {
        let raw = mail(
            "From: kari@kommune-a.example\n\
             Subject: HTML\n\
             Content-Type: text/html; charset=utf-8\n\
             \n\
             <html><head><style>p{color:red}</style></head><body><p>Hei <b>der</b>,</p><p>skjermen er svart.</p><script>alert(1)</script></body></html>\n",
        );
        let m = parse(&raw).unwrap();
        assert!(m.text.contains("Hei der"), "{:?}", m.text);
        assert!(m.text.contains("skjermen er svart."));
        assert!(
            !m.text.contains('<') && !m.text.contains("alert") && !m.text.contains("color"),
            "{:?}",
            m.text
        );
    }

    #[test]
    fn threading_and_automation_headers() {
        let raw = mail(
            "From: MAILER-DAEMON@mx.kommune-a.example\n\
             Subject: Undelivered Mail\n\
             In-Reply-To: <s1.2026-000123@kundeservice.example>\n\
             References: <s0@kundeservice.example> <s1.2026-000123@kundeservice.example>\n\
             Auto-Submitted: auto-replied\n\
             Precedence: bulk\n\
             List-Id: <drift.kommune-a.example>\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\
             \n\
             --r\n\
             Content-Type: text/plain\n\
             \n\
             Could not deliver.\n\
             --r--\n",
        );
        let m = parse(&raw).unwrap();
        assert_eq!(m.in_reply_to, vec!["s1.2026-000123@kundeservice.example"]);
        assert_eq!(
            m.references,
            vec![
                "s0@kundeservice.example",
                "s1.2026-000123@kundeservice.example"
            ]
        );
        assert!(m.report && m.list);
        assert_eq!(m.auto_submitted.as_deref(), Some("auto-replied"));
        assert_eq!(m.precedence.as_deref(), Some("bulk"));
        let verdict = skranke_core::mail::automatic(&m.origin(Some("")), "kundeservice.example");
        assert_eq!(verdict, Some(skranke_core::mail::Automatic::AutoSubmitted));
    }

    #[test]
    fn what_is_not_a_message_is_refused() {
        assert!(parse(b"").is_err());
        assert!(parse(b"\r\n\r\njust a body").is_err());
        // A broken message with headers is read as far as it goes.
        let m = parse(&mail("Subject: halv\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nbegynt")).unwrap();
        assert_eq!(m.subject.as_deref(), Some("halv"));
        assert_eq!(m.from, None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn any_bytes_are_read_or_refused_never_a_panic(raw in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = parse(&raw);
        }

        #[test]
        fn any_headers_and_parts_are_read_or_refused(
            subject in "\\PC{0,80}",
            ct in proptest::sample::select(vec!["text/plain", "text/html", "multipart/mixed; boundary=q", "message/rfc822", "application/ms-tnef", "multipart/report"]),
            cte in proptest::sample::select(vec!["7bit", "base64", "quoted-printable", "8bit", "x-bogus"]),
            body in proptest::collection::vec(any::<u8>(), 0..500),
        ) {
            let mut raw = format!("From: a@b.example\r\nSubject: {subject}\r\nContent-Type: {ct}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n").into_bytes();
            raw.extend_from_slice(&body);
            let _ = parse(&raw);
        }
    }
}
