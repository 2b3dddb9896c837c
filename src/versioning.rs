//! Bucket versioning: whether a bucket keeps earlier versions of its objects.

/// A bucket's versioning state. A bucket never enabled has no state; once enabled it can only be
/// suspended, never turned off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Off,
    Enabled,
    Suspended,
}
