//! Polling a mailbox on a real IMAP server: Debian's Dovecot, configured
//! here in a temporary directory on loopback ports, filled and read back
//! with Python's imaplib (a client that is not ours).

use crate::mail::{no_python, run_python};
use crate::support::{free_port, spawn_with, temp_dir};
use skranke_core::config::ImapTls;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const DOVECOT: &str = "/usr/sbin/dovecot";
pub const USER: &str = "kundeservice";
pub const PASSWORD: &str = "postkasse-passord";

/// A Dovecot of its own: plain IMAP with STARTTLS on `port`, IMAP over TLS
/// on `tls_port`, one user, stopped when dropped.
pub struct Dovecot {
    dir: PathBuf,
    pub port: u16,
    pub tls_port: u16,
    /// The authority the server's certificate is signed by (PEM).
    pub ca: PathBuf,
    master: Child,
}

impl Dovecot {
    /// `None` (with a notice) where Dovecot, OpenSSL or Python is missing.
    pub async fn start() -> Option<Dovecot> {
        Dovecot::start_with(None).await
    }

    /// With `oauth`, XOAUTH2 is offered too, its tokens checked at the
    /// introspection endpoint (RFC 7662) on that port.
    pub async fn start_with(oauth: Option<u16>) -> Option<Dovecot> {
        if !Path::new(DOVECOT).exists() {
            println!("SKIPPED: Dovecot is not installed (Debian: dovecot-imapd)");
            return None;
        }
        if no_python() || Command::new("openssl").arg("version").output().is_err() {
            println!("SKIPPED: python3 and openssl are needed");
            return None;
        }
        let dir = temp_dir("dovecot");
        let ca = certificates(&dir);
        let (port, tls_port) = (free_port(), free_port());
        let home = dir.join("home");
        std::fs::create_dir_all(&home).unwrap();
        // Dovecot will not keep mail as root: as root, the mail belongs
        // to nobody; otherwise to whoever runs the test.
        let root = run("id", &["-u"]) == "0";
        let (uid, identity) = if root {
            run("chown", &["-R", "65534:65534", home.to_str().unwrap()]);
            ("65534".to_owned(), String::new())
        } else {
            let me = run("id", &["-un"]);
            let group = run("id", &["-gn"]);
            (
                run("id", &["-u"]),
                format!(
                    "default_internal_user = {me}\ndefault_internal_group = {group}\ndefault_login_user = {me}\n"
                ),
            )
        };
        std::fs::write(
            dir.join("passwd"),
            format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n"),
        )
        .unwrap();
        std::fs::write(dir.join("password"), PASSWORD).unwrap();
        let d = dir.display();
        let oauth = match oauth {
            Some(port) => {
                std::fs::write(
                    dir.join("oauth2.conf.ext"),
                    format!("introspection_mode = post\nintrospection_url = http://127.0.0.1:{port}/introspect\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n"),
                )
                .unwrap();
                format!(
                    "auth_mechanisms = plain login xoauth2\npassdb {{\n  driver = oauth2\n  mechanisms = xoauth2\n  args = {d}/oauth2.conf.ext\n}}\n"
                )
            }
            None => "auth_mechanisms = plain login\n".to_owned(),
        };
        std::fs::write(
            dir.join("dovecot.conf"),
            format!(
                r#"base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
instance_name = skranke-test-{port}
protocols = imap
listen = 127.0.0.1
{identity}ssl = yes
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
disable_plaintext_auth = no
{oauth}first_valid_uid = 1
mail_location = maildir:{d}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={uid} home={d}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"#
            ),
        )
        .unwrap();
        let master = Command::new(DOVECOT)
            .arg("-F")
            .arg("-c")
            .arg(dir.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let dovecot = Dovecot {
            dir,
            port,
            tls_port,
            ca,
            master,
        };
        if !(crate::support::listening(port).await && crate::support::listening(tls_port).await) {
            let log = std::fs::read_to_string(dovecot.dir.join("dovecot.log")).unwrap_or_default();
            println!("SKIPPED: Dovecot did not start: {log}");
            return None;
        }
        Some(dovecot)
    }

    /// `[mail.imap]` for this server, over `tls`.
    pub fn config(&self, tls: ImapTls) -> skranke_core::config::ImapConfig {
        skranke_core::config::ImapConfig {
            host: Some("127.0.0.1".into()),
            port: Some(match tls {
                ImapTls::Tls => self.tls_port,
                _ => self.port,
            }),
            tls,
            ca_file: Some(self.ca.clone()),
            user: Some(USER.into()),
            password_file: Some(self.dir.join("password")),
            poll_seconds: 1,
            ..Default::default()
        }
    }

    /// Runs Python with `imap` a logged-in imaplib connection on INBOX.
    pub async fn python(&self, body: &str) -> String {
        run_python(&format!(
            "import imaplib\nimap = imaplib.IMAP4('127.0.0.1', {})\nimap.login('{USER}', '{PASSWORD}')\nimap.select('INBOX')\n{body}\nimap.logout()\n",
            self.port
        ))
        .await
    }

    /// Puts messages in INBOX as a mail server delivering would.
    pub async fn deliver(&self, messages: &[String]) {
        let mut body = String::new();
        for m in messages {
            body.push_str(&format!(
                "imap.append('INBOX', None, None, bytes.fromhex('{}'))\n",
                hex::encode(m.as_bytes())
            ));
        }
        self.python(&body).await;
    }

    /// Each message in `folder` by its Message-ID, with whether it is seen.
    pub async fn seen(&self, folder: &str) -> Vec<(String, bool)> {
        let out = self
            .python(&format!(
                r#"import email
imap.select('{folder}')
typ, data = imap.uid('search', None, 'ALL')
for uid in data[0].split():
    typ, got = imap.uid('fetch', uid, '(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')
    flags = got[0][0].decode()
    mid = email.message_from_bytes(got[0][1])['Message-ID'].strip('<>')
    print(mid, 'seen' if '\\Seen' in flags else 'unseen')
"#
            ))
            .await;
        let mut all: Vec<(String, bool)> = out
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(m, s)| (m.to_owned(), s == "seen"))
            .collect();
        all.sort();
        all
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // TERM, so the master takes its login and mail processes along.
        let _ = Command::new("kill")
            .arg(self.master.id().to_string())
            .status();
        let _ = self.master.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(out.status.success(), "{cmd} {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// An authority and a server certificate for 127.0.0.1 signed by it (a
/// self-signed server certificate is not a trust anchor to webpki).
fn certificates(dir: &Path) -> PathBuf {
    let d = |f: &str| dir.join(f).to_str().unwrap().to_owned();
    run(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Skranke test CA",
            "-keyout",
            &d("ca.key"),
            "-out",
            &d("ca.pem"),
        ],
    );
    run(
        "openssl",
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            &d("server.key"),
            "-out",
            &d("server.csr"),
        ],
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName = IP:127.0.0.1\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n",
    )
    .unwrap();
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &d("server.csr"),
            "-CA",
            &d("ca.pem"),
            "-CAkey",
            &d("ca.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &d("ext.cnf"),
            "-out",
            &d("server.pem"),
        ],
    );
    dir.join("ca.pem")
}

