//! The SMTP listener against clients that are not ours: Python's `smtplib`
//! (skipped with a notice where `python3` is missing) and raw sockets for
//! what a well-behaved client never does.

use skranke_mail::smtp::{Accepted, BoxFuture, Envelope, Sink, SmtpConfig, serve};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Keeps what it is given; answers as told.
struct Kept {
    got: Mutex<Vec<(Envelope, Vec<u8>)>>,
    answer: Mutex<Accepted>,
}

impl Sink for Kept {
    fn deliver(&self, envelope: Envelope, raw: Vec<u8>) -> BoxFuture<'_, Accepted> {
        Box::pin(async move {
            let answer = self.answer.lock().unwrap().clone();
            if answer == Accepted::Stored {
                self.got.lock().unwrap().push((envelope, raw));
            }
            answer
        })
    }
}

async fn start(max_size: usize, idle: Duration) -> (String, Arc<Kept>) {
    start_with(max_size, idle, None).await
}

async fn start_with(
    max_size: usize,
    idle: Duration,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> (String, Arc<Kept>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let kept = Arc::new(Kept {
        got: Mutex::new(Vec::new()),
        answer: Mutex::new(Accepted::Stored),
    });
    let config = Arc::new(SmtpConfig {
        hostname: "skranke.test".into(),
        recipients: vec!["kundeservice@kundeservice.example".into()],
        max_size,
        max_recipients: 5,
        idle,
        tls,
    });
    tokio::spawn(serve(
        listener,
        config,
        kept.clone(),
        std::future::pending(),
    ));
    (addr, kept)
}

/// A raw SMTP conversation: sends each line, returns every reply line.
struct Raw {
    r: BufReader<tokio::net::tcp::OwnedReadHalf>,
    w: tokio::net::tcp::OwnedWriteHalf,
}

impl Raw {
    async fn open(addr: &str) -> Raw {
        let (r, w) = TcpStream::connect(addr).await.unwrap().into_split();
        let mut raw = Raw {
            r: BufReader::new(r),
            w,
        };
        assert!(raw.reply().await.starts_with("220 "));
        raw
    }

    /// One complete reply (all its lines), joined.
    async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(Duration::from_secs(5), self.r.read_line(&mut line))
                .await
                .expect("a reply in time")
                .unwrap();
            if n == 0 {
                return all;
            }
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    }

    async fn say(&mut self, line: &str) -> String {
        self.w.write_all(line.as_bytes()).await.unwrap();
        self.w.write_all(b"\r\n").await.unwrap();
        self.reply().await
    }
}

#[tokio::test]
async fn python_smtplib_delivers_a_message_with_an_attachment() {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("SKIPPED: python3 is not installed");
        return;
    }
    let (addr, kept) = start(1_000_000, Duration::from_secs(10)).await;
    let (host, port) = addr.rsplit_once(':').unwrap();
    let script = format!(
        r#"
import smtplib
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "Kari Nordmann <kari@kommune-a.example>"
m["To"] = "kundeservice@kundeservice.example"
m["Subject"] = "Skriveren på rom 2"
m["Message-ID"] = "<py1@kommune-a.example>"
m.set_content("Hei!\n.Linje som starter med punktum\nBlå lampe blinker.\n")
m.add_attachment(b"%PDF-1.4 data", maintype="application", subtype="pdf", filename="rådata.pdf")
with smtplib.SMTP("{host}", {port}) as s:
    s.send_message(m)
"#
    );
    let out = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = kept.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (envelope, raw) = &got[0];
    assert_eq!(envelope.from, "kari@kommune-a.example");
    assert_eq!(envelope.to, vec!["kundeservice@kundeservice.example"]);
    let m = skranke_mail::parse(raw).unwrap();
    assert_eq!(m.subject.as_deref(), Some("Skriveren på rom 2"));
    assert!(
        m.text.contains("\n.Linje som starter med punktum"),
        "dot-unstuffed: {:?}",
        m.text
    );
    assert!(m.text.contains("Blå lampe"));
    assert_eq!(m.files.len(), 1);
    assert_eq!(m.files[0].name, "rådata.pdf");
    assert_eq!(m.files[0].bytes, b"%PDF-1.4 data");
}

#[tokio::test]
async fn never_a_relay_and_sizes_are_enforced() {
    let (addr, kept) = start(2000, Duration::from_secs(10)).await;
    let mut s = Raw::open(&addr).await;
    assert!(
        s.say("MAIL FROM:<a@b.example>").await.starts_with("503"),
        "EHLO first"
    );
    let ehlo = s.say("EHLO client.example").await;
    assert!(ehlo.contains("250-SIZE 2000"), "{ehlo}");
    assert!(
        s.say("MAIL FROM:<a@b.example> SIZE=5000")
            .await
            .starts_with("552")
    );
    assert!(
        s.say("MAIL FROM:<a@b.example> SIZE=100")
            .await
            .starts_with("250")
    );
    let relay = s.say("RCPT TO:<victim@elsewhere.example>").await;
    assert!(relay.starts_with("550 5.7.1"), "{relay}");
    assert!(s.say("DATA").await.starts_with("503"), "no recipient yet");
    assert!(
        s.say("RCPT TO:<Kundeservice@KUNDESERVICE.example>")
            .await
            .starts_with("250")
    );
    assert!(s.say("DATA").await.starts_with("354"));
    // More than declared: read to the end, refused, nothing kept.
    let body = "x".repeat(100);
    for _ in 0..30 {
        s.w.write_all(format!("{body}\r\n").as_bytes())
            .await
            .unwrap();
    }
    assert!(s.say(".").await.starts_with("552"));
    assert!(kept.got.lock().unwrap().is_empty());
    // The session goes on; a small message with a null sender (a bounce) is taken.
    assert!(s.say("MAIL FROM:<>").await.starts_with("250"));
    assert!(
        s.say("RCPT TO:<kundeservice@kundeservice.example>")
            .await
            .starts_with("250")
    );
    assert!(s.say("DATA").await.starts_with("354"));
    s.w.write_all(b"Subject: liten\r\n\r\n..punktum\r\nslutt\r\n")
        .await
        .unwrap();
    assert!(s.say(".").await.starts_with("250"));
    assert!(s.say("QUIT").await.starts_with("221"));
    let got = kept.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0.from, "");
    assert_eq!(got[0].1, b"Subject: liten\r\n\r\n.punktum\r\nslutt\r\n");
}

