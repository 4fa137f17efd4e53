//! The macros through a renamed avx-std (`rt = { package = "avx-std" }`): the attributes find
//! `::rt` from this package's Cargo.toml; `select!`/`join!` name their helpers by `$crate`.

use rt::runtime::Handle;

#[rt::test]
async fn test_attribute_finds_the_renamed_crate() {
    assert_eq!(Handle::current().num_workers(), 1);
    assert_eq!(rt::spawn(async { 1 }).await.unwrap(), 1);
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_work_under_the_rename() {
    assert_eq!(Handle::current().num_workers(), 2);
}

#[rt::main]
async fn compute() -> usize {
    rt::spawn(async { 41 }).await.unwrap() + 1
}

#[test]
fn main_attribute_finds_the_renamed_crate() {
    assert_eq!(compute(), 42);
}

#[rt::test]
async fn select_and_join_under_the_rename() {
    let (a, b) = rt::join!(async { 1 }, async { 2 });
    let picked = rt::select! {
        biased;
        x = async { a + b } => x,
        _ = std::future::pending::<()>() => 0,
    };
    assert_eq!(picked, 3);
    assert_eq!(rt::try_join!(async { Ok::<_, ()>(picked) }), Ok((3,)));
}
