//! The data directory (`--data-dir`): every bucket, object, configuration, upload in progress,
//! temporary key and the clock, kept on disk so that a restart (even after `kill -9`) finds them.
//! State is still served from memory (bodies too); the directory is written through, never read
//! after start.
//!
//! Layout: `DIR/state.redb` (a `redb` database: one record per bucket head, per key — its current
//! object and its versions —, per upload in progress, per bucket's completed uploads, per temporary
//! key, plus `meta`: format, version and clock), and `DIR/bodies/<sha256>` (object and part bodies,
//! one file per chunk, named by their SHA-256, shared by every record that holds the same bytes).
//! Records are the JSON of `crate::snapshot::model`, and are checked on load by the same code as
//! an import.
//!
//! A write: the body files are written to a temporary name, fsynced and renamed, the directory is
//! fsynced, then the records are committed in one transaction (`Durability::Immediate`), all while
//! the bucket is locked and before the request is answered. Body files no record names (deleted
//! objects, a crash between the two steps) are removed at the next start.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use sha2::{Digest, Sha256};

use crate::data::Data;
use crate::dialect::Dialect;
use crate::snapshot::convert::{self, BodyIn, BodyOut, Check, DocError};
use crate::snapshot::model::*;
use crate::snapshot::Checked;
use crate::store::{Bucket, Durable};

/// What `meta.format` holds.
pub const DATA_FORMAT: &str = "cos-mock-data";
/// The data directory layout this build reads and writes.
pub const DATA_VERSION: u32 = 1;
const DB_FILE: &str = "state.redb";
const BODIES: &str = "bodies";

const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
const TEMP_KEYS: TableDefinition<&str, &[u8]> = TableDefinition::new("temporary_keys");
/// (dialect, bucket) → `BucketDoc` without objects, uploads or completed uploads.
const HEADS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("bucket_heads");
/// (dialect, bucket) → `Vec<CompletedDoc>`.
const COMPLETED: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("completed_uploads");
/// (dialect, bucket, key) → `KeyDoc`.
const KEYS: TableDefinition<(&str, &str, &str), &[u8]> = TableDefinition::new("keys");
/// (dialect, bucket, key, upload id) → `UploadDoc`.
const UPLOADS: TableDefinition<(&str, &str, &str, &str), &[u8]> = TableDefinition::new("uploads");

/// A data directory in use.
pub struct Persist {
    db: Database,
    dir: PathBuf,
    bodies: PathBuf,
    /// Which body file holds which buffer, so unchanged bodies are neither hashed nor written again.
    cache: Mutex<BodyCache>,
    /// What was last written of each bucket's head and completed uploads.
    seen: Mutex<HashMap<(&'static str, String), Seen>>,
}

impl std::fmt::Debug for Persist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Persist({})", self.dir.display())
    }
}

#[derive(Default)]
struct Seen {
    head: Vec<u8>,
    completed: (usize, Option<(String, String)>),
}

/// The body files known to hold runs of buffers, so unchanged bodies are neither hashed nor
/// written again, and a completed multipart upload names its parts' files instead of copying them.
/// A buffer is recognised by its address and length, which is sound because the cache holds the
/// buffers (their memory cannot be freed and reused while they are known).
#[derive(Default)]
struct BodyCache {
    segments: HashMap<u64, Segment>,
    /// Segments by the address and length of their first buffer.
    by_first: HashMap<(usize, usize), Vec<u64>>,
    /// The segments each record names.
    by_record: HashMap<String, Vec<u64>>,
    next: u64,
    /// Segments that were named by no record at some point: dropped by the second
    /// `forget_unnamed` after that if they still are (so that a Complete, which ends the upload
    /// and then writes the object in two steps, still finds its parts' files).
    maybe_dead: Vec<u64>,
    dying: Vec<u64>,
}

/// One body file and the buffers it holds, in order.
struct Segment {
    chunks: Vec<Bytes>,
    name: String,
    refs: usize,
}

impl BodyCache {
    fn add(&mut self, chunks: Vec<Bytes>, name: String) -> u64 {
        let id = self.next;
        self.next += 1;
        self.by_first
            .entry(ptr_of(&chunks[0]))
            .or_default()
            .push(id);
        self.maybe_dead.push(id);
        self.segments.insert(
            id,
            Segment {
                chunks,
                name,
                refs: 0,
            },
        );
        id
    }

