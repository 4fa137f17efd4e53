//! The smallest tour of avx: start a runtime, fan out a million tasks across the workers,
//! gather their results, and show how the runtime reports a panicking task.

use std::time::Instant;

fn main() -> std::io::Result<()> {
    let rt = avx_std::Runtime::new()?;
    let workers = rt.handle().num_workers();
    let started = Instant::now();
    let sum = rt.block_on(async {
        let tasks: Vec<_> = (0..1_000_000u64).map(|i| avx_std::spawn(async move { i })).collect();
        let mut sum = 0u64;
        for task in tasks {
            sum += task.await.expect("a task that cannot fail");
        }
        sum
    });
    let elapsed = started.elapsed();
    assert_eq!(sum, 999_999 * 1_000_000 / 2);
    println!("1,000,000 tasks on {workers} workers: sum {sum} in {elapsed:.2?}");

    // The panic below is deliberate; keep the default hook from printing it as if it were not.
    std::panic::set_hook(Box::new(|_| {}));
    let failure = rt.block_on(async { avx_std::spawn(async { panic!("on purpose") }).await });
    drop(std::panic::take_hook());
    match failure {
        Err(error) if error.is_panic() => println!("a panicking task becomes an error: {error}"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