pub fn raw(from: &str, id: &str, subject: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: kundeservice@kundeservice.example\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Tue, 1 Dec 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

/// Waits (20 s at most) until `cond` holds of the inbound mail's rows.
async fn until(
    app: &crate::support::TestApp,
    what: &str,
    cond: impl Fn(&[serde_json::Map<String, serde_json::Value>]) -> bool,
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    for _ in 0..200 {
        let tables = app.store.export_tables().await.unwrap();
        let rows = tables
            .into_iter()
            .find(|(t, _)| *t == "inbound_mail")
            .unwrap()
            .1;
        if cond(&rows) {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn poll(
    dovecot: &Dovecot,
    tls: ImapTls,
    adjust: impl FnOnce(&mut skranke_core::Config),
) -> crate::support::TestApp {
    let mut config = skranke_core::Config::default();
    config.mail.imap = dovecot.config(tls);
    adjust(&mut config);
    let app = spawn_with(config).await;
    let settings = skranke_web::mailbox::Mailbox::from_config(&app.state.config)
        .unwrap()
        .unwrap();
    skranke_web::inbound::spawn_processor(app.state.clone());
    skranke_web::mailbox::spawn(app.state.clone(), settings);
    app
}

both!(mail_in_a_mailbox_becomes_cases_once_and_is_marked_after);
async fn mail_in_a_mailbox_becomes_cases_once_and_is_marked_after() {
    let Some(dovecot) = Dovecot::start().await else {
        return;
    };
    // One message came over SMTP before (recorded, not yet marked on the
    // server: as after a crash between the two); another arrives twice.
    let before = raw(
        "kari@kommune-a.example",
        "smtp-og-imap@kommune-a.example",
        "Kom begge veier",
        "Hei",
    );
    dovecot
        .deliver(&[
            raw(
                "kari@kommune-a.example",
                "imap-1@kommune-a.example",
                "Skriveren =?utf-8?q?st=C3=A5r?=",
                "Skriveren står fast.",
            ),
            raw(
                "per@kommune-a.example",
                "imap-2@kommune-a.example",
                "To ganger",
                "Sendt to ganger.",
            ),
            raw(
                "per@kommune-a.example",
                "imap-2@kommune-a.example",
                "To ganger",
                "Sendt to ganger.",
            ),
            before.clone(),
        ])
        .await;
    let mut config = skranke_core::Config::default();
    config.mail.imap = dovecot.config(ImapTls::None);
    let app = spawn_with(config).await;
    skranke_web::inbound::receive(
        &app.state,
        skranke_store::MailSource::Smtp,
        Some("kari@kommune-a.example"),
        &["kundeservice@kundeservice.example".to_owned()],
        None,
        before.into_bytes(),
        None,
    )
    .await
    .unwrap();
    let settings = skranke_web::mailbox::Mailbox::from_config(&app.state.config)
        .unwrap()
        .unwrap();
    // Fetched, never kept (a crash before the commit): left as it was.
    let err = skranke_mail::imap::session(&settings.imap, &Nothing)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("keeping a message"), "{err}");
    assert!(
        dovecot.seen("INBOX").await.iter().all(|(_, s)| !s),
        "nothing is marked that was not kept"
    );
    skranke_web::inbound::spawn_processor(app.state.clone());
    skranke_web::mailbox::spawn(app.state.clone(), settings);

    let rows = until(&app, "three messages made cases", |rows| {
        rows.len() == 3 && rows.iter().all(|r| r["state"] == "processed")
    })
    .await;
    let imap: Vec<_> = rows.iter().filter(|r| r["source"] == "imap").collect();
    assert_eq!(
        imap.len(),
        2,
        "the one SMTP brought first is not taken again: {rows:?}"
    );
    assert!(imap.iter().all(|r| {
        r["peer"]
            .as_str()
            .unwrap()
            .starts_with("imap://kundeservice@127.0.0.1:")
    }));
    assert_eq!(
        titled(&app, "Skriveren står").await,
        1,
        "the decoded subject is the title"
    );
    assert_eq!(
        titled(&app, "To ganger").await,
        1,
        "one case of the message sent twice"
    );
    assert_eq!(titled(&app, "Kom begge veier").await, 1);
    // Everything kept is marked seen, the duplicate too.
    let seen = dovecot.seen("INBOX").await;
    assert_eq!(seen.len(), 4);
    assert!(seen.iter().all(|(_, s)| *s), "{seen:?}");
    // Mail arriving later is taken too (IDLE, or the next poll).
    dovecot
        .deliver(&[raw(
            "kari@kommune-a.example",
            "imap-3@kommune-a.example",
            "Senere",
            "Kom senere.",
        )])
        .await;
    until(&app, "the later message", |rows| {
        rows.len() == 4 && rows.iter().all(|r| r["state"] == "processed")
    })
    .await;
    assert_eq!(titled(&app, "Senere").await, 1);
}

/// A store that fails every message, as a server dying before it
/// commits would.
struct Nothing;
impl skranke_mail::imap::MailStore for Nothing {
    fn keep(
        &self,
        _: skranke_mail::imap::Fetched,
    ) -> skranke_mail::imap::BoxFuture<'_, Result<(), String>> {
        Box::pin(async { Err("nothing is kept here".to_owned()) })
    }
    fn go_on(&self) -> skranke_mail::imap::BoxFuture<'_, bool> {
        Box::pin(async { true })
    }
}

/// Cases with this title.
async fn titled(app: &crate::support::TestApp, title: &str) -> usize {
    let tables = app.store.export_tables().await.unwrap();
    let cases = &tables.iter().find(|(t, _)| *t == "cases").unwrap().1;
    cases.iter().filter(|c| c["title"] == title).count()
}

both!(idle_takes_new_mail_at_once_and_moved_mail_leaves_the_folder);
async fn idle_takes_new_mail_at_once_and_moved_mail_leaves_the_folder() {
    let Some(dovecot) = Dovecot::start().await else {
        return;
    };
    // An hour between polls: only IDLE can bring the mail in time. Over
    // STARTTLS with the organisation's own authority.
    let app = poll(&dovecot, ImapTls::Starttls, |c| {
        c.mail.imap.poll_seconds = 3600;
        c.mail.imap.move_to = Some("Skranke".into());
    })
    .await;
    // Give the poller time to log in and start waiting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent = std::time::Instant::now();
    dovecot
        .deliver(&[raw(
            "kari@kommune-a.example",
            "idle-1@kommune-a.example",
            "Mens vi venter",
            "Hei",
        )])
        .await;
    until(&app, "the message IDLE heard of", |rows| {
        rows.iter().any(|r| r["state"] == "processed")
    })
    .await;
    assert!(
        sent.elapsed() < Duration::from_secs(15),
        "{:?}",
        sent.elapsed()
    );
    for _ in 0..50 {
        if dovecot.seen("INBOX").await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(dovecot.seen("INBOX").await, [], "moved out of the folder");
    assert_eq!(
        dovecot.seen("Skranke").await,
        [("idle-1@kommune-a.example".to_owned(), false)],
        "moved as it was"
    );
}

both!(a_message_over_the_limit_is_held_with_its_header_and_tls_is_checked);
async fn a_message_over_the_limit_is_held_with_its_header_and_tls_is_checked() {
    let Some(dovecot) = Dovecot::start().await else {
        return;
    };
    let big = "Vedlegg ".repeat(1000);
    dovecot
        .deliver(&[
            raw(
                "kari@kommune-a.example",
                "stor@kommune-a.example",
                "Stor melding",
                &big,
            ),
            raw(
                "kari@kommune-a.example",
                "liten@kommune-a.example",
                "Liten melding",
                "Hei",
            ),
        ])
        .await;
    let app = poll(&dovecot, ImapTls::Tls, |c| {
        c.mail.smtp.max_message_bytes = 4000
    })
    .await;
    let rows = until(&app, "both messages", |rows| {
        rows.len() == 2 && rows.iter().all(|r| r["state"] != "pending")
    })
    .await;
    let held = rows.iter().find(|r| r["state"] == "quarantined").unwrap();
    assert_eq!(held["hold"], "too_large");
    assert_eq!(held["identity"], "id:stor@kommune-a.example");
    let why = held["reason"].as_str().unwrap();
    assert!(
        why.contains("over the limit of 4000") && why.contains("/INBOX"),
        "{why}"
    );
    assert!(
        held["size"].as_i64().unwrap() < 4000,
        "only the header is kept"
    );
    let (c, _) = app.login("admin").await;
    let (_, page) = app.get(&c, "/admin/mail").await;
    assert!(page.contains("For stor"), "admins are told why");
    assert!(page.contains("Stor melding"));
    assert!(dovecot.seen("INBOX").await.iter().all(|(_, s)| *s));

    // A server whose certificate nobody here trusts is not talked to.
    let mut config = skranke_core::Config::default();
    config.mail.imap = dovecot.config(ImapTls::Tls);
    config.mail.imap.ca_file = None;
    let settings = skranke_web::mailbox::Mailbox::from_config(&config)
        .unwrap()
        .unwrap();
    let err = skranke_mail::imap::session(&settings.imap, &Nothing)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("TLS"), "{err}");
    // A wrong password is told as such.
    std::fs::write(dovecot.dir.join("password"), "feil").unwrap();
    let mut config = skranke_core::Config::default();
    config.mail.imap = dovecot.config(ImapTls::None);
    let settings = skranke_web::mailbox::Mailbox::from_config(&config)
        .unwrap()
        .unwrap();
    let err = skranke_mail::imap::session(&settings.imap, &Nothing)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("logging in as kundeservice"),
        "{err}"
    );
}

