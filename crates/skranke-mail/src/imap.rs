//! Polling a mailbox on another mail server (IMAP, RFC 3501), for
//! organisations whose mail cannot be relayed to the SMTP listener. New
//! mail is fetched without marking it (`BODY.PEEK`), handed to a store,
//! and marked seen or moved only once the store says it is durably kept:
//! a crash in between fetches it again, and the store's identity check
//! keeps it from becoming a second case. IDLE waits for new mail where the
//! server has it.

use futures_util::TryStreamExt;
use skranke_core::config::ImapTls;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Messages asked for their size in one command.
const SIZE_BATCH: usize = 200;

/// A mailbox and how to reach it.
#[derive(Clone)]
pub struct ImapSettings {
    pub host: String,
    pub port: u16,
    pub security: ImapTls,
    /// Needed unless `security` is `None`.
    pub tls: Option<tokio_rustls::TlsConnector>,
    pub user: String,
    pub credential: Credential,
    pub folder: String,
    pub move_to: Option<String>,
    pub idle: bool,
    /// How often the folder is asked, and the longest IDLE wait.
    pub poll: Duration,
    /// A larger message is not fetched whole: its header stands for it.
    pub max_size: u32,
    /// The longest wait for any answer from the server.
    pub timeout: Duration,
}

impl ImapSettings {
    /// `imap://user@host:port/folder`, for logs and the mail's record.
    pub fn name(&self) -> String {
        format!(
            "imap://{}@{}:{}/{}",
            self.user, self.host, self.port, self.folder
        )
    }
}

/// What proves who we are.
#[derive(Clone)]
pub enum Credential {
    /// LOGIN.
    Password(String),
    /// AUTHENTICATE XOAUTH2 with this OAuth 2.0 access token.
    Bearer(String),
}

/// The XOAUTH2 initial response (Google's and Microsoft's SASL mechanism).
struct XOauth2<'a> {
    user: &'a str,
    token: &'a str,
    sent: bool,
}

impl async_imap::Authenticator for XOauth2<'_> {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        // A second challenge is the server's error report: an empty
        // answer lets it finish with NO.
        if std::mem::replace(&mut self.sent, true) {
            return String::new();
        }
        format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
    }
}

/// A message as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    Whole(Vec<u8>),
    /// Over `max_size`: only its header was fetched; the message itself
    /// stays on the server.
    TooLarge {
        header: Vec<u8>,
        size: u32,
    },
}

/// Where fetched mail goes.
pub trait MailStore: Send + Sync {
    /// `Ok` once the message is durably kept (or had been before): only
    /// then is it marked on the server.
    fn keep(&self, message: Fetched) -> BoxFuture<'_, Result<(), String>>;
    /// Asked before each message and each wait: `false` ends the session
    /// (this instance no longer holds the mailbox).
    fn go_on(&self) -> BoxFuture<'_, bool>;
}

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("connecting to {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("TLS with {0}: {1}")]
    Tls(String, std::io::Error),
    #[error("{0}: {1}")]
    Protocol(&'static str, async_imap::error::Error),
    #[error("{0}: no answer within {1:?}")]
    Timeout(&'static str, Duration),
    #[error("the server closed the connection before greeting")]
    NoGreeting,
    #[error("logging in as {0}: {1}")]
    Login(String, String),
    #[error("keeping a message: {0}")]
    Store(String),
}

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("{0}: {1}")]
    Read(String, String),
    #[error("{0}: no certificate in it")]
    NoCertificate(String),
    #[error("no trusted certificates: none on this system and no ca_file")]
    NoRoots,
}

/// A TLS connector trusting the system's certificates and those in
/// `ca_file` (PEM).
pub fn tls_connector(
    ca_file: Option<&std::path::Path>,
) -> Result<tokio_rustls::TlsConnector, TrustError> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(file) = ca_file {
        let name = file.display().to_string();
        let certs = CertificateDer::pem_file_iter(file)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| TrustError::Read(name.clone(), e.to_string()))?;
        if certs.is_empty() {
            return Err(TrustError::NoCertificate(name));
        }
        let (_, refused) = roots.add_parsable_certificates(certs);
        if refused > 0 {
            return Err(TrustError::Read(
                name,
                format!("{refused} certificate(s) could not be used"),
            ));
        }
    }
    if roots.is_empty() {
        return Err(TrustError::NoRoots);
    }
    let config = tokio_rustls::rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// One connection: logs in, takes what is new, waits (IDLE or the poll
