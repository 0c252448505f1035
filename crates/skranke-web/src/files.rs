//! Attachment bytes. The database holds the metadata; the bytes go through
//! `FileStore`, whose one implementation today is a directory: the data
//! directory's `attachments/` by default, or any directory (`[storage]
//! attachments_dir`) such as a shared mount that several instances use.
//! A file is written and synced before its row is committed, and removed
//! again if the commit fails.

use crate::error::WebError;
use crate::i18n::Msg;
use crate::notify::BoxFuture;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::{StatusCode, header};
use sha2::{Digest, Sha256};
use skranke_store::NewAttachment;
use std::path::PathBuf;

pub trait FileStore: Send + Sync {
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, std::io::Result<()>>;
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, std::io::Result<Vec<u8>>>;
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()>;
}

/// Files in a directory, two hex characters of fan-out.
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    pub fn new(root: impl Into<PathBuf>) -> LocalDir {
        LocalDir { root: root.into() }
    }

    fn path_of(&self, key: &str) -> std::io::Result<PathBuf> {
        // Keys are ours (hex), but never let one name a path outside the folder.
        if key.len() < 3 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::other("bad attachment key"));
        }
        Ok(self.root.join(&key[..2]).join(key))
    }
}

impl FileStore for LocalDir {
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, std::io::Result<()>> {
        Box::pin(async move {
            let path = self.path_of(key)?;
            let bytes = bytes.to_vec();
            // One trip to the blocking pool for the whole write.
            tokio::task::spawn_blocking(move || write_durably(&path, &bytes))
                .await
                .map_err(std::io::Error::other)?
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, std::io::Result<Vec<u8>>> {
        Box::pin(async move { tokio::fs::read(self.path_of(key)?).await })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Ok(path) = self.path_of(key) {
                let _ = tokio::fs::remove_file(path).await;
            }
        })
    }
}

/// Writes a file whole under another name, renames it into place, and
/// syncs the file and then its folder: once this returns, the file is
/// there after a crash too (a rename is durable only with its folder).
fn write_durably(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("a file needs a folder"))?;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let tmp = path.with_extension("tmp");
    // Readable by the owner (the service) only.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}

pub struct Stored {
    pub key: String,
    pub sha256: String,
    pub size: i64,
}

/// Stores new bytes under a fresh random key.
pub async fn save(files: &dyn FileStore, bytes: &[u8]) -> std::io::Result<Stored> {
    let key = crate::auth::generate_token();
    files.put(&key, bytes).await?;
    Ok(Stored {
        key,
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as i64,
    })
}

/// The image types shown inline, by the bytes they begin with.
fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Whether a stored type is one of the images shown inline (set only
/// from the bytes, see `content_type_of`).
pub fn is_previewable(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// The type to store for an upload: an image type only when the bytes
/// are that image; otherwise what the client declared, if it looks like
/// a media type and claims no image.
pub fn content_type_of(declared: &str, bytes: &[u8]) -> String {
    if let Some(image) = sniff_image(bytes) {
        return image.to_owned();
    }
    let declared = declared
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let plausible = declared.len() <= 100
        && declared.split_once('/').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && declared
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"/.+-_".contains(&c))
        });
    if plausible && !declared.starts_with("image/") {
        declared
    } else {
        "application/octet-stream".to_owned()
    }
}

