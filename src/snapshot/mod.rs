//! One serializable model of the whole state (`model`), used twice: the `GET
//! /_cos-mock/state/export` / `POST /_cos-mock/state/import` document, and the records of a data
//! directory (`crate::persist`). `convert` goes between it and the store, checking documents with
//! the API's own validators.
//!
//! Import replaces the whole state: the document is parsed and every value checked first (a bad
//! one is 400 `InvalidArgument` naming its JSON path, and nothing changes); with a data directory
//! the new state is written there in one transaction before it is served.

pub mod convert;
pub mod model;

use std::sync::Arc;

use base64::Engine;

use crate::auth::TempKey;
use crate::data::Data;
use crate::dialect::Dialect;
use crate::error::{Code, CosError};
use crate::store::Bucket;
use crate::AppState;
use convert::{err, BodyIn, Check, DocError};
use model::*;

/// The largest `POST /_cos-mock/state/import` body: 1 GiB (bodies inline as base64 count; give
/// large bodies as `body_path` instead).
pub const MAX_IMPORT_BYTES: u64 = 1 << 30;

/// The whole state as a document.
pub fn export(state: &AppState) -> Result<Document, CosError> {
    let mut buckets = Vec::new();
    for (dialect, store) in [
        (Dialect::Cos, &state.store),
        (Dialect::Oss, &state.oss_store),
    ] {
        for b in store.buckets() {
            let doc = convert::bucket_to_doc(dialect, &b, &mut convert::inline)
                .map_err(|e| CosError::with_message(Code::InternalError, e))?;
            buckets.push(doc);
        }
    }
    Ok(Document {
        format: FORMAT.into(),
        version: VERSION,
        clock: ClockDoc {
            offset_seconds: state.clock.offset(),
            restore_delay_seconds: state.clock.restore_delay().as_secs(),
        },
        temporary_keys: state
            .keys
            .temporaries()
            .iter()
            .map(|k| temp_key_to_doc(k))
            .collect(),
        buckets,
    })
}

pub fn temp_key_to_doc(k: &TempKey) -> TempKeyDoc {
    TempKeyDoc {
        secret_id: k.secret_id.clone(),
        secret_key: k.secret_key.clone(),
        token: k.token.clone(),
        expires: k.expires,
        parent: k.parent.label(),
        policy: k.policy_text.clone(),
    }
}

/// A temporary key of a document, its parent a configured identity and its policy valid.
pub fn temp_key_from_doc(
    d: &TempKeyDoc,
    at: &str,
    keys: &crate::auth::KeyRing,
) -> Result<TempKey, DocError> {
    let field = |f: &str| format!("{at}.{f}");
    for (name, v) in [
        ("secret_id", &d.secret_id),
        ("secret_key", &d.secret_key),
        ("token", &d.token),
    ] {
        if v.is_empty() || v.len() > 1024 || !v.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(err(&field(name), "1 to 1024 visible ASCII characters"));
        }
    }
    let parent = keys.identity(&d.parent).ok_or_else(|| {
        err(
            &field("parent"),
            format!("{:?} is no configured COS identity", d.parent),
        )
    })?;
    let policy = match &d.policy {
        Some(text) => Some(
            crate::policy::parse(
                text.as_bytes(),
                crate::policy::PolicyKind::Session,
                &crate::policy::Limits::cam(),
            )
            .map_err(|e| err(&field("policy"), e.message))?,
        ),
        None => None,
    };
    Ok(TempKey {
        secret_id: d.secret_id.clone(),
        secret_key: d.secret_key.clone(),
        token: d.token.clone(),
        expires: d.expires,
        parent,
        policy,
        policy_text: d.policy.clone(),
    })
}

/// A checked document, ready to replace the state.
pub struct Checked {
    pub clock: ClockDoc,
    pub keys: Vec<Arc<TempKey>>,
    pub cos: Vec<Bucket>,
    pub oss: Vec<Bucket>,
}