    /// The longest known segment `chunks` starts with.
    fn longest_match(&self, chunks: &[&Bytes]) -> Option<u64> {
        let candidates = self.by_first.get(&ptr_of(chunks[0]))?;
        candidates
            .iter()
            .filter_map(|id| Some((*id, self.segments.get(id)?)))
            .filter(|(_, s)| {
                s.chunks.len() <= chunks.len()
                    && s.chunks
                        .iter()
                        .zip(chunks)
                        .all(|(a, b)| ptr_of(a) == ptr_of(b))
            })
            .max_by_key(|(_, s)| s.chunks.len())
            .map(|(id, _)| id)
    }

    /// Replaces the segments `record` names; forgets segments no record names any more.
    fn set_record(&mut self, record: String, ids: Vec<u64>) {
        for id in &ids {
            if let Some(s) = self.segments.get_mut(id) {
                s.refs += 1;
            }
        }
        let old = if ids.is_empty() {
            self.by_record.remove(&record)
        } else {
            self.by_record.insert(record, ids)
        };
        for id in old.unwrap_or_default() {
            if let Some(s) = self.segments.get_mut(&id) {
                s.refs = s.refs.saturating_sub(1);
                if s.refs == 0 {
                    self.maybe_dead.push(id);
                }
            }
        }
    }

    /// Drops segments no record names.
    fn forget_unnamed(&mut self) {
        let dying = std::mem::replace(&mut self.dying, std::mem::take(&mut self.maybe_dead));
        for id in dying {
            if self.segments.get(&id).is_none_or(|s| s.refs > 0) {
                continue;
            }
            if let Some(s) = self.segments.remove(&id) {
                let first = ptr_of(&s.chunks[0]);
                if let Some(list) = self.by_first.get_mut(&first) {
                    list.retain(|x| *x != id);
                    if list.is_empty() {
                        self.by_first.remove(&first);
                    }
                }
            }
        }
    }

    fn forget_prefix(&mut self, prefix: &str) {
        let records: Vec<String> = self
            .by_record
            .keys()
            .filter(|r| r.starts_with(prefix))
            .cloned()
            .collect();
        for r in records {
            self.set_record(r, Vec::new());
        }
        self.forget_unnamed();
    }
}

fn ptr_of(b: &Bytes) -> (usize, usize) {
    (b.as_ptr() as usize, b.len())
}

fn dialect_str(d: Dialect) -> &'static str {
    convert::dialect_name(d)
}

fn record_id(parts: &[&str]) -> String {
    parts.join("\u{0}")
}

/// What opening a data directory found.
pub enum Opened {
    /// A new directory: seed it.
    Fresh(Arc<Persist>),
    /// The state it holds, checked.
    Loaded(Arc<Persist>, Box<Checked>),
}

fn io(what: impl std::fmt::Display, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

/// Opens (or creates) the data directory `dir`. Refuses a directory of another program or format
/// version, one another cos-mock has open, and one whose records or body files are damaged.
pub fn open(
    dir: &Path,
    config: &crate::config::Config,
    keys: &crate::auth::KeyRing,
) -> Result<Opened, String> {
    let shown = dir.display();
    std::fs::create_dir_all(dir).map_err(|e| io(format!("--data-dir {shown}"), e))?;
    let db_path = dir.join(DB_FILE);
    let bodies = dir.join(BODIES);
    let fresh = !db_path.exists();
    if fresh {
        let foreign: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| io(format!("--data-dir {shown}"), e))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != BODIES)
            .collect();
        if !foreign.is_empty() {
            return Err(format!(
                "--data-dir {shown} is not a cos-mock data directory: it holds {} and no {DB_FILE}; give an empty or new directory",
                foreign.join(", ")
            ));
        }
    }
    std::fs::create_dir_all(&bodies).map_err(|e| io(bodies.display(), e))?;
    let db = if fresh {
        Database::create(&db_path)
    } else {
        Database::open(&db_path)
    }
    .map_err(|e| match e {
        redb::DatabaseError::DatabaseAlreadyOpen => format!(
            "--data-dir {shown} is in use by another cos-mock (or another program holds {DB_FILE}); one server per directory"
        ),
        e => format!("--data-dir {shown}: {DB_FILE} is not a cos-mock data directory or is damaged: {e}"),
    })?;
    let persist = Arc::new(Persist {
        db,
        dir: dir.to_path_buf(),
        bodies,
        cache: Default::default(),
        seen: Default::default(),
    });
    if fresh {
        persist
            .init()
            .map_err(|e| io(format!("--data-dir {shown}"), e))?;
        sync_dir(dir).map_err(|e| io(format!("--data-dir {shown}"), e))?;
        return Ok(Opened::Fresh(persist));
    }
    persist.check_meta()?;
    let checked = persist
        .load(config, keys)
        .map_err(|e| format!("--data-dir {shown}: a damaged record or body: {e}"))?;
    persist.remove_orphans();
    Ok(Opened::Loaded(persist, Box::new(checked)))
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