/// A whole e-mail as it came, as a download (`message/rfc822`), never shown.
pub async fn download_mail(
    files: &dyn FileStore,
    m: &skranke_store::CaseMail,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    let bytes = files
        .get(&m.storage_key)
        .await
        .map_err(|e| WebError::Internal(format!("reading mail {}: {e}", m.id)))?;
    Ok((
        [
            (header::CONTENT_TYPE, "message/rfc822".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", mail_filename(m.id)),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The name a whole e-mail downloads as.
pub fn mail_filename(id: i64) -> String {
    format!("epost-{id}.eml")
}

/// An attachment for the browser: an image whose bytes were checked is
/// shown inline with its real type; anything else is a download, never
/// for the browser to render or sniff.
pub async fn download(
    files: &dyn FileStore,
    a: &skranke_store::Attachment,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    let bytes = files
        .get(&a.storage_key)
        .await
        .map_err(|e| WebError::Internal(format!("reading attachment {}: {e}", a.id)))?;
    let image = sniff_image(&bytes).filter(|t| *t == a.content_type);
    let ascii: String = a
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded =
        percent_encoding::utf8_percent_encode(&a.filename, percent_encoding::NON_ALPHANUMERIC);
    let disposition = if image.is_some() {
        "inline"
    } else {
        "attachment"
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                image.unwrap_or("application/octet-stream").to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Whether a request's body is a multipart form (files may come with it).
pub fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// What a form says at its file field about a file over the limit.
pub fn too_big_msg(name: &str, max_bytes: usize) -> Msg {
    Msg::new("error-file-too-big")
        .arg("name", name)
        .arg("max", crate::texts::size(max_bytes as i64))
}

/// A file as it came in a multipart body.
pub struct Upload {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub fn multipart_error(e: MultipartError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge
    } else {
        WebError::Malformed(e.body_text())
    }
}

/// A text field of a multipart form: UTF-8, or refused (never stored with
/// replacement characters).
pub async fn text(field: Field<'_>) -> Result<String, WebError> {
    let name = field.name().unwrap_or("form").to_owned();
    let bytes = field.bytes().await.map_err(multipart_error)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| not_utf8(&name))
}

pub fn not_utf8(field: &str) -> WebError {
    WebError::invalid(field, "error-not-utf8")
}

/// A file of a page's form: taken, or too big (read to its end, so the
/// fields after it are still read, and named in the form's answer).
pub enum FormFile {
    None,
    File(Upload),
    TooBig { name: String },
}

/// Reads a file field of a page's form, without refusing the whole form
/// for one file that is too big.
pub async fn form_file(mut field: Field<'_>, max: usize) -> Result<FormFile, WebError> {
    let name = field
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| disposition_filename(v.as_bytes()))
        .map(|n| clean_filename(&n))
        .unwrap_or_default();
    let content_type = field
        .content_type()
        .unwrap_or("application/octet-stream")
        .to_owned();
    let mut bytes = Vec::new();
    let mut too_big = false;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if too_big || bytes.len() + chunk.len() > max {
            too_big = true;
            bytes = Vec::new();
            continue;
        }
        bytes.extend_from_slice(&chunk);
    }
    if too_big {
        return Ok(FormFile::TooBig { name });
    }
    if name.is_empty() && bytes.is_empty() {
        return Ok(FormFile::None);
    }
    Ok(FormFile::File(Upload {
        name: if name.is_empty() {
            generated_name(&content_type)
        } else {
            name
        },
        content_type,
        bytes,
    }))
}

/// A file field: `None` when no file was chosen (no name and no bytes).
/// Bigger than `max` bytes is refused; a file without a usable name gets one.
pub async fn upload(mut field: Field<'_>, max: usize) -> Result<Option<Upload>, WebError> {
    let raw_name = field
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| disposition_filename(v.as_bytes()));
    let content_type = field
        .content_type()
        .unwrap_or("application/octet-stream")
        .to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > max {
            return Err(WebError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    let name = raw_name.map(|n| clean_filename(&n)).unwrap_or_default();
    if name.is_empty() && bytes.is_empty() {
        return Ok(None);
    }
    let name = if name.is_empty() {
        generated_name(&content_type)
    } else {
        name
    };
    Ok(Some(Upload {
        name,
        content_type,
        bytes,
    }))
}

/// Writes each upload to the file store; on a failure, those written are removed again.
pub async fn store_all(
    files: &dyn FileStore,
    uploads: Vec<Upload>,
) -> Result<Vec<NewAttachment>, WebError> {
    let mut out: Vec<NewAttachment> = Vec::with_capacity(uploads.len());
    for u in uploads {
        match save(files, &u.bytes).await {
            Ok(stored) => out.push(NewAttachment {
                content_type: content_type_of(&u.content_type, &u.bytes),
                filename: u.name,
                size: stored.size,
                storage_key: stored.key,
                sha256: stored.sha256,
            }),
            Err(e) => {
                for a in &out {
                    files.delete(&a.storage_key).await;
                }
                return Err(WebError::Internal(format!("storing an attachment: {e}")));
            }
        }
    }
    Ok(out)
}

/// The file name of a `Content-Disposition` header: `filename*` (RFC 5987,
/// any charset) first, then `filename` as UTF-8 or, failing that, as the
/// legacy Windows-1252 many old clients send.
pub fn disposition_filename(header: &[u8]) -> Option<String> {
    let mut plain = None;
    for param in split_params(header) {
        let Some(eq) = param.iter().position(|b| *b == b'=') else {
            continue;
        };
        let key = param[..eq].trim_ascii().to_ascii_lowercase();
        let value = unquote(param[eq + 1..].trim_ascii());
        match key.as_slice() {
            b"filename*" => {
                if let Some(name) = ext_value(&value) {
                    return Some(name);
                }
            }
            b"filename" => plain = Some(value),
            _ => {}
        }
    }
    let bytes = plain?;
    // Browsers escape these three in names (HTML's multipart encoding).
    let s = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => encoding_rs::WINDOWS_1252
            .decode(e.as_bytes())
            .0
            .into_owned(),
    };
    Some(
        s.replace("%22", "\"")
            .replace("%0D", "\r")
            .replace("%0A", "\n"),
    )
}

/// Splits header parameters at `;` outside quoted strings.
fn split_params(h: &[u8]) -> Vec<&[u8]> {
    let (mut out, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (i, &b) in h.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b';' if !quoted => {
                out.push(&h[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&h[start..]);
    out
}

fn unquote(v: &[u8]) -> Vec<u8> {
    let Some(inner) = v.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")) else {
        return v.to_vec();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut escaped = false;
    for &b in inner {
        if !escaped && b == b'\\' {
            escaped = true;
        } else {
            out.push(b);
            escaped = false;
        }
    }
    out
}

/// An RFC 5987 `charset'language'percent-encoded` value.
fn ext_value(v: &[u8]) -> Option<String> {
    let mut parts = v.splitn(3, |b| *b == b'\'');
    let (charset, _lang, encoded) = (parts.next()?, parts.next()?, parts.next()?);
    let bytes: Vec<u8> = percent_encoding::percent_decode(encoded).collect();
    let encoding = encoding_rs::Encoding::for_label(charset.trim_ascii())?;
    let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
    (!had_errors).then(|| text.into_owned())
}

/// A name for a file sent without a usable one, from its declared type.
fn generated_name(content_type: &str) -> String {
    let ext = match content_type.split(';').next().unwrap_or("").trim() {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "application/pdf" => ".pdf",
        "text/plain" => ".txt",
        "text/csv" => ".csv",
        "application/zip" => ".zip",
        _ => ".bin",
    };
    format!("vedlegg{ext}")
}

/// A file name safe to show and to put in a Content-Disposition header:
/// no path, no control or bidirectional characters, at most 200 characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = skranke_core::case::clean_line(base)
        .chars()
        .filter(|c| !matches!(c, '"' | '\\' | '/'))
        .take(200)
        .collect();
    cleaned.trim().trim_start_matches('.').trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_filename_star_in_any_charset_or_legacy_bytes() {
        let h = |s: &[u8]| disposition_filename(s);
        assert_eq!(
            h(b"form-data; name=\"attachment\"; filename*=UTF-8''r%C3%B8d%20fil.txt").as_deref(),
            Some("rød fil.txt")
        );
        assert_eq!(
            h(b"form-data; name=\"a\"; filename*=ISO-8859-1''bl%E5b%E6r.pdf").as_deref(),
            Some("blåbær.pdf")
        );
        assert_eq!(
            h(b"form-data; name=\"a\"; filename=\"fallback.txt\"; filename*=utf-8'no'%C3%A6.txt")
                .as_deref(),
            Some("æ.txt"),
            "filename* wins over filename"
        );
        assert_eq!(
            h(b"form-data; name=\"a\"; filename=\"s\xf8knad.doc\"").as_deref(),
            Some("søknad.doc"),
            "Latin-1 bytes"
        );
        assert_eq!(
            h(b"form-data; name=\"a\"; filename=\"a;b %22c%22.txt\"").as_deref(),
            Some("a;b \"c\".txt")
        );
        assert_eq!(h(b"form-data; name=\"a\""), None);
    }

    #[test]
    fn only_bytes_make_an_image() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(
            content_type_of("application/octet-stream", png),
            "image/png"
        );
        assert_eq!(
            content_type_of("image/jpeg", &[0xff, 0xd8, 0xff, 0xe0]),
            "image/jpeg"
        );
        assert_eq!(content_type_of("image/gif", b"GIF89a..."), "image/gif");
        assert_eq!(content_type_of("", b"RIFF\0\0\0\0WEBPVP8 "), "image/webp");
        // A script that says it is a picture is not one.
        assert_eq!(
            content_type_of("image/png", b"<svg onload=alert(1)>"),
            "application/octet-stream"
        );
        assert_eq!(
            content_type_of("image/svg+xml", b"<svg/>"),
            "application/octet-stream"
        );
        assert_eq!(
            content_type_of("application/pdf", b"%PDF-1.7"),
            "application/pdf"
        );
        assert_eq!(
            content_type_of("text/html; charset=utf-8", b"<p>"),
            "text/html"
        );
        assert_eq!(
            content_type_of("x\r\nSet-Cookie: a", b"x"),
            "application/octet-stream"
        );
        assert!(is_previewable("image/webp") && !is_previewable("image/svg+xml"));
    }

    #[test]
    fn names_lose_paths_and_tricks() {
        assert_eq!(
            clean_filename("C:\\Users\\kari\\r\u{202E}txt.exe"),
            "rtxt.exe"
        );
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("  .skjult\n"), "skjult");
        assert_eq!(clean_filename("\u{202E}"), "");
        assert_eq!(generated_name("image/png"), "vedlegg.png");
    }
}