/// Parses an import body: JSON errors name their path; the format and version are checked before
/// anything else.
pub fn parse(body: &[u8]) -> Result<Document, DocError> {
    #[derive(serde::Deserialize)]
    struct Head {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    if let Ok(head) = serde_json::from_slice::<Head>(body) {
        if head.format.as_ref().and_then(|v| v.as_str()) != Some(FORMAT) {
            return Err(err("$.format", format!("must be {FORMAT:?}")));
        }
        if head.version.as_ref().and_then(|v| v.as_u64()) != Some(u64::from(VERSION)) {
            return Err(err(
                "$.version",
                format!("this cos-mock reads version {VERSION}"),
            ));
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let doc: Document = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        err(
            &if path == "." {
                "$".into()
            } else {
                format!("$.{path}")
            },
            e.into_inner(),
        )
    })?;
    Ok(doc)
}

/// Checks a whole document; `body` reads the bodies it names.
pub fn check(
    doc: &Document,
    state: &AppState,
    body: &convert::Source,
) -> Result<Checked, DocError> {
    if doc.format != FORMAT {
        return Err(err("$.format", format!("must be {FORMAT:?}")));
    }
    if doc.version != VERSION {
        return Err(err(
            "$.version",
            format!("this cos-mock reads version {VERSION}"),
        ));
    }
    if !crate::clock::offset_in_range(doc.clock.offset_seconds) {
        return Err(err(
            "$.clock.offset_seconds",
            "the clock would leave the years 1970 to 9999",
        ));
    }
    if doc.clock.restore_delay_seconds > 100 * 365 * 86_400 {
        return Err(err("$.clock.restore_delay_seconds", "at most 100 years"));
    }
    let mut keys: Vec<Arc<TempKey>> = Vec::new();
    for (i, k) in doc.temporary_keys.iter().enumerate() {
        let at = format!("$.temporary_keys[{i}]");
        let key = temp_key_from_doc(k, &at, &state.keys)?;
        if keys.iter().any(|o| o.secret_id == key.secret_id) {
            return Err(err(&format!("{at}.secret_id"), "given twice"));
        }
        keys.push(Arc::new(key));
    }
    let cx = Check {
        config: &state.config,
        body,
    };
    let (mut cos, mut oss) = (Vec::<Bucket>::new(), Vec::<Bucket>::new());
    for (i, d) in doc.buckets.iter().enumerate() {
        let at = format!("$.buckets[{i}]");
        let (dialect, mut b) = convert::head_from_doc(d, &at, &cx)?;
        let same = match dialect {
            Dialect::Cos => &cos,
            Dialect::Oss => &oss,
        };
        if same.iter().any(|o| o.name == b.name) {
            return Err(err(
                &format!("{at}.name"),
                format!("bucket {:?} is given twice", b.name),
            ));
        }
        if dialect == Dialect::Cos
            && same.iter().filter(|o| o.owner_uin == b.owner_uin).count()
                >= crate::store::MAX_BUCKETS_PER_ACCOUNT
        {
            return Err(err(
                &format!("{at}.owner"),
                format!(
                    "an account owns at most {} buckets",
                    crate::store::MAX_BUCKETS_PER_ACCOUNT
                ),
            ));
        }
        convert::completed_from_doc(
            &mut b,
            &d.completed_uploads,
            &format!("{at}.completed_uploads"),
        )?;
        for (j, k) in d.objects.iter().enumerate() {
            convert::key_from_doc(&mut b, k, &format!("{at}.objects[{j}]"), &cx)?;
        }
        for (j, u) in d.uploads.iter().enumerate() {
            convert::upload_from_doc(&mut b, u, &format!("{at}.uploads[{j}]"), &cx)?;
        }
        match dialect {
            Dialect::Cos => cos.push(b),
            Dialect::Oss => oss.push(b),
        }
    }
    Ok(Checked {
        clock: doc.clock,
        keys,
        cos,
        oss,
    })
}

/// The bodies of an import: `body_base64`, or `body_path`, a file under `import_dir`
/// (`--import-dir`), exactly one.
pub fn import_body(
    b: &BodyIn,
    at: &str,
    import_dir: Option<&std::path::Path>,
) -> Result<Data, DocError> {
    match (b.base64, b.path, b.files) {
        (_, _, Some(_)) => Err(err(
            &format!("{at}.body_files"),
            "body_files names files of a data directory; give body_base64 or body_path",
        )),
        (Some(text), None, None) => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(|v| Data::joined([bytes::Bytes::from(v)]))
            .map_err(|e| err(&format!("{at}.body_base64"), format!("not base64: {e}"))),
        (None, Some(path), None) => read_import_file(path, import_dir)
            .map(|v| Data::joined([bytes::Bytes::from(v)]))
            .map_err(|e| err(&format!("{at}.body_path"), e)),
        _ => Err(err(at, "give exactly one of body_base64 and body_path")),
    }
}

/// The largest file a `body_path` may name: the largest object.
const MAX_BODY_FILE: u64 = 5 << 30;

/// Reads the file `path` names, relative to `import_dir`: the admin API is unsigned, so an import
/// may read only what the operator put there. `..`, absolute paths and links leading out of it,
/// anything but a regular file, and a file over [`MAX_BODY_FILE`] are refused; without
/// `--import-dir`, every `body_path` is.
fn read_import_file(path: &str, import_dir: Option<&std::path::Path>) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let Some(dir) = import_dir else {
        return Err(
            "body_path is read only from the directory --import-dir names, and none was given"
                .into(),
        );
    };
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("--import-dir {}: {e}", dir.display()))?;
    let file = dir
        .join(path)
        .canonicalize()
        .map_err(|e| format!("{path}: {e}"))?;
    if !file.starts_with(&dir) {
        return Err(format!("{path} is outside --import-dir"));
    }
    let opened = std::fs::File::open(&file).map_err(|e| format!("{path}: {e}"))?;
    let meta = opened.metadata().map_err(|e| format!("{path}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{path} is not a regular file"));
    }
    if meta.len() > MAX_BODY_FILE {
        return Err(format!("{path} is larger than 5 GiB"));
    }
    let mut body = Vec::with_capacity(meta.len() as usize);
    // Bounded even if the file grows while it is read.
    opened
        .take(MAX_BODY_FILE + 1)
        .read_to_end(&mut body)
        .map_err(|e| format!("{path}: {e}"))?;
    if body.len() as u64 > MAX_BODY_FILE {
        return Err(format!("{path} is larger than 5 GiB"));
    }
    Ok(body)
}

