//! cos-mock: a local server that speaks Tencent Cloud COS's (and Alibaba Cloud OSS's) XML API for
//! integration tests.
//!
//! The request path reads top to bottom in `dispatch`: read the head → `request` addresses it
//! (dialect, bucket, key, region) → `router` names the route (admin, STS, or an `Op`) → `auth` decides
//! who is calling, from the head → `access` decides whether the caller may (a pure decision over
//! gathered facts) → `body` reads the body, bounded by the operation's limit → `checksum` verifies
//! Content-MD5 → `handlers` act on the in-memory `store` → `response` renders. `server` runs it over
//! HTTP/1.1, under `transport`'s timeouts and connection cap; `admin` and `journal` serve the
//! `/_cos-mock/*` endpoints.
//!
//! **Dialects.** The address step says which protocol a request speaks (`dialect::Dialect`). A dialect
//! brings only what differs — its hosts (`dialect::oss::hosts`), its signatures (`auth::cos_sign`;
//! `dialect::oss::sign_v1`/`sign_v4` through `auth::oss`), its routing and action names
//! (`dialect::oss::route`, `Op::oss_action`), its policy grammar (`policy`; `dialect::oss::policy`
//! and `eval`), its access rules (`access::decide`; `access::oss`) and its renderer (`response`;
//! `dialect::oss::render`) — and shares the store, the handlers (`object` speaks `x-cos-*` or
//! `x-oss-*` by the dialect's header prefix), the journal and the request path. A third dialect
//! (S3 on COS hosts) is one more variant matched at those places.
//!
//! Below the handlers, and never importing them: the `store` (buckets, with `object`, `uploads` and
//! the one `paginate`r), the rules over stored values (`lifecycle`, `restore`, `cors`, `acl`,
//! `policy`, `bucket_config`), and the leaves everyone uses: `clock` (all dates, on the `time` crate), `checksum`,
//! `xml`, `error`.

pub(crate) mod access;
pub(crate) mod acl;
pub(crate) mod admin;
pub mod auth;
pub(crate) mod body;
pub(crate) mod bucket_config;
pub mod checksum;
pub(crate) mod clock;
pub mod config;
pub(crate) mod cors;
pub(crate) mod data;
pub mod dialect;
pub(crate) mod dispatch;
pub mod error;
pub mod form;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod handlers;
pub(crate) mod hook;
pub(crate) mod journal;
pub(crate) mod json;
pub(crate) mod lifecycle;
pub mod log_sink;
pub mod logging;
pub(crate) mod object;
pub(crate) mod paginate;
pub(crate) mod persist;
pub mod policy;
pub mod request;
pub(crate) mod response;
pub(crate) mod restore;
pub(crate) mod router;
pub(crate) mod seed;
pub mod server;
pub mod snapshot;
pub(crate) mod sse;
pub mod store;
pub(crate) mod sts;
pub(crate) mod tagging;
pub mod tls;
pub(crate) mod traffic;
pub mod transport;
pub(crate) mod uploads;
pub(crate) mod versioning;
pub(crate) mod wire;
pub(crate) mod xml;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use server::serve;

use crate::auth::KeyRing;
use crate::clock::ServerClock;
use crate::config::Config;
use crate::journal::Journal;
use crate::store::{Bucket, Store};

/// Everything a request may read: configuration, keys, state and the journal. Cheap to share.
#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub keys: KeyRing,
    /// COS buckets.
    pub store: Store,
    /// OSS buckets: a world of their own, reached only through the OSS dialect.
    pub oss_store: Store,
    pub journal: Journal,
    /// "Now" for object times and expiry; tests move it with `POST /_cos-mock/clock`.
    pub clock: ServerClock,
    seq: AtomicU64,
    /// Handler panics caught by dispatch's last net since start (not cleared by reset).
    panics: AtomicU64,
    /// The data directory (`--data-dir`), if any: the stores, clock and keys write through it.
    pub(crate) persist: Option<Arc<persist::Persist>>,
}

impl AppState {
    /// Builds the state and creates the configured buckets.
    pub fn new(config: Config) -> Result<Arc<AppState>, String> {
        let keys = KeyRing::from_config(&config)?;
        let (persist, loaded) = match &config.data_dir {
            None => (None, None),
            Some(dir) => match persist::open(dir, &config, &keys)? {
                persist::Opened::Fresh(p) => (Some(p), None),
                persist::Opened::Loaded(p, state) => (Some(p), Some(state)),
            },
        };
        let store_of = |d| match &persist {
            Some(p) => Store::with_durable(p.for_dialect(d)),
            None => Store::new(),
        };
        let state = AppState {
            keys,
            store: store_of(dialect::Dialect::Cos),
            oss_store: store_of(dialect::Dialect::Oss),
            journal: Journal::new(config.journal_size),
            clock: ServerClock::new(),
            seq: AtomicU64::new(0),
            panics: AtomicU64::new(0),
            persist,
            config,
        };
        if let Some(p) = &state.persist {
            p.watch(&state.clock, &state.keys);
        }
        match loaded {
            // A data directory's state: the config's accounts, the directory's buckets.
            Some(loaded) => snapshot::adopt(&state, *loaded),
            None => state.seed()?,
        }
        Ok(Arc::new(state))
    }