both!(one_instance_at_a_time_holds_a_mailbox);
async fn one_instance_at_a_time_holds_a_mailbox() {
    let app = crate::support::spawn().await;
    let store = &app.store;
    let box_ = "imap://ks@imap.kommune.no:993/INBOX";
    let t0 = jiff::Timestamp::now();
    let secs = |n| jiff::SignedDuration::from_secs(n);
    let held = |mailbox, holder, now, until| async move {
        store
            .hold_mailbox(mailbox, holder, now, until)
            .await
            .unwrap()
    };
    assert!(held(box_, "a", t0, t0 + secs(15)).await);
    assert!(
        !held(box_, "b", t0 + secs(1), t0 + secs(16)).await,
        "held by a"
    );
    assert!(
        held(
            "imap://ks@imap.kommune.no:993/Annet",
            "b",
            t0,
            t0 + secs(15)
        )
        .await,
        "another mailbox is free"
    );
    assert!(
        held(box_, "a", t0 + secs(10), t0 + secs(25)).await,
        "a renews"
    );
    assert!(
        !held(box_, "b", t0 + secs(20), t0 + secs(35)).await,
        "the renewal counts"
    );
    // a stopped renewing: b takes over once the lease has run out.
    assert!(held(box_, "b", t0 + secs(25), t0 + secs(40)).await);
    assert!(!held(box_, "a", t0 + secs(26), t0 + secs(41)).await);
}