/// `POST /_cos-mock/state/import`: checks the document, then replaces the whole state (and the
/// data directory's, in one transaction).
pub fn import(state: &AppState, body: &[u8]) -> Result<(), CosError> {
    let bad = |e: DocError| {
        CosError::with_message(
            Code::InvalidArgument,
            format!("The state document is not valid at {}: {}.", e.at, e.why),
        )
    };
    let doc = parse(body).map_err(bad)?;
    let import_dir = state.config.import_dir.as_deref();
    let checked = check(&doc, state, &|b, at| import_body(b, at, import_dir)).map_err(bad)?;
    install(state, checked)
}

/// Makes a checked state the server's: written to the data directory first, if there is one.
pub fn install(state: &AppState, c: Checked) -> Result<(), CosError> {
    if let Some(p) = &state.persist {
        p.replace_all(&c).map_err(|e| {
            CosError::with_message(
                Code::InternalError,
                format!("The data directory could not be written: {e}"),
            )
        })?;
    }
    adopt(state, c);
    Ok(())
}

/// Makes a checked state the one in memory (a data directory's at start, or an import's after
/// it is written).
pub(crate) fn adopt(state: &AppState, c: Checked) {
    state.store.replace_all(c.cos);
    state.oss_store.replace_all(c.oss);
    state.keys.replace_temporaries(c.keys);
    state
        .clock
        .restore(c.clock.offset_seconds, c.clock.restore_delay_seconds);
}
