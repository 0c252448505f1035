//! `skranke export` / `skranke import`: a whole installation as JSON lines,
//! one table row or attachment file a line, readable by either backend.

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};
use skranke_store::Store;
use skranke_web::files::FileStore;

const FORMAT: &str = "skranke-export";
const VERSION: u64 = 1;

pub async fn export(store: &Store, files: &dyn FileStore) -> Result<String> {
    let mut out = String::new();
    let mut line = |v: Value| {
        out.push_str(&v.to_string());
        out.push('\n');
    };
    line(json!({"format": FORMAT, "version": VERSION, "backend": store.backend()}));
    let tables = store.export_tables().await?;
    let mut keys = Vec::new();
    for (table, rows) in &tables {
        for row in rows {
            // Attachments and raw inbound mail keep their bytes as files.
            if matches!(*table, "attachments" | "inbound_mail")
                && let Some(Value::String(k)) = row.get("storage_key")
            {
                keys.push(k.clone());
            }
            line(json!({"table": table, "row": row}));
        }
    }
    for key in keys {
        let bytes = files
            .get(&key)
            .await
            .with_context(|| format!("attachment file {key} is missing"))?;
        line(json!({"file": key, "hex": hex::encode(&bytes)}));
    }
    Ok(out)
}

pub async fn import(store: &Store, files: &dyn FileStore, text: &str) -> Result<(usize, usize)> {
    let mut lines = text.lines().enumerate();
    let header: Value = match lines.next() {
        Some((_, l)) => serde_json::from_str(l).context("line 1: not JSON")?,
        None => bail!("the export is empty"),
    };
    if header["format"] != FORMAT || header["version"] != VERSION {
        bail!("line 1: not a {FORMAT} version {VERSION} file");
    }
    let mut tables: Vec<(String, Vec<Map<String, Value>>)> = Vec::new();
    let mut blobs: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, l) in lines {
        let v: Value =
            serde_json::from_str(l).with_context(|| format!("line {}: not JSON", i + 1))?;
        if let (Some(table), Some(row)) = (v["table"].as_str(), v["row"].as_object()) {
            match tables.last_mut() {
                Some((t, rows)) if t == table => rows.push(row.clone()),
                _ => tables.push((table.to_owned(), vec![row.clone()])),
            }
        } else if let (Some(key), Some(hex)) = (v["file"].as_str(), v["hex"].as_str()) {
            blobs.push((
                key.to_owned(),
                hex::decode(hex).with_context(|| format!("line {}: bad hex", i + 1))?,
            ));
        } else {
            bail!("line {}: neither a table row nor a file", i + 1);
        }
    }
    // Files first: if the rows then fail, stray files harm nothing; the
    // reverse would leave attachments without their bytes.
    for (key, bytes) in &blobs {
        files
            .put(key, bytes)
            .await
            .with_context(|| format!("cannot write attachment {key}"))?;
    }
    let rows = store
        .import_tables(&tables)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((rows, blobs.len()))
}