/// Kill -9 while the server works through a full mailbox: after the
/// restart every message is there once, one case each, and all are marked.
#[test]
fn a_server_killed_while_polling_takes_every_message_exactly_once() {
    use std::io::{BufRead, BufReader};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(dovecot) = rt.block_on(Dovecot::start()) else {
        return;
    };
    const N: usize = 300;
    let ids: Vec<String> = (0..N)
        .map(|i| format!("postkasse-{i}@kommune-a.example"))
        .collect();
    let messages: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            raw(
                &format!("p{i}@kommune-a.example"),
                id,
                &format!("Postkasse {i}"),
                "Hei",
            )
        })
        .collect();
    rt.block_on(dovecot.deliver(&messages));
    let dir = temp_dir("imap-kill");
    let data = dir.join("data");
    let config = dir.join("skranke.toml");
    std::fs::write(
        &config,
        format!(
            "[mail.imap]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nuser = \"{USER}\"\npassword_file = \"{}\"\npoll_seconds = 1\n",
            dovecot.port,
            dovecot.dir.join("password").display()
        ),
    )
    .unwrap();
    let smtp = free_port();
    let serve = || {
        let mut child = crate::cli::skranke()
            .args([
                "serve",
                "--demo",
                "--listen",
                "127.0.0.1:0",
                "--smtp-listen",
            ])
            .arg(format!("127.0.0.1:{smtp}"))
            .arg("--data")
            .arg(&data)
            .arg("--config")
            .arg(&config)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut polling = false;
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            polling |= line.starts_with("Taking mail from imap://kundeservice@127.0.0.1:");
            if line.starts_with("Skranke is running at ") {
                break;
            }
        }
        assert!(polling, "the server says which mailbox it polls");
        child
    };
    let count = |store: &skranke_store::Store, sql: &'static str| {
        let store = store.clone();
        rt.block_on(async move { store.count_for_test(sql).await })
    };
    let mut server = serve();
    let store = rt.block_on(async {
        let c = skranke_core::Config::default();
        let sla = skranke_store::SlaSettings::from_config(&c).unwrap();
        skranke_store::Store::open_sqlite(&data.join("skranke.db"), sla)
            .await
            .unwrap()
    });
    let all = "SELECT COUNT(*) FROM inbound_mail WHERE source = 'imap'";
    for _ in 0..600 {
        if count(&store, all) >= 60 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL, mid-mailbox: no shutdown of any kind.
    server.kill().unwrap();
    server.wait().unwrap();
    let taken = count(&store, all);
    assert!(
        (60..N as i64).contains(&taken),
        "killed mid-mailbox: {taken}"
    );
    let seen = rt.block_on(dovecot.seen("INBOX"));
    let marked = seen.iter().filter(|(_, s)| *s).count();
    println!("killed with {taken} recorded and {marked} marked seen");
    assert!(
        marked as i64 <= taken,
        "nothing is marked before it is kept"
    );

    // The restart takes over the mailbox once the dead instance's lease
    // has run out, and takes the rest.
    let mut server = serve();
    for _ in 0..1200 {
        if count(
            &store,
            "SELECT COUNT(*) FROM inbound_mail WHERE source = 'imap' AND state = 'processed'",
        ) == N as i64
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let tables = rt.block_on(store.export_tables()).unwrap();
    crate::mail::each_once(&tables, &ids, "Postkasse ");
    let cases = &tables.iter().find(|(t, _)| *t == "cases").unwrap().1;
    assert_eq!(
        cases
            .iter()
            .filter(|c| c["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Postkasse ")))
            .count(),
        N,
        "one case a message"
    );
    let mut seen = rt.block_on(dovecot.seen("INBOX"));
    for _ in 0..50 {
        if seen.iter().all(|(_, s)| *s) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        seen = rt.block_on(dovecot.seen("INBOX"));
    }
    assert_eq!(seen.len(), N);
    assert!(seen.iter().all(|(_, s)| *s), "every message marked seen");
    server.kill().unwrap();
    server.wait().unwrap();
    rt.block_on(store.close());
    let _ = std::fs::remove_dir_all(dir);
}

