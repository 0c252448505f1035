//! Attachment bytes. The database holds the metadata; the bytes go through
//! `FileStore`, whose one implementation today is a directory: the data
//! directory's `attachments/` by default, or any directory (`[storage]
//! attachments_dir`) such as a shared mount that several instances use.
//! A file is written and synced before its row is committed, and removed
//! again if the commit fails.

use crate::notify::BoxFuture;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;

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
            if let Some(dir) = path.parent() {
                tokio::fs::create_dir_all(dir).await?;
            }
            let tmp = path.with_extension("tmp");
            let mut f = tokio::fs::File::create(&tmp).await?;
            f.write_all(bytes).await?;
            f.sync_all().await?;
            drop(f);
            tokio::fs::rename(&tmp, &path).await
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

/// A file name safe to show and to put in a Content-Disposition header.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/'))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "vedlegg".into()
    } else {
        cleaned
    }
}
