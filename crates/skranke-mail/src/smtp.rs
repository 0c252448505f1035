//! A receive-only SMTP listener (RFC 5321) for the organisation's mail
//! server to relay to: EHLO/HELO, MAIL (with `SIZE`), RCPT, DATA, RSET,
//! NOOP, QUIT, and STARTTLS when a certificate is configured. It takes mail
//! only for the addresses Skranke serves (never a relay), refuses what is
//! too big before reading it where `SIZE` is declared, ends idle sessions,
//! and answers `250` to the end of DATA only when the sink says the message
//! is durably stored.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Longest command line we read (RFC 5321 allows 512; some clients send more).
const MAX_COMMAND: usize = 2048;
/// Longest text line inside DATA (RFC 5321: 1000 with CRLF); longer lines
/// are taken, as real mail has them, but counted against the size limit.
const MAX_DATA_LINE: usize = 64 * 1024;

#[derive(Clone)]
pub struct SmtpConfig {
    /// The name we greet with.
    pub hostname: String,
    /// Addresses we take mail for, as `skranke_core::mail::address` keeps them.
    pub recipients: Vec<String>,
    /// The largest message, in bytes.
    pub max_size: usize,
    pub max_recipients: usize,
    /// How long we wait for the client's next line.
    pub idle: Duration,
    /// Offered as STARTTLS when given.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{0}: {1}")]
    Read(String, String),
    #[error("{0}: no certificate in it")]
    NoCertificate(String),
    #[error("the certificate and key do not go together: {0}")]
    Mismatch(String),
}

/// The STARTTLS acceptor for a certificate chain and its private key (PEM files).
pub fn tls_acceptor(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let name = |p: &std::path::Path| p.display().to_string();
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| TlsError::Read(name(cert), e.to_string()))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate(name(cert)));
    }
    let key =
        PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Read(name(key), e.to_string()))?;
    let config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Mismatch(e.to_string()))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Who sent a message to whom, as the client said in the SMTP dialogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// Empty for `MAIL FROM:<>` (a bounce).
    pub from: String,
    pub to: Vec<String>,
    pub peer: SocketAddr,
}

/// What the sink did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// Durably stored: the client may forget it.
    Stored,
    /// Not now (the database is busy, the sender sends too much): try later.
    Later(String),
    /// Never (the message is refused for good).
    Refused(String),
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where messages go once received.
pub trait Sink: Send + Sync + 'static {
    fn deliver(&self, envelope: Envelope, raw: Vec<u8>) -> BoxFuture<'_, Accepted>;
}

/// Accepts connections until `shutdown` completes; each session runs on its own task.
pub async fn serve(
    listener: TcpListener,
    config: Arc<SmtpConfig>,
    sink: Arc<dyn Sink>,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                // Each reply is one small write the client waits for:
                // without this, Nagle and delayed ACKs hold each one back
                // (about 40 ms a command).
                let _ = stream.set_nodelay(true);
                let (config, sink) = (config.clone(), sink.clone());
                tokio::spawn(async move {
                    let (read, write) = stream.into_split();
                    let ended = session(BufReader::new(QuickAck(read)), write, peer, &config, sink.as_ref(), false).await;
                    let (Some((r, w)), Some(tls)) = (ended, config.tls.as_ref()) else {
                        return;
                    };
                    // Anything the client sent after STARTTLS before the
                    // handshake would be taken as if it were protected: the
                    // session ends instead (the STARTTLS injection attack).
                    if !r.buffer().is_empty() {
                        return;
                    }
                    let Ok(stream) = r.into_inner().0.reunite(w) else {
                        return;
                    };
                    let Ok(Ok(tls)) = tokio::time::timeout(config.idle, tls.accept(stream)).await else {
                        return;
                    };
                    let (read, write) = tokio::io::split(tls);
                    session(BufReader::new(read), write, peer, &config, sink.as_ref(), true).await;
                });
            }
        }
    }
}

/// Reads from a client and acknowledges what came at once (`TCP_QUICKACK`
/// on Linux): a client that holds its next small write until the last is
/// acknowledged (Nagle; lettre's end of data, for one) would otherwise wait
/// for a delayed ACK, about 40 ms a message.
struct QuickAck(tokio::net::tcp::OwnedReadHalf);

impl tokio::io::AsyncRead for QuickAck {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let read = std::pin::Pin::new(&mut self.0).poll_read(cx, buf);
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if read.is_ready() {
            // Linux leaves quick-ACK mode by itself: set it after each read.
            let _ = self.0.as_ref().set_quickack(true);
        }
        read
    }
}