impl Persist {
    fn init(&self) -> Result<(), String> {
        let tx = self.db.begin_write().map_err(|e| e.to_string())?;
        {
            let mut meta = tx.open_table(META).map_err(|e| e.to_string())?;
            meta.insert("format", DATA_FORMAT)
                .map_err(|e| e.to_string())?;
            meta.insert("version", DATA_VERSION.to_string().as_str())
                .map_err(|e| e.to_string())?;
            let clock = serde_json::to_string(&ClockDoc::default()).map_err(|e| e.to_string())?;
            meta.insert("clock", clock.as_str())
                .map_err(|e| e.to_string())?;
            tx.open_table(TEMP_KEYS).map_err(|e| e.to_string())?;
            tx.open_table(HEADS).map_err(|e| e.to_string())?;
            tx.open_table(COMPLETED).map_err(|e| e.to_string())?;
            tx.open_table(KEYS).map_err(|e| e.to_string())?;
            tx.open_table(UPLOADS).map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())
    }

    fn check_meta(&self) -> Result<(), String> {
        let shown = self.dir.display();
        let not_ours =
            |why: String| format!("--data-dir {shown} is not a cos-mock data directory ({why})");
        let tx = self.db.begin_read().map_err(|e| not_ours(e.to_string()))?;
        let meta = tx.open_table(META).map_err(|e| not_ours(e.to_string()))?;
        let get = |k: &str| -> Result<Option<String>, String> {
            Ok(meta
                .get(k)
                .map_err(|e| not_ours(e.to_string()))?
                .map(|v| v.value().to_string()))
        };
        if get("format")?.as_deref() != Some(DATA_FORMAT) {
            return Err(not_ours(format!("its meta.format is not {DATA_FORMAT}")));
        }
        let version = get("version")?.unwrap_or_default();
        if version != DATA_VERSION.to_string() {
            return Err(format!(
                "--data-dir {shown} holds data format version {version}; this cos-mock reads version {DATA_VERSION}. \
                 Start the cos-mock that wrote it, GET /_cos-mock/state/export, and import that document here into a new directory"
            ));
        }
        Ok(())
    }

