//! Links the program on its own on Linux: no C runtime start files (`_start` is ours), no libc
//! or libgcc, a static non-PIE executable (nothing would apply PIE relocations at start-up).

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        for arg in ["-nostartfiles", "-nostdlib", "-static", "-no-pie"] {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
