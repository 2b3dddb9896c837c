//! Wire dialects other than COS's own; for now the pure building blocks of Alibaba Cloud OSS.
pub mod oss;