    /// Reads every record back into a checked state.
    fn load(
        &self,
        config: &crate::config::Config,
        keys: &crate::auth::KeyRing,
    ) -> Result<Checked, String> {
        let tx = self.db.begin_read().map_err(|e| e.to_string())?;
        let json_err = |what: &str, e: serde_json::Error| format!("record {what}: {e}");
        let doc_err = |e: DocError| e.to_string();
        let meta = tx.open_table(META).map_err(|e| e.to_string())?;
        let clock: ClockDoc = match meta.get("clock").map_err(|e| e.to_string())? {
            Some(v) => serde_json::from_str(v.value()).map_err(|e| json_err("meta.clock", e))?,
            None => ClockDoc::default(),
        };
        // Bodies read while loading, by record, for the cache.
        let loaded: std::cell::RefCell<Vec<(Bytes, String)>> = Default::default();
        let read: std::cell::RefCell<HashMap<String, Bytes>> = Default::default();
        let source = |b: &BodyIn, at: &str| -> Result<Data, DocError> {
            let names = b
                .files
                .ok_or_else(|| convert::err(at, "the record has no body_files"))?;
            let mut chunks = Vec::with_capacity(names.len());
            for name in names {
                // A file several records name is read once and shared, as it was before.
                let known = read.borrow().get(name).cloned();
                let bytes = match known {
                    Some(b) => b,
                    None => {
                        let b = self.read_body(name).map_err(|e| convert::err(at, e))?;
                        read.borrow_mut().insert(name.clone(), b.clone());
                        b
                    }
                };
                loaded.borrow_mut().push((bytes.clone(), name.clone()));
                chunks.push(bytes);
            }
            Ok(Data::joined(chunks))
        };
        let cx = Check {
            config,
            body: &source,
        };
        let mut cache = BodyCache::default();
        let take = |record: String, cache: &mut BodyCache| {
            let ids = loaded
                .borrow_mut()
                .drain(..)
                .map(|(bytes, name)| cache.add(vec![bytes], name))
                .collect();
            cache.set_record(record, ids);
        };
        let mut buckets: HashMap<(String, String), Bucket> = HashMap::new();
        let mut seen = HashMap::new();
        for row in tx
            .open_table(HEADS)
            .map_err(|e| e.to_string())?
            .iter()
            .map_err(|e| e.to_string())?
        {
            let (k, v) = row.map_err(|e| e.to_string())?;
            let (d, name) = k.value();
            let at = format!("bucket_heads[{d}/{name}]");
            let doc: BucketDoc = serde_json::from_slice(v.value()).map_err(|e| json_err(&at, e))?;
            let (dialect, b) =
                convert::head_from_doc(&doc, &format!("$.{at}"), &cx).map_err(doc_err)?;
            if dialect_str(dialect) != d || doc.name != name {
                return Err(format!("record {at} names another bucket"));
            }
            seen.insert(
                (dialect_str(dialect), name.to_string()),
                Seen {
                    head: v.value().to_vec(),
                    completed: (0, None),
                },
            );
            buckets.insert((d.to_string(), name.to_string()), b);
        }
        let missing = |at: &str| format!("record {at} belongs to no bucket");
        for row in tx
            .open_table(COMPLETED)
            .map_err(|e| e.to_string())?
            .iter()
            .map_err(|e| e.to_string())?
        {
            let (k, v) = row.map_err(|e| e.to_string())?;
            let (d, name) = k.value();
            let at = format!("completed_uploads[{d}/{name}]");
            let list: Vec<CompletedDoc> =
                serde_json::from_slice(v.value()).map_err(|e| json_err(&at, e))?;
            let b = buckets
                .get_mut(&(d.to_string(), name.to_string()))
                .ok_or_else(|| missing(&at))?;
            convert::completed_from_doc(b, &list, &format!("$.{at}")).map_err(doc_err)?;
        }
        for row in tx
            .open_table(KEYS)
            .map_err(|e| e.to_string())?
            .iter()
            .map_err(|e| e.to_string())?
        {
            let (k, v) = row.map_err(|e| e.to_string())?;
            let (d, name, key) = k.value();
            let at = format!("keys[{d}/{name}/{key}]");
            let doc: KeyDoc = serde_json::from_slice(v.value()).map_err(|e| json_err(&at, e))?;
            if doc.key != key {
                return Err(format!("record {at} names another key"));
            }
            let b = buckets
                .get_mut(&(d.to_string(), name.to_string()))
                .ok_or_else(|| missing(&at))?;
            convert::key_from_doc(b, &doc, &format!("$.{at}"), &cx).map_err(doc_err)?;
            take(record_id(&["k", d, name, key]), &mut cache);
        }
        for row in tx
            .open_table(UPLOADS)
            .map_err(|e| e.to_string())?
            .iter()
            .map_err(|e| e.to_string())?
        {
            let (k, v) = row.map_err(|e| e.to_string())?;
            let (d, name, key, id) = k.value();
            let at = format!("uploads[{d}/{name}/{key}/{id}]");
            let doc: UploadDoc = serde_json::from_slice(v.value()).map_err(|e| json_err(&at, e))?;
            if doc.key != key || doc.upload_id != id {
                return Err(format!("record {at} names another upload"));
            }
            let b = buckets
                .get_mut(&(d.to_string(), name.to_string()))
                .ok_or_else(|| missing(&at))?;
            convert::upload_from_doc(b, &doc, &format!("$.{at}"), &cx).map_err(doc_err)?;
            take(record_id(&["u", d, name, key, id]), &mut cache);
        }
        let mut temporary = Vec::new();
        for row in tx
            .open_table(TEMP_KEYS)
            .map_err(|e| e.to_string())?
            .iter()
            .map_err(|e| e.to_string())?
        {
            let (k, v) = row.map_err(|e| e.to_string())?;
            let at = format!("temporary_keys[{}]", k.value());
            let doc: TempKeyDoc =
                serde_json::from_slice(v.value()).map_err(|e| json_err(&at, e))?;
            temporary.push(Arc::new(
                crate::snapshot::temp_key_from_doc(&doc, &format!("$.{at}"), keys)
                    .map_err(doc_err)?,
            ));
        }
        let (mut cos, mut oss) = (Vec::new(), Vec::new());
        for ((d, _), b) in buckets {
            if let Some(s) = seen.get_mut(&(if d == "cos" { "cos" } else { "oss" }, b.name.clone()))
            {
                s.completed = completed_print(&b);
            }
            if d == "cos" {
                cos.push(b)
            } else {
                oss.push(b)
            }
        }
        cache.forget_unnamed();
        *self.cache.lock().unwrap_or_else(|e| e.into_inner()) = cache;
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = seen;
        Ok(Checked {
            clock,
            keys: temporary,
            cos,
            oss,
        })
    }