/// An OAuth 2.0 token service (client credentials) and its introspection
/// endpoint, in Python: it stands in for Microsoft's or Google's (which
/// cannot run here) behind the same HTTP interface. It prints a line per
/// token it issues.
struct TokenService {
    child: tokio::process::Child,
    port: u16,
}

impl TokenService {
    async fn start() -> TokenService {
        let port = free_port();
        let script = format!(
            r#"
import http.server, json, urllib.parse, sys, itertools
issued = set()
n = itertools.count(1)
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers['Content-Length'])).decode())
        one = lambda k: form.get(k, [''])[0]
        if self.path == '/token':
            if (one('grant_type'), one('client_id'), one('client_secret'), one('scope')) != ('client_credentials', 'skranke', 'app-hemmelighet', 'imap'):
                return self.answer(401, {{'error': 'invalid_client', 'error_description': 'unknown client or secret'}})
            token = 'token-%d' % next(n)
            issued.add(token)
            print(token, flush=True)
            return self.answer(200, {{'access_token': token, 'token_type': 'Bearer', 'expires_in': 3600}})
        if self.path == '/introspect':
            ok = one('token') in issued
            return self.answer(200, {{'active': ok, 'username': '{USER}'}} if ok else {{'active': False}})
        self.answer(404, {{}})
