//! `x-cos-forbid-overwrite` on PUT Object, PUT Object - Copy and Complete Multipart Upload: a write
//! that must not replace an existing key. The check runs inside `Store::put_object_if`, under the
//! bucket's lock, so of two racing writers only one can succeed.

use super::Ctx;
use crate::error::{Code, CosError};
use crate::object::Object;
use crate::versioning::Status;

/// Whether the request forbids overwriting. Only `true` (any case) forbids: COS documents `true` and
/// `false` (the default), and cos-mock reads any other value as `false`. COS ignores the header in a
/// bucket where versioning was ever enabled (Enabled or Suspended): an overwrite there keeps the
/// earlier version.
pub fn forbidden(ctx: &Ctx) -> Result<bool, CosError> {
    let name = format!("{}forbid-overwrite", ctx.req.dialect.header_prefix());
    let asked = ctx
        .req
        .header(&name)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if !asked {
        return Ok(false);
    }
    let versioning = ctx.store().with_bucket(ctx.bucket()?, |b| b.versioning)?;
    Ok(versioning == Status::Off)
}

/// The check `Store::put_object_if` runs: 409 `FileAlreadyExists` when `forbid` and the key exists.
pub fn check(forbid: bool, current: Option<&Object>) -> Result<(), CosError> {
    if forbid && current.is_some() {
        return Err(CosError::new(Code::FileAlreadyExists));
    }
    Ok(())
}

/// Stores `object` at the request's bucket and `key`, refusing when the request forbids overwriting
/// an existing key. Returns the new version's id.
pub fn put(ctx: &Ctx, key: &str, object: Object) -> Result<String, CosError> {
    let forbid = forbidden(ctx)?;
    ctx.store().put_object_if(ctx.bucket()?, key, |current| {
        check(forbid, current)?;
        Ok(object)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_refuses_only_an_existing_key_when_forbidden() {
        let o = Object::sample();
        assert!(check(false, Some(&o)).is_ok());
        assert!(check(true, None).is_ok());
        assert_eq!(
            check(true, Some(&o)).unwrap_err().code,
            Code::FileAlreadyExists
        );
    }
}