    /// A body file, checked against its name (its SHA-256).
    fn read_body(&self, name: &str) -> Result<Bytes, String> {
        if name.len() != 64 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("{name:?} is not a body file name"));
        }
        let path = self.bodies.join(name);
        let bytes = std::fs::read(&path).map_err(|e| io(path.display(), e))?;
        if hex::encode(Sha256::digest(&bytes)) != name {
            return Err(format!(
                "body file {} is damaged (truncated or changed: its SHA-256 differs from its name)",
                path.display()
            ));
        }
        Ok(Bytes::from(bytes))
    }

    /// Removes body files no record names, and temporary files left by a crash.
    fn remove_orphans(&self) {
        let named: HashSet<String> = {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            cache.segments.values().map(|s| s.name.clone()).collect()
        };
        let Ok(entries) = std::fs::read_dir(&self.bodies) else {
            return;
        };
        let mut removed = 0;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !named.contains(&name) && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
        if removed > 0 {
            tracing::info!(
                removed,
                "data directory: removed body files no record names"
            );
        }
    }

    /// Writes the body file of `chunks` (joined) unless it exists; returns its name.
    fn write_body(&self, chunks: &[Bytes], wrote: &mut bool) -> Result<String, String> {
        let mut sha = Sha256::new();
        let mut len = 0;
        for c in chunks {
            sha.update(c);
            len += c.len() as u64;
        }
        let name = hex::encode(sha.finalize());
        let path = self.bodies.join(&name);
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == len) {
            return Ok(name);
        }
        let tmp = self
            .bodies
            .join(format!(".tmp-{name}-{}", rand::random::<u64>()));
        let result = (|| {
            let mut f = std::io::BufWriter::new(File::create(&tmp)?);
            for c in chunks {
                f.write_all(c)?;
            }
            f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(path.display(), e));
        }
        *wrote = true;
        Ok(name)
    }

    /// Bodies to files, through the cache: runs of buffers already in a file name it, the rest
    /// goes to new files; `ids` collects the segments used.
    fn sink<'a>(
        &'a self,
        cache: &'a mut BodyCache,
        ids: &'a mut Vec<u64>,
        wrote: &'a mut bool,
    ) -> impl FnMut(&Data) -> Result<BodyOut, String> + 'a {
        move |data: &Data| {
            let chunks: Vec<&Bytes> = data.chunks().filter(|c| !c.is_empty()).collect();
            let mut names = Vec::new();
            let mut pending: Vec<Bytes> = Vec::new();
            let mut flush = |pending: &mut Vec<Bytes>,
                             cache: &mut BodyCache,
                             ids: &mut Vec<u64>,
                             names: &mut Vec<String>|
             -> Result<(), String> {
                if pending.is_empty() {
                    return Ok(());
                }
                let name = self.write_body(pending, wrote)?;
                ids.push(cache.add(std::mem::take(pending), name.clone()));
                names.push(name);
                Ok(())
            };
            let mut i = 0;
            while i < chunks.len() {
                match cache.longest_match(&chunks[i..]) {
                    Some(id) => {
                        flush(&mut pending, cache, ids, &mut names)?;
                        let seg = &cache.segments[&id];
                        names.push(seg.name.clone());
                        i += seg.chunks.len();
                        ids.push(id);
                    }
                    None => {
                        pending.push(chunks[i].clone());
                        i += 1;
                    }
                }
            }
            flush(&mut pending, cache, ids, &mut names)?;
            Ok(BodyOut {
                base64: None,
                files: Some(names),
            })
        }
    }

    fn save_clock(&self, offset: i64, restore_delay: u64) -> Result<(), String> {
        let clock = serde_json::to_string(&ClockDoc {
            offset_seconds: offset,
            restore_delay_seconds: restore_delay,
        })
        .map_err(|e| e.to_string())?;
        let tx = self.db.begin_write().map_err(|e| e.to_string())?;
        tx.open_table(META)
            .and_then(|mut t| {
                t.insert("clock", clock.as_str())
                    .map(|_| ())
                    .map_err(Into::into)
            })
            .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())
    }

    fn save_key_event(&self, event: &crate::auth::KeyEvent) -> Result<(), String> {
        let tx = self.db.begin_write().map_err(|e| e.to_string())?;
        {
            let mut t = tx.open_table(TEMP_KEYS).map_err(|e| e.to_string())?;
            match event {
                crate::auth::KeyEvent::Added(k) => {
                    let doc = serde_json::to_vec(&crate::snapshot::temp_key_to_doc(k))
                        .map_err(|e| e.to_string())?;
                    t.insert(k.secret_id.as_str(), doc.as_slice())
                        .map_err(|e| e.to_string())?;
                }
                crate::auth::KeyEvent::Cleared => {
                    t.retain(|_, _| false).map_err(|e| e.to_string())?;
                }
            }
        }
        tx.commit().map_err(|e| e.to_string())
    }

    /// Tells the clock and the key ring to write through this directory.
    pub fn watch(self: &Arc<Self>, clock: &crate::clock::ServerClock, keys: &crate::auth::KeyRing) {
        let p = self.clone();
        clock.on_change.set(move |(offset, delay)| {
            if let Err(e) = p.save_clock(*offset, *delay) {
                tracing::error!("data directory: the clock was not saved: {e}");
            }
        });
        let p = self.clone();
        keys.on_change.set(move |event| {
            if let Err(e) = p.save_key_event(event) {
                tracing::error!("data directory: a temporary key was not saved: {e}");
            }
        });
    }

    /// The store hook of one dialect.
    pub fn for_dialect(self: &Arc<Self>, dialect: Dialect) -> Arc<dyn Durable> {
        Arc::new(DialectStore {
            p: self.clone(),
            d: dialect_str(dialect),
        })
    }

    /// Writes every record of `b` (a new bucket, or an import).
    fn write_bucket(
        &self,
        tx: &redb::WriteTransaction,
        d: &'static str,
        b: &Bucket,
        cache: &mut BodyCache,
        wrote: &mut bool,
        seen: &mut HashMap<(&'static str, String), Seen>,
    ) -> Result<(), String> {
        let s = |e: &dyn std::fmt::Display| e.to_string();
        let mut head_doc = convert::head_to_doc(dialect_of(d), b);
        head_doc.objects.clear();
        let head = serde_json::to_vec(&head_doc).map_err(|e| s(&e))?;
        let completed = serde_json::to_vec(&convert::completed_to_doc(b)).map_err(|e| s(&e))?;
        tx.open_table(HEADS)
            .map_err(|e| s(&e))?
            .insert((d, b.name.as_str()), head.as_slice())
            .map_err(|e| s(&e))?;
        tx.open_table(COMPLETED)
            .map_err(|e| s(&e))?
            .insert((d, b.name.as_str()), completed.as_slice())
            .map_err(|e| s(&e))?;
        let mut keys_t = tx.open_table(KEYS).map_err(|e| s(&e))?;
        for key in b.keys_from(std::ops::Bound::Unbounded) {
            let mut ptrs = Vec::new();
            let doc = convert::key_to_doc(b, key, &mut self.sink(cache, &mut ptrs, wrote))?;
            if let Some(doc) = doc {
                let bytes = serde_json::to_vec(&doc).map_err(|e| s(&e))?;
                keys_t
                    .insert((d, b.name.as_str(), key), bytes.as_slice())
                    .map_err(|e| s(&e))?;
            }
            cache.set_record(record_id(&["k", d, &b.name, key]), ptrs);
        }
        let mut uploads_t = tx.open_table(UPLOADS).map_err(|e| s(&e))?;
        for u in b.uploads.values() {
            let mut ptrs = Vec::new();
            let doc = convert::upload_to_doc(u, &mut self.sink(cache, &mut ptrs, wrote))?;
            let bytes = serde_json::to_vec(&doc).map_err(|e| s(&e))?;
            uploads_t
                .insert(
                    (d, b.name.as_str(), u.key.as_str(), u.upload_id.as_str()),
                    bytes.as_slice(),
                )
                .map_err(|e| s(&e))?;
            cache.set_record(record_id(&["u", d, &b.name, &u.key, &u.upload_id]), ptrs);
        }
        seen.insert(
            (d, b.name.clone()),
            Seen {
                head,
                completed: completed_print(b),
            },
        );
        Ok(())
    }

    /// Removes every record of dialect `d` (bucket `only`, when given).
    fn remove_records(
        tx: &redb::WriteTransaction,
        d: &str,
        only: Option<&str>,
    ) -> Result<(), String> {
        let s = |e: &dyn std::fmt::Display| e.to_string();
        let mine = |dd: &str, name: &str| dd == d && only.is_none_or(|o| o == name);
        tx.open_table(HEADS)
            .map_err(|e| s(&e))?
            .retain(|(dd, name), _| !mine(dd, name))
            .map_err(|e| s(&e))?;
        tx.open_table(COMPLETED)
            .map_err(|e| s(&e))?
            .retain(|(dd, name), _| !mine(dd, name))
            .map_err(|e| s(&e))?;
        tx.open_table(KEYS)
            .map_err(|e| s(&e))?
            .retain(|(dd, name, _), _| !mine(dd, name))
            .map_err(|e| s(&e))?;
        tx.open_table(UPLOADS)
            .map_err(|e| s(&e))?
            .retain(|(dd, name, _, _), _| !mine(dd, name))
            .map_err(|e| s(&e))?;
        Ok(())
    }

    /// Replaces everything with a checked (imported) state, in one transaction.
    pub fn replace_all(&self, c: &Checked) -> Result<(), String> {
        let s = |e: &dyn std::fmt::Display| e.to_string();
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        // Buffers already in files stay known: an import of the export writes nothing again.
        let mut new_cache = std::mem::take(&mut *cache);
        new_cache.by_record.clear();
        for (id, s) in new_cache.segments.iter_mut() {
            s.refs = 0;
            new_cache.maybe_dead.push(*id);
        }
        let mut new_seen = HashMap::new();
        let mut wrote = false;
        let tx = self.db.begin_write().map_err(|e| s(&e))?;
        for d in ["cos", "oss"] {
            Self::remove_records(&tx, d, None)?;
        }
        for (d, list) in [("cos", &c.cos), ("oss", &c.oss)] {
            for b in list {
                self.write_bucket(&tx, d, b, &mut new_cache, &mut wrote, &mut new_seen)?;
            }
        }
        {
            let mut t = tx.open_table(TEMP_KEYS).map_err(|e| s(&e))?;
            t.retain(|_, _| false).map_err(|e| s(&e))?;
            for k in &c.keys {
                let doc =
                    serde_json::to_vec(&crate::snapshot::temp_key_to_doc(k)).map_err(|e| s(&e))?;
                t.insert(k.secret_id.as_str(), doc.as_slice())
                    .map_err(|e| s(&e))?;
            }
            let clock = serde_json::to_string(&c.clock).map_err(|e| s(&e))?;
            tx.open_table(META)
                .map_err(|e| s(&e))?
                .insert("clock", clock.as_str())
                .map_err(|e| s(&e))?;
        }
        if wrote {
            sync_dir(&self.bodies).map_err(|e| io(self.bodies.display(), e))?;
        }
        tx.commit().map_err(|e| s(&e))?;
        new_cache.forget_unnamed();
        *cache = new_cache;
        *seen = new_seen;
        Ok(())
    }
}