/// A line read within the limits, without its line ending.
enum Line {
    Text(Vec<u8>),
    TooLong,
    Closed,
    Idle,
}

async fn read_line<R: AsyncBufRead + Unpin>(r: &mut R, max: usize, idle: Duration) -> Line {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buf = match tokio::time::timeout(idle, r.fill_buf()).await {
            Err(_) => return Line::Idle,
            Ok(Err(_)) => return Line::Closed,
            Ok(Ok([])) => return Line::Closed,
            Ok(Ok(buf)) => buf,
        };
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        if !too_long {
            if line.len() + chunk.len() > max + 2 {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let n = chunk.len();
        r.consume(n);
        if done {
            if too_long {
                return Line::TooLong;
            }
            while matches!(line.last(), Some(b'\n' | b'\r')) {
                line.pop();
            }
            return Line::Text(line);
        }
    }
}

/// The state of one session.
#[derive(Default)]
struct Transaction {
    greeted: bool,
    from: Option<String>,
    to: Vec<String>,
}

/// One SMTP session, until the client quits or goes away (`None`), or asks
/// for STARTTLS (`Some` with both halves, for the handshake). A session
/// over TLS (`secure`) begins without a greeting and offers no STARTTLS.
async fn session<R, W>(
    mut r: R,
    mut w: W,
    peer: SocketAddr,
    config: &SmtpConfig,
    sink: &dyn Sink,
    secure: bool,
) -> Option<(R, W)>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let host = &config.hostname;
    let starttls = config.tls.is_some() && !secure;
    if !secure
        && reply(&mut w, &format!("220 {host} Skranke ESMTP"))
            .await
            .is_err()
    {
        return None;
    }
    let mut t = Transaction::default();
    loop {
        let line = match read_line(&mut r, MAX_COMMAND, config.idle).await {
            Line::Text(l) => l,
            Line::TooLong => {
                if reply(&mut w, "500 5.5.2 Line too long").await.is_err() {
                    return None;
                }
                continue;
            }
            Line::Idle => {
                let _ = reply(&mut w, "421 4.4.2 Idle too long, closing").await;
                return None;
            }
            Line::Closed => return None,
        };
        let line = String::from_utf8_lossy(&line);
        let (verb, arg) = match line.split_once(' ') {
            Some((v, a)) => (v.to_ascii_uppercase(), a.trim()),
            None => (line.trim().to_ascii_uppercase(), ""),
        };
        let answer = match verb.as_str() {
            "EHLO" => {
                t = Transaction {
                    greeted: true,
                    ..Transaction::default()
                };
                format!(
                    "250-{host}\r\n250-SIZE {}\r\n250-8BITMIME\r\n250-PIPELINING\r\n{}250 ENHANCEDSTATUSCODES",
                    config.max_size,
                    if starttls { "250-STARTTLS\r\n" } else { "" }
                )
            }
            "HELO" => {
                t = Transaction {
                    greeted: true,
                    ..Transaction::default()
                };
                format!("250 {host}")
            }
            "MAIL" => mail_from(&mut t, arg, config),
            "RCPT" => rcpt_to(&mut t, arg, config),
            "DATA" if t.to.is_empty() => "503 5.5.1 RCPT first".to_owned(),
            "DATA" => {
                if reply(&mut w, "354 End data with <CR><LF>.<CR><LF>")
                    .await
                    .is_err()
                {
                    return None;
                }
                let raw = match read_data(&mut r, config).await {
                    Ok(raw) => raw,
                    Err(Line::TooLong) => {
                        t.from = None;
                        t.to.clear();
                        if reply(&mut w, "552 5.3.4 Message too big").await.is_err() {
                            return None;
                        }
                        continue;
                    }
                    Err(Line::Idle) => {
                        let _ = reply(&mut w, "421 4.4.2 Idle too long, closing").await;
                        return None;
                    }
                    Err(_) => return None,
                };
                let envelope = Envelope {
                    from: t.from.take().unwrap_or_default(),
                    to: std::mem::take(&mut t.to),
                    peer,
                };
                match sink.deliver(envelope, raw).await {
                    Accepted::Stored => "250 2.0.0 Stored".to_owned(),
                    Accepted::Later(why) => format!("451 4.3.0 {why}"),
                    Accepted::Refused(why) => format!("554 5.6.0 {why}"),
                }
            }
            "RSET" => {
                t.from = None;
                t.to.clear();
                "250 2.0.0 OK".to_owned()
            }
            "NOOP" => "250 2.0.0 OK".to_owned(),
            "STARTTLS" if starttls => {
                if reply(&mut w, "220 2.0.0 Ready to start TLS").await.is_err() {
                    return None;
                }
                return Some((r, w));
            }
            "VRFY" => "252 2.5.0 Cannot verify, send the mail".to_owned(),
            "QUIT" => {
                let _ = reply(&mut w, &format!("221 2.0.0 {host} closing")).await;
                return None;
            }
            _ => "502 5.5.2 Command not implemented".to_owned(),
        };
        if reply(&mut w, &answer).await.is_err() {
            return None;
        }
    }
}

