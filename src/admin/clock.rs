//! `GET|POST /_cos-mock/clock`: the server clock's offset and the restore delay.

use serde_json::json;

use crate::clock::iso8601;
use crate::error::{Code, CosError};
use crate::AppState;

/// The server clock as `GET/POST /_cos-mock/clock` show it.
pub fn clock_json(state: &AppState) -> serde_json::Value {
    json!({
        "offset_seconds": state.clock.offset(),
        "now": iso8601(state.clock.now()),
        "restore_delay_seconds": state.clock.restore_delay().as_secs(),
    })
}

/// Applies `{"advance_seconds": N}`, `{"offset_seconds": N}` and/or `{"restore_delay_seconds": N}`,
/// then applies lifecycle rules at the new time. Anything else is 400 `InvalidArgument`, and
/// changes nothing.
pub fn set_clock(state: &AppState, body: &[u8]) -> Result<(), CosError> {
    let bad = |why: String| CosError::with_message(Code::InvalidArgument, why);
    let obj = super::json_object(body, "clock")?;
    if obj.is_empty() {
        return Err(bad(
            "Give advance_seconds, offset_seconds or restore_delay_seconds.".into(),
        ));
    }
    for (k, v) in &obj {
        match k.as_str() {
            "advance_seconds" | "offset_seconds" => {
                v.as_i64()
                    .ok_or_else(|| bad(format!("{k} must be an integer number of seconds.")))?;
            }
            "restore_delay_seconds" => {
                v.as_u64().ok_or_else(|| {
                    bad(format!(
                        "{k} must be a non-negative integer number of seconds."
                    ))
                })?;
            }
            other => {
                return Err(bad(format!(
                    "Unknown clock field {:?}.",
                    crate::journal::clip(other)
                )))
            }
        }
    }
    // Check every change before making any: the clock must stay between 1970 and 9999.
    let out_of_range = || bad("The clock would leave the years 1970 to 9999.".into());
    let mut offset = state.clock.offset();
    if let Some(n) = obj.get("offset_seconds").and_then(|v| v.as_i64()) {
        offset = n;
    }
    if let Some(n) = obj.get("advance_seconds").and_then(|v| v.as_i64()) {
        offset = offset.checked_add(n).ok_or_else(out_of_range)?;
    }
    if !crate::clock::offset_in_range(offset) {
        return Err(out_of_range());
    }
    state.clock.set_offset(offset);
    if let Some(n) = obj.get("restore_delay_seconds").and_then(|v| v.as_u64()) {
        state.clock.set_restore_delay(n);
    }
    crate::handlers::lifecycle::sweep_all(state, state.clock.now());
    Ok(())
}