fn dialect_of(d: &str) -> Dialect {
    if d == "oss" {
        Dialect::Oss
    } else {
        Dialect::Cos
    }
}

/// What changes when an upload completes: how many are remembered, and the newest.
fn completed_print(b: &Bucket) -> (usize, Option<(String, String)>) {
    (
        b.completed.len(),
        b.completed
            .iter()
            .last()
            .map(|c| (c.key.clone(), c.upload_id.clone())),
    )
}

/// One dialect's store, written through the data directory.
#[derive(Debug)]
struct DialectStore {
    p: Arc<Persist>,
    d: &'static str,
}

impl Durable for DialectStore {
    fn bucket_changed(&self, b: &mut Bucket) -> Result<(), String> {
        let s = |e: &dyn std::fmt::Display| e.to_string();
        let p = &self.p;
        let d = self.d;
        let mut cache = p.cache.lock().unwrap_or_else(|e| e.into_inner());
        let mut seen = p.seen.lock().unwrap_or_else(|e| e.into_inner());
        let entry = seen.entry((d, b.name.clone())).or_default();
        let head =
            serde_json::to_vec(&convert::head_to_doc(dialect_of(d), b)).map_err(|e| s(&e))?;
        let new_head = (head != entry.head).then_some(head);
        let print = completed_print(b);
        let new_completed = if print != entry.completed {
            Some(serde_json::to_vec(&convert::completed_to_doc(b)).map_err(|e| s(&e))?)
        } else {
            None
        };
        if new_head.is_none()
            && new_completed.is_none()
            && b.changes.keys.is_empty()
            && b.changes.uploads.is_empty()
        {
            return Ok(());
        }
        let mut wrote = false;
        let mut records = Vec::new();
        let tx = p.db.begin_write().map_err(|e| s(&e))?;
        {
            let name = b.name.as_str();
            if let Some(head) = &new_head {
                tx.open_table(HEADS)
                    .map_err(|e| s(&e))?
                    .insert((d, name), head.as_slice())
                    .map_err(|e| s(&e))?;
            }
            if let Some(c) = &new_completed {
                tx.open_table(COMPLETED)
                    .map_err(|e| s(&e))?
                    .insert((d, name), c.as_slice())
                    .map_err(|e| s(&e))?;
            }
            let mut keys_t = tx.open_table(KEYS).map_err(|e| s(&e))?;
            for key in &b.changes.keys {
                let mut ptrs = Vec::new();
                let doc =
                    convert::key_to_doc(b, key, &mut p.sink(&mut cache, &mut ptrs, &mut wrote))?;
                match doc {
                    Some(doc) => {
                        let bytes = serde_json::to_vec(&doc).map_err(|e| s(&e))?;
                        keys_t
                            .insert((d, name, key.as_str()), bytes.as_slice())
                            .map_err(|e| s(&e))?;
                    }
                    None => {
                        keys_t.remove((d, name, key.as_str())).map_err(|e| s(&e))?;
                    }
                }
                records.push((record_id(&["k", d, name, key]), ptrs));
            }
            let mut uploads_t = tx.open_table(UPLOADS).map_err(|e| s(&e))?;
            for (key, id) in &b.changes.uploads {
                let mut ptrs = Vec::new();
                let slot = (key.clone(), id.clone());
                match b.uploads.get(&slot) {
                    Some(u) => {
                        let doc = convert::upload_to_doc(
                            u,
                            &mut p.sink(&mut cache, &mut ptrs, &mut wrote),
                        )?;
                        let bytes = serde_json::to_vec(&doc).map_err(|e| s(&e))?;
                        uploads_t
                            .insert((d, name, key.as_str(), id.as_str()), bytes.as_slice())
                            .map_err(|e| s(&e))?;
                    }
                    None => {
                        uploads_t
                            .remove((d, name, key.as_str(), id.as_str()))
                            .map_err(|e| s(&e))?;
                    }
                }
                records.push((record_id(&["u", d, name, key, id]), ptrs));
            }
        }
        if wrote {
            sync_dir(&p.bodies).map_err(|e| io(p.bodies.display(), e))?;
        }
        tx.commit().map_err(|e| s(&e))?;
        for (record, ptrs) in records {
            cache.set_record(record, ptrs);
        }
        cache.forget_unnamed();
        if let Some(head) = new_head {
            entry.head = head;
        }
        entry.completed = print;
        Ok(())
    }