#[tokio::test]
async fn the_answer_to_data_is_the_sinks() {
    let (addr, kept) = start(10_000, Duration::from_secs(10)).await;
    *kept.answer.lock().unwrap() = Accepted::Later("database busy".into());
    let mut s = Raw::open(&addr).await;
    // Pipelined: every command at once, the replies in order.
    s.w.write_all(
        b"EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<kundeservice@kundeservice.example>\r\nDATA\r\n",
    )
    .await
    .unwrap();
    assert!(s.reply().await.starts_with("250-"));
    assert!(s.reply().await.starts_with("250 2.1.0"));
    assert!(s.reply().await.starts_with("250 2.1.5"));
    assert!(s.reply().await.starts_with("354"));
    s.w.write_all(b"Subject: x\r\n\r\nbody\r\n").await.unwrap();
    let later = s.say(".").await;
    assert!(later.starts_with("451 4.3.0 database busy"), "{later}");
    *kept.answer.lock().unwrap() = Accepted::Refused("no".into());
    assert!(s.say("MAIL FROM:<a@b.example>").await.starts_with("250"));
    assert!(
        s.say("RCPT TO:<kundeservice@kundeservice.example>")
            .await
            .starts_with("250")
    );
    assert!(s.say("DATA").await.starts_with("354"));
    assert!(s.say(".").await.starts_with("554"));
    assert!(s.say("STARTTLS").await.starts_with("502"), "not offered");
    let long = format!("NOOP {}", "x".repeat(5000));
    assert!(s.say(&long).await.starts_with("500"), "a line too long");
    assert!(
        s.say("NOOP").await.starts_with("250"),
        "and the session goes on"
    );
}

#[tokio::test]
async fn an_idle_client_is_let_go() {
    let (addr, _) = start(10_000, Duration::from_millis(300)).await;
    let mut s = Raw::open(&addr).await;
    assert!(s.say("EHLO c").await.starts_with("250"));
    tokio::time::sleep(Duration::from_millis(600)).await;
    let bye = s.reply().await;
    assert!(bye.starts_with("421"), "{bye}");
    assert_eq!(s.reply().await, "", "then closed");
}

/// A self-signed certificate for `localhost` made by `openssl`, in `dir`;
/// `None` (and a notice) where there is no `openssl`.
fn certificate(dir: &std::path::Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    std::fs::create_dir_all(dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    match made {
        Ok(o) if o.status.success() => Some((cert, key)),
        _ => {
            println!("SKIPPED: openssl is not installed");
            None
        }
    }
}

#[tokio::test]
async fn starttls_is_offered_with_a_certificate_and_mail_comes_over_it() {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("SKIPPED: python3 is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("skranke-tls-{}", std::process::id()));
    let Some((cert, key)) = certificate(&dir) else {
        return;
    };
    let bad = dir.join("not-a-cert.pem");
    std::fs::write(&bad, "nothing").unwrap();
    assert!(
        skranke_mail::smtp::tls_acceptor(&bad, &key).is_err(),
        "a file without a certificate is refused"
    );
    let tls = skranke_mail::smtp::tls_acceptor(&cert, &key).unwrap();
    let (addr, kept) = start_with(1_000_000, Duration::from_secs(10), Some(tls)).await;
    let (host, port) = addr.rsplit_once(':').unwrap();
    let script = format!(
        r#"
import smtplib, ssl
ctx = ssl.create_default_context(cafile={cert:?})
ctx.check_hostname = False
with smtplib.SMTP("{host}", {port}) as s:
    s.ehlo()
    assert s.has_extn("starttls"), s.esmtp_features
    s.starttls(context=ctx)
    s.ehlo()
    assert not s.has_extn("starttls"), "not twice"
    s.sendmail("kari@kommune-a.example", ["kundeservice@kundeservice.example"],
               b"From: kari@kommune-a.example\r\nSubject: Kryptert\r\n\r\nHei\r\n")
"#
    );
    let out = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = kept.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(
        skranke_mail::parse(&got[0].1).unwrap().subject.as_deref(),
        Some("Kryptert")
    );

    // Commands sent along with STARTTLS, before the handshake, are never
    // taken as protected: the session ends.
    let mut raw = Raw::open(&addr).await;
    assert!(raw.say("EHLO x").await.contains("STARTTLS"));
    raw.w
        .write_all(b"STARTTLS\r\nMAIL FROM:<x@ondsinnet.example>\r\n")
        .await
        .unwrap();
    assert!(raw.reply().await.starts_with("220 "));
    assert_eq!(raw.reply().await, "", "closed, nothing answered");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn starttls_is_not_offered_without_a_certificate() {
    let (addr, _) = start(1_000_000, Duration::from_secs(10)).await;
    let mut raw = Raw::open(&addr).await;
    assert!(!raw.say("EHLO x").await.contains("STARTTLS"));
    assert!(raw.say("STARTTLS").await.starts_with("502 "));
}
