//! Attachment bytes on disk under the data directory. The database holds
//! the metadata; a file is written (and synced) before its row is committed,
//! and removed again if the commit fails.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

pub struct Stored {
    pub key: String,
    pub sha256: String,
    pub size: i64,
}

fn path_of(data_dir: &Path, key: &str) -> Option<PathBuf> {
    // Keys are ours (hex), but never let one name a path outside the folder.
    if key.len() < 3 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(data_dir.join("attachments").join(&key[..2]).join(key))
}

pub async fn save(data_dir: &Path, bytes: &[u8]) -> std::io::Result<Stored> {
    save_as(data_dir, &crate::auth::generate_token(), bytes).await
}

/// Writes bytes under a given key (an import restoring a file).
pub async fn save_as(data_dir: &Path, key: &str, bytes: &[u8]) -> std::io::Result<Stored> {
    let key = key.to_owned();
    let path = path_of(data_dir, &key).ok_or_else(|| std::io::Error::other("bad key"))?;
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    let tmp = path.with_extension("tmp");
    let mut f = tokio::fs::File::create(&tmp).await?;
    f.write_all(bytes).await?;
    f.sync_all().await?;
    drop(f);
    tokio::fs::rename(&tmp, &path).await?;
    Ok(Stored {
        key,
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as i64,
    })
}

pub async fn load(data_dir: &Path, key: &str) -> std::io::Result<Vec<u8>> {
    let path = path_of(data_dir, key).ok_or_else(|| std::io::Error::other("bad key"))?;
    tokio::fs::read(path).await
}

pub async fn remove(data_dir: &Path, key: &str) {
    if let Some(path) = path_of(data_dir, key) {
        let _ = tokio::fs::remove_file(path).await;
    }
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
