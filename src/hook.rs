//! A callback set once and called on every change of a value it watches: how the leaves (the
//! clock, the key ring) tell the data directory (`crate::persist`) about changes without
//! importing it. Unset, a call costs one atomic load.

use std::sync::OnceLock;

type Callback<A> = Box<dyn Fn(&A) + Send + Sync>;

/// The callback, if any.
pub struct Hook<A>(OnceLock<Callback<A>>);

impl<A> Hook<A> {
    /// Sets the callback; a second call is ignored (`false`).
    pub fn set(&self, f: impl Fn(&A) + Send + Sync + 'static) -> bool {
        self.0.set(Box::new(f)).is_ok()
    }

    pub fn call(&self, a: &A) {
        if let Some(f) = self.0.get() {
            f(a)
        }
    }
}

impl<A> Default for Hook<A> {
    fn default() -> Self {
        Hook(OnceLock::new())
    }
}

impl<A> std::fmt::Debug for Hook<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Hook(set)"
        } else {
            "Hook(unset)"
        })
    }
}