    fn bucket_created(&self, b: &Bucket) -> Result<(), String> {
        let p = &self.p;
        let mut cache = p.cache.lock().unwrap_or_else(|e| e.into_inner());
        let mut seen = p.seen.lock().unwrap_or_else(|e| e.into_inner());
        let mut wrote = false;
        let tx = p.db.begin_write().map_err(|e| e.to_string())?;
        p.write_bucket(&tx, self.d, b, &mut cache, &mut wrote, &mut seen)?;
        if wrote {
            sync_dir(&p.bodies).map_err(|e| io(p.bodies.display(), e))?;
        }
        tx.commit().map_err(|e| e.to_string())?;
        cache.forget_unnamed();
        Ok(())
    }

    fn bucket_deleted(&self, name: &str) -> Result<(), String> {
        let p = &self.p;
        let tx = p.db.begin_write().map_err(|e| e.to_string())?;
        Persist::remove_records(&tx, self.d, Some(name))?;
        tx.commit().map_err(|e| e.to_string())?;
        let mut cache = p.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.forget_prefix(&format!("k\u{0}{}\u{0}{name}\u{0}", self.d));
        cache.forget_prefix(&format!("u\u{0}{}\u{0}{name}\u{0}", self.d));
        p.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&(self.d, name.to_string()));
        Ok(())
    }

    fn cleared(&self) -> Result<(), String> {
        let p = &self.p;
        let tx = p.db.begin_write().map_err(|e| e.to_string())?;
        Persist::remove_records(&tx, self.d, None)?;
        tx.commit().map_err(|e| e.to_string())?;
        let mut cache = p.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.forget_prefix(&format!("k\u{0}{}\u{0}", self.d));
        cache.forget_prefix(&format!("u\u{0}{}\u{0}", self.d));
        p.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(d, _), _| *d != self.d);
        Ok(())
    }
}
