//! avx-std: the avx async runtime for ordinary applications.
//! `Runtime`, `spawn`, `block_on`, tasks, and (in later modules) net, time, sync, fs and signals.
#![warn(missing_docs)]