/// interval), takes again, until `store.go_on()` says stop (`Ok`) or the
/// connection fails (`Err`; the caller connects again later).
pub async fn session(settings: &ImapSettings, store: &dyn MailStore) -> Result<(), ImapError> {
    let t = settings.timeout;
    let mut s = connect(settings).await?;
    let caps = within(t, "CAPABILITY", s.capabilities()).await?;
    let idle = settings.idle && caps.has_str("IDLE");
    let can_move = caps.has_str("MOVE");
    if let Some(to) = &settings.move_to {
        // Fails when it exists already, which is the usual case.
        let _ = within(t, "CREATE", s.create(to)).await;
    }
    within(t, "SELECT", s.select(&settings.folder)).await?;
    loop {
        if !store.go_on().await {
            let _ = within(t, "LOGOUT", s.logout()).await;
            return Ok(());
        }
        take_new(&mut s, settings, store, can_move).await?;
        if !store.go_on().await {
            continue;
        }
        if idle {
            let mut handle = s.idle();
            within(t, "IDLE", handle.init()).await?;
            let (wait, _stop) = handle.wait_with_timeout(settings.poll);
            // The server's keep-alives restart the crate's own timer.
            let _ = tokio::time::timeout(settings.poll, wait).await;
            s = within(t, "DONE", handle.done()).await?;
        } else {
            tokio::time::sleep(settings.poll).await;
        }
    }
}

/// Takes every message not yet taken, oldest first.
async fn take_new(
    s: &mut async_imap::Session<Conn>,
    settings: &ImapSettings,
    store: &dyn MailStore,
    can_move: bool,
) -> Result<(), ImapError> {
    let t = settings.timeout;
    // Moved mail leaves the folder, so everything in it is new; marked
    // mail stays, and only the unseen is.
    let query = match settings.move_to {
        Some(_) => "UNDELETED",
        None => "UNSEEN UNDELETED",
    };
    let mut uids: Vec<u32> = within(t, "SEARCH", s.uid_search(query))
        .await?
        .into_iter()
        .collect();
    uids.sort_unstable();
    for batch in uids.chunks(SIZE_BATCH) {
        let set = batch
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let sized: Vec<async_imap::types::Fetch> = within(t, "FETCH", async {
            s.uid_fetch(&set, "(UID RFC822.SIZE)")
                .await?
                .try_collect()
                .await
        })
        .await?;
        let mut sizes: Vec<(u32, u32)> = sized
            .iter()
            .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
            .collect();
        sizes.sort_unstable();
        for (uid, size) in sizes {
            if !store.go_on().await {
                return Ok(());
            }
            let too_large = size > settings.max_size;
            let item = if too_large {
                "(UID BODY.PEEK[HEADER])"
            } else {
                "(UID BODY.PEEK[])"
            };
            let fetched: Vec<async_imap::types::Fetch> = within(t, "FETCH", async {
                s.uid_fetch(uid.to_string(), item)
                    .await?
                    .try_collect()
                    .await
            })
            .await?;
            // Gone meanwhile (another client moved it): nothing to take.
            let Some(f) = fetched.iter().find(|f| f.uid == Some(uid)) else {
                continue;
            };
            let message = if too_large {
                Fetched::TooLarge {
                    header: f.header().unwrap_or_default().to_vec(),
                    size,
                }
            } else {
                Fetched::Whole(f.body().unwrap_or_default().to_vec())
            };
            store.keep(message).await.map_err(ImapError::Store)?;
            mark_taken(s, settings, uid, can_move).await?;
        }
    }
    Ok(())
}