    /// Back to what the config file (or the defaults) created.
    pub fn reset(&self) -> Result<(), String> {
        self.store.clear().map_err(|e| e.message)?;
        self.oss_store.clear().map_err(|e| e.message)?;
        self.journal.clear();
        self.keys.clear_temporary();
        self.clock.reset();
        self.seed()
    }

    fn seed(&self) -> Result<(), String> {
        for (i, seed) in self.config.buckets.iter().enumerate() {
            let appid = store::appid_of(&seed.name).unwrap_or_default();
            let owner = self
                .config
                .accounts
                .iter()
                .find(|a| a.appid == appid)
                .ok_or_else(|| format!("buckets[{i}].name: no account has APPID {appid}"))?;
            let region = seed.region.as_deref().unwrap_or(&self.config.region);
            let mut bucket = Bucket::new(&seed.name, &owner.uin, region);
            if let Some(acl) = &seed.acl {
                let canned =
                    acl::Canned::parse(acl::ResourceKind::Bucket, acl).map_err(|e| e.message)?;
                bucket.acl = acl::Acl::from_canned(&owner.uin, canned).into();
            }
            if let Some(doc) = &seed.policy {
                let parsed = policy::parse_value(doc, policy::PolicyKind::Bucket)
                    .map_err(|e| e.to_string())?;
                bucket.policy = Some(Arc::new(store::StoredPolicy {
                    text: doc.to_string(),
                    parsed,
                }));
            }
            let default_acl = bucket.default_object_acl.clone();
            self.store
                .create_bucket(bucket)
                .map_err(|e| format!("buckets[{i}]: {e}"))?;
            let at = format!("buckets[{i}]");
            self.seed_objects(
                dialect::Dialect::Cos,
                &seed.name,
                &seed.objects,
                &owner.uin,
                &default_acl,
                &at,
            )?;
        }
        self.seed_oss()
    }

    /// Creates the `oss.buckets` of the config.
    fn seed_oss(&self) -> Result<(), String> {
        let oss = &self.config.oss;
        for (i, seed) in oss.buckets.iter().enumerate() {
            let at = format!("oss.buckets[{i}]");
            let mut bucket = Bucket::new(&seed.name, &seed.owner, &oss.region);
            let canned = seed.acl.as_deref().unwrap_or("private");
            let canned = acl::Canned::parse(acl::ResourceKind::Bucket, canned)
                .map_err(|e| format!("{at}.acl: {}", e.message))?;
            bucket.acl = acl::Acl::from_canned(&seed.owner, canned).into();
            if let Some(doc) = &seed.policy {
                let parsed = dialect::oss::policy::parse_value(
                    doc,
                    dialect::oss::policy::PolicyKind::Bucket,
                )
                .map_err(|e| format!("{at}.policy: {e}"))?;
                bucket.oss_policy = Some(Arc::new(store::OssStoredPolicy {
                    text: doc.to_string(),
                    parsed,
                }));
            }
            let default_acl = bucket.default_object_acl.clone();
            self.oss_store
                .create_bucket(bucket)
                .map_err(|e| format!("{at}: {e}"))?;
            let objects = &seed.objects;
            self.seed_objects(
                dialect::Dialect::Oss,
                &seed.name,
                objects,
                &seed.owner,
                &default_acl,
                &at,
            )?;
        }
        Ok(())
    }

    /// Puts a configured bucket's seeded objects into it (`at` is the bucket's JSON path).
    fn seed_objects(
        &self,
        dialect: dialect::Dialect,
        bucket: &str,
        seeds: &[config::ObjectSeed],
        owner: &str,
        default_acl: &Arc<acl::Acl>,
        at: &str,
    ) -> Result<(), String> {
        let store = self.store_of(dialect);
        let now = self.clock.now();
        for (j, seed) in seeds.iter().enumerate() {
            let at = format!("{at}.objects[{j}]");
            let object = seed::build(seed, dialect, owner, default_acl, now, &at)?;
            store
                .put_object(bucket, &seed.key, object)
                .map_err(|e| format!("{at}: {e}"))?;
        }
        Ok(())
    }

    /// The store of a dialect.
    pub fn store_of(&self, dialect: dialect::Dialect) -> &Store {
        match dialect {
            dialect::Dialect::Cos => &self.store,
            dialect::Dialect::Oss => &self.oss_store,
        }
    }

    /// A fresh request sequence number (request ids are made from it in each dialect's shape).
    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    /// Counts a caught handler panic; returns how many there have been, this one included.
    pub fn count_panic(&self) -> u64 {
        self.panics.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// How many handler panics were caught since start (`GET /_cos-mock/state` shows it).
    pub fn panics(&self) -> u64 {
        self.panics.load(Ordering::Relaxed)
    }
}
