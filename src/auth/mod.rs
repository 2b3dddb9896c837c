//! Authentication: who is calling. For now only the pure COS q-sign signature code.

pub mod cos_sign;