/// Marks a kept message so it is not taken again: moved, or seen.
async fn mark_taken(
    s: &mut async_imap::Session<Conn>,
    settings: &ImapSettings,
    uid: u32,
    can_move: bool,
) -> Result<(), ImapError> {
    let t = settings.timeout;
    let set = uid.to_string();
    let flags = match &settings.move_to {
        Some(to) if can_move => return within(t, "MOVE", s.uid_mv(&set, to)).await,
        Some(to) => {
            within(t, "COPY", s.uid_copy(&set, to)).await?;
            // Without MOVE: copied, and left flagged for the server's
            // expunge (expunging here would remove others' deleted mail).
            "+FLAGS.SILENT (\\Seen \\Deleted)"
        }
        None => "+FLAGS.SILENT (\\Seen)",
    };
    within(t, "STORE", async {
        s.uid_store(&set, flags)
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?;
    Ok(())
}

async fn connect(settings: &ImapSettings) -> Result<async_imap::Session<Conn>, ImapError> {
    let t = settings.timeout;
    let server = format!("{}:{}", settings.host, settings.port);
    let tcp = match tokio::time::timeout(
        t,
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await
    {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(e)) => return Err(ImapError::Connect(server, e)),
        Err(_) => return Err(ImapError::Timeout("connecting", t)),
    };
    let _ = tcp.set_nodelay(true);
    let client = match settings.security {
        ImapTls::None => greeted(async_imap::Client::new(Conn::Plain(tcp)), t).await?,
        ImapTls::Tls => {
            let tls = start_tls(settings, tcp).await?;
            greeted(async_imap::Client::new(tls), t).await?
        }
        ImapTls::Starttls => {
            let mut plain = greeted(async_imap::Client::new(tcp), t).await?;
            within(
                t,
                "STARTTLS",
                plain.run_command_and_check_ok("STARTTLS", None),
            )
            .await?;
            // Anything the server sent along with its answer is dropped
            // with the plain stream; there is no second greeting.
            async_imap::Client::new(start_tls(settings, plain.into_inner()).await?)
        }
    };
    let logged_in = match &settings.credential {
        Credential::Password(password) => {
            tokio::time::timeout(t, client.login(&settings.user, password)).await
        }
        Credential::Bearer(token) => {
            let xoauth2 = XOauth2 {
                user: &settings.user,
                token,
                sent: false,
            };
            tokio::time::timeout(t, client.authenticate("XOAUTH2", xoauth2)).await
        }
    };
    match logged_in {
        Ok(Ok(session)) => Ok(session),
        Ok(Err((e, _))) => Err(ImapError::Login(settings.user.clone(), e.to_string())),
        Err(_) => Err(ImapError::Timeout("LOGIN", t)),
    }
}

async fn greeted<T>(
    mut client: async_imap::Client<T>,
    t: Duration,
) -> Result<async_imap::Client<T>, ImapError>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    match tokio::time::timeout(t, client.read_response()).await {
        Ok(Ok(Some(_))) => Ok(client),
        Ok(Ok(None)) => Err(ImapError::NoGreeting),
        Ok(Err(e)) => Err(ImapError::Protocol("greeting", e.into())),
        Err(_) => Err(ImapError::Timeout("greeting", t)),
    }
}

async fn start_tls(settings: &ImapSettings, tcp: TcpStream) -> Result<Conn, ImapError> {
    let server = format!("{}:{}", settings.host, settings.port);
    let tls = settings.tls.as_ref().ok_or_else(|| {
        ImapError::Tls(
            server.clone(),
            std::io::Error::other("no trusted certificates configured"),
        )
    })?;
    let name = rustls_pki_types::ServerName::try_from(settings.host.clone())
        .map_err(|e| ImapError::Tls(server.clone(), std::io::Error::other(e)))?;
    match tokio::time::timeout(settings.timeout, tls.connect(name, tcp)).await {
        Ok(Ok(stream)) => Ok(Conn::Tls(Box::new(stream))),
        Ok(Err(e)) => Err(ImapError::Tls(server, e)),
        Err(_) => Err(ImapError::Timeout("TLS handshake", settings.timeout)),
    }
}

/// Runs one step against the server within the timeout.
async fn within<T>(
    t: Duration,
    what: &'static str,
    step: impl Future<Output = Result<T, async_imap::error::Error>>,
) -> Result<T, ImapError> {
    match tokio::time::timeout(t, step).await {
        Ok(r) => r.map_err(|e| ImapError::Protocol(what, e)),
        Err(_) => Err(ImapError::Timeout(what, t)),
    }
}

/// The connection, with or without TLS.
#[derive(Debug)]
enum Conn {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