async fn reply<W: AsyncWrite + Unpin>(w: &mut W, text: &str) -> std::io::Result<()> {
    w.write_all(text.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

/// The address inside `<…>` after `FROM:`/`TO:`, and the parameters after it.
fn path<'a>(arg: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let (k, rest) = arg.split_once(':')?;
    if !k.trim().eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = rest.trim_start();
    let inner = rest.strip_prefix('<')?;
    let close = inner.find('>')?;
    Some((&inner[..close], inner[close + 1..].trim()))
}

fn mail_from(t: &mut Transaction, arg: &str, config: &SmtpConfig) -> String {
    if !t.greeted {
        return "503 5.5.1 EHLO first".to_owned();
    }
    if t.from.is_some() {
        return "503 5.5.1 Sender already given".to_owned();
    }
    let Some((addr, params)) = path(arg, "FROM") else {
        return "501 5.5.4 Syntax: MAIL FROM:<address>".to_owned();
    };
    for p in params.split_whitespace() {
        if let Some((k, v)) = p.split_once('=')
            && k.eq_ignore_ascii_case("SIZE")
        {
            match v.parse::<u64>() {
                Ok(n) if n > config.max_size as u64 => {
                    return format!(
                        "552 5.3.4 Message too big: at most {} bytes",
                        config.max_size
                    );
                }
                Ok(_) => {}
                Err(_) => return "501 5.5.4 Bad SIZE".to_owned(),
            }
        }
    }
    let from = if addr.is_empty() {
        String::new()
    } else {
        match skranke_core::mail::address(addr) {
            Some(a) => a,
            None => return "501 5.1.7 Bad sender address".to_owned(),
        }
    };
    t.from = Some(from);
    "250 2.1.0 OK".to_owned()
}

fn rcpt_to(t: &mut Transaction, arg: &str, config: &SmtpConfig) -> String {
    if t.from.is_none() {
        return "503 5.5.1 MAIL first".to_owned();
    }
    let Some((addr, _)) = path(arg, "TO") else {
        return "501 5.5.4 Syntax: RCPT TO:<address>".to_owned();
    };
    let Some(addr) = skranke_core::mail::address(addr) else {
        return "501 5.1.3 Bad recipient address".to_owned();
    };
    if !config.recipients.contains(&addr) {
        // Never a relay: only the addresses we serve.
        return format!("550 5.7.1 <{addr}>: we take mail only for our own addresses");
    }
    if t.to.len() >= config.max_recipients {
        return "452 4.5.3 Too many recipients".to_owned();
    }
    if !t.to.contains(&addr) {
        t.to.push(addr);
    }
    "250 2.1.5 OK".to_owned()
}

/// The message up to the lone dot, dot-unstuffed, with CRLF line ends.
/// A message over the limit is read to its end and dropped (`TooLong`).
async fn read_data<R: AsyncBufRead + Unpin>(
    r: &mut R,
    config: &SmtpConfig,
) -> Result<Vec<u8>, Line> {
    let mut raw = Vec::new();
    let mut too_big = false;
    loop {
        let line = match read_line(r, MAX_DATA_LINE, config.idle).await {
            Line::Text(l) => l,
            Line::TooLong => {
                too_big = true;
                continue;
            }
            other => return Err(other),
        };
        if line == b"." {
            return if too_big { Err(Line::TooLong) } else { Ok(raw) };
        }
        let line = line.strip_prefix(b".").unwrap_or(&line);
        if raw.len() + line.len() + 2 > config.max_size {
            too_big = true;
            raw.clear();
        }
        if !too_big {
            raw.extend_from_slice(line);
            raw.extend_from_slice(b"\r\n");
        }
    }
}