http.server.ThreadingHTTPServer(('127.0.0.1', {port}), H).serve_forever()
"#
        );
        let child = tokio::process::Command::new("python3")
            .arg("-c")
            .arg(script)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        assert!(
            crate::support::listening(port).await,
            "the token service did not start"
        );
        TokenService { child, port }
    }

    /// The tokens issued so far.
    async fn issued(&mut self) -> Vec<String> {
        use tokio::io::AsyncBufReadExt;
        let _ = self.child.start_kill();
        let out = self.child.stdout.take().unwrap();
        let mut lines = tokio::io::BufReader::new(out).lines();
        let mut all = Vec::new();
        while let Ok(Some(l)) = lines.next_line().await {
            all.push(l);
        }
        all
    }
}

both!(a_mailbox_is_polled_with_an_oauth_token);
async fn a_mailbox_is_polled_with_an_oauth_token() {
    if no_python() {
        return;
    }
    let mut tokens = TokenService::start().await;
    let Some(dovecot) = Dovecot::start_with(Some(tokens.port)).await else {
        return;
    };
    dovecot
        .deliver(&[raw(
            "kari@kommune-a.example",
            "oauth-1@kommune-a.example",
            "Via Microsoft 365",
            "Hei",
        )])
        .await;
    std::fs::write(dovecot.dir.join("client-secret"), "app-hemmelighet\n").unwrap();
    let oauth = |c: &mut skranke_core::Config, secret: &str| {
        c.mail.imap.auth = skranke_core::config::ImapAuth::Oauth2;
        c.mail.imap.password_file = None;
        c.mail.imap.oauth_token_url = Some(format!("http://127.0.0.1:{}/token", tokens.port));
        c.mail.imap.oauth_client_id = Some("skranke".into());
        c.mail.imap.oauth_client_secret_file = Some(dovecot.dir.join(secret));
        c.mail.imap.oauth_scope = Some("imap".into());
    };
    // A wrong secret: the token service's refusal, in its words.
    std::fs::write(dovecot.dir.join("wrong-secret"), "gjettet").unwrap();
    let mut config = skranke_core::Config::default();
    config.mail.imap = dovecot.config(ImapTls::Tls);
    oauth(&mut config, "wrong-secret");
    let mut mailbox = skranke_web::mailbox::Mailbox::from_config(&config)
        .unwrap()
        .unwrap();
    let err = mailbox.ready().await.err().unwrap();
    assert!(
        err.contains("401") && err.contains("unknown client or secret"),
        "{err}"
    );

    let app = poll(&dovecot, ImapTls::Tls, |c| oauth(c, "client-secret")).await;
    until(&app, "the message fetched with a token", |rows| {
        rows.iter().any(|r| r["state"] == "processed")
    })
    .await;
    assert_eq!(titled(&app, "Via Microsoft 365").await, 1);
    assert!(dovecot.seen("INBOX").await.iter().all(|(_, s)| *s));
    let log = std::fs::read_to_string(dovecot.dir.join("dovecot.log")).unwrap();
    assert!(
        log.contains("method=XOAUTH2"),
        "logged in with the token: {log}"
    );
    assert_eq!(
        tokens.issued().await,
        ["token-1"],
        "one token, kept while it lasts"
    );
}
