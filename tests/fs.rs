//! Integration tests of `avx_std::fs`: every function against a scratch directory, with std
//! as the oracle where the OS decides (permissions, errors); `ReadDir` across many batches.

use avx_std::fs::{self, DirBuilder, File, OpenOptions};
use avx_std::Runtime;
use std::collections::BTreeMap;
use std::future::Future;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system's temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("avx-fs-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = std::process::Command::new("chmod").arg("-R").arg("u+rwx").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn runtime() -> Runtime {
    Runtime::builder().worker_threads(2).build().expect("runtime builds")
}

fn run<F: Future>(f: impl FnOnce(Scratch) -> F) -> F::Output {
    runtime().block_on(f(Scratch::new()))
}

#[test]
fn write_then_read_round_trips_and_read_to_string_checks_utf8() {
    run(|dir| async move {
        let path = dir.join("a");
        fs::write(&path, b"bytes").await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"bytes");
        fs::write(&path, "Hello, World!").await.unwrap();
        assert_eq!(fs::read_to_string(&path).await.unwrap(), "Hello, World!");
        fs::write(&path, [0xff, 0xfe]).await.unwrap();
        assert_eq!(fs::read_to_string(&path).await.unwrap_err().kind(), ErrorKind::InvalidData);
    });
}

#[test]
fn a_missing_path_is_not_found_everywhere() {
    run(|dir| async move {
        let missing = dir.join("missing");
        assert_eq!(fs::read(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(fs::metadata(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(fs::remove_file(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(fs::read_dir(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(File::open(&missing).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(fs::hard_link(&missing, dir.join("link")).await.unwrap_err().kind(), ErrorKind::NotFound);
        assert!(!fs::try_exists(&missing).await.unwrap());
    });
}

#[test]
fn copy_copies_contents_and_permissions() {
    run(|dir| async move {
        let (from, to) = (dir.join("from"), dir.join("to"));
        fs::write(&from, b"Hello File!").await.unwrap();
        let file = File::open(&from).await.unwrap();
        let mut permissions = file.metadata().await.unwrap().permissions();
        permissions.set_readonly(true);
        file.set_permissions(permissions.clone()).await.unwrap();
        assert_eq!(fs::copy(&from, &to).await.unwrap(), 11);
        assert_eq!(fs::read(&to).await.unwrap(), b"Hello File!");
        assert_eq!(fs::metadata(&to).await.unwrap().permissions(), permissions);
    });
}

#[test]
fn rename_moves_and_remove_file_deletes() {
    run(|dir| async move {
        let (a, b) = (dir.join("a"), dir.join("b"));
        fs::write(&a, b"x").await.unwrap();
        fs::rename(&a, &b).await.unwrap();
        assert!(!fs::try_exists(&a).await.unwrap());
        assert!(fs::try_exists(&b).await.unwrap());
        fs::remove_file(&b).await.unwrap();
        assert!(!fs::try_exists(&b).await.unwrap());
    });
}

#[test]
fn directories_are_created_and_removed() {
    run(|dir| async move {
        let one = dir.join("one");
        fs::create_dir(&one).await.unwrap();
        assert!(one.is_dir());
        assert_eq!(fs::create_dir(&one).await.unwrap_err().kind(), ErrorKind::AlreadyExists);
        let deep = dir.join("x").join("y").join("z");
        assert_eq!(fs::create_dir(&deep).await.unwrap_err().kind(), ErrorKind::NotFound);
        fs::create_dir_all(&deep).await.unwrap();
        assert!(deep.is_dir());
        fs::write(deep.join("f"), b"f").await.unwrap();
        assert!(fs::remove_dir(dir.join("x")).await.is_err(), "not empty");
        fs::remove_dir_all(dir.join("x")).await.unwrap();
        assert!(!fs::try_exists(dir.join("x")).await.unwrap());
        fs::remove_dir(&one).await.unwrap();
        assert!(!one.exists());
    });
}

#[test]
fn dir_builder_honours_recursive_and_mode() {
    run(|dir| async move {
        let deep = dir.join("a").join("b");
        DirBuilder::new().recursive(true).create(&deep).await.unwrap();
        assert!(deep.is_dir());
        DirBuilder::new().recursive(true).create(&deep).await.expect("existing is fine when recursive");
        assert!(DirBuilder::new().create(&deep).await.is_err(), "exists");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let read_only = dir.join("ro");
            DirBuilder::new().mode(0o555).create(&read_only).await.unwrap();
            let mode = fs::metadata(&read_only).await.unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o555);
        }
    });
}

#[test]
fn read_dir_lists_every_entry_once_across_batches() {
    run(|dir| async move {
        for i in 0..100 {
            std::fs::write(dir.join(&format!("file{i:03}")), b"").unwrap();
        }
        std::fs::create_dir(dir.join("sub")).unwrap();
        let mut entries = fs::read_dir(&dir.0).await.unwrap();
        let mut seen = BTreeMap::new();
        while let Some(entry) = entries.next_entry().await.unwrap() {
            let name = entry.file_name().into_string().unwrap();
            assert_eq!(entry.path(), dir.join(&name));
            let file_type = entry.file_type().await.unwrap();
            assert_eq!(file_type.is_dir(), entry.metadata().await.unwrap().is_dir());
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                assert_eq!(entry.ino(), std::fs::metadata(entry.path()).unwrap().ino());
            }
            assert!(seen.insert(name, file_type.is_dir()).is_none(), "listed twice");
        }
        assert_eq!(seen.len(), 101);
        assert_eq!(seen.get("sub"), Some(&true));
        assert_eq!(seen.get("file042"), Some(&false));
        assert!(entries.next_entry().await.unwrap().is_none(), "stays at the end");
    });
}

#[test]
fn metadata_links_and_canonical_paths() {
    run(|dir| async move {
        let (src, hard) = (dir.join("src"), dir.join("hard"));
        fs::write(&src, b"hello").await.unwrap();
        fs::hard_link(&src, &hard).await.unwrap();
        fs::write(&src, b"new-data").await.unwrap();
        assert_eq!(fs::read(&hard).await.unwrap(), b"new-data");
        assert!(fs::read_link(&hard).await.is_err(), "a hard link is not a symbolic link");
        assert_eq!(fs::hard_link(&src, &hard).await.unwrap_err().kind(), ErrorKind::AlreadyExists);
        assert_eq!(fs::metadata(&src).await.unwrap().len(), 8);
        #[cfg(unix)]
        {
            let soft = dir.join("soft");
            fs::symlink(&src, &soft).await.unwrap();
            assert_eq!(fs::read_link(&soft).await.unwrap(), src);
            assert!(fs::symlink_metadata(&soft).await.unwrap().file_type().is_symlink());
            assert!(fs::metadata(&soft).await.unwrap().is_file(), "followed");
            assert_eq!(fs::canonicalize(&soft).await.unwrap(), std::fs::canonicalize(&src).unwrap());
            assert_eq!(fs::canonicalize("/.").await.unwrap(), Path::new("/"));
        }
    });
}

#[cfg(unix)]
#[test]
fn permissions_and_try_exists_follow_what_the_os_says() {
    use std::os::unix::fs::PermissionsExt;
    run(|dir| async move {
        let locked = dir.join("locked");
        fs::create_dir(&locked).await.unwrap();
        let inside = locked.join("file");
        fs::write(&inside, b"x").await.unwrap();
        fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o244)).await.unwrap();
        assert_eq!(std::fs::metadata(&locked).unwrap().permissions().mode() & 0o777, 0o244);
        // Denied for ordinary users, allowed for root: whatever std finds, avx must find.
        let ours = fs::try_exists(&inside).await.map_err(|e| e.kind());
        assert_eq!(ours, inside.try_exists().map_err(|e| e.kind()));
    });
}

#[test]
fn open_options_open_create_and_refuse_as_asked() {
    run(|dir| async move {
        let path = dir.join("f");
        assert_eq!(OpenOptions::new().read(true).open(&path).await.unwrap_err().kind(), ErrorKind::NotFound);
        OpenOptions::new().write(true).create_new(true).open(&path).await.unwrap();
        let again = OpenOptions::new().write(true).create_new(true).open(&path).await.unwrap_err();
        assert_eq!(again.kind(), ErrorKind::AlreadyExists);
        assert_eq!(File::create_new(&path).await.unwrap_err().kind(), ErrorKind::AlreadyExists);
        let debug = format!("{:?}", OpenOptions::new().write(true).append(true).truncate(true).create(true));
        for field in ["write: true", "append: true", "truncate: true", "create: true"] {
            assert!(debug.contains(field), "{debug}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let private = dir.join("private");
            File::options().write(true).create(true).mode(0o600).open(&private).await.unwrap();
            assert_eq!(std::fs::metadata(&private).unwrap().permissions().mode() & 0o777, 0o600);
            let link = dir.join("link");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            const O_NOFOLLOW: i32 = if cfg!(target_os = "linux") { 0o400000 } else { 0x100 };
            use std::os::unix::fs::OpenOptionsExt;
            let refused = OpenOptions::new().read(true).custom_flags(O_NOFOLLOW).open(&link).await.unwrap_err();
            let by_std = std::fs::OpenOptions::new().read(true).custom_flags(O_NOFOLLOW).open(&link).unwrap_err();
            assert_eq!(refused.raw_os_error(), by_std.raw_os_error(), "ELOOP: the link is not followed");
        }
    });
}

#[test]
fn a_directory_opened_for_writing_gives_the_os_error() {
    run(|dir| async move {
        let error = File::create(&dir.0).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::IsADirectory);
    });
}

#[test]
fn file_length_sync_clone_and_std_conversion() {
    run(|dir| async move {
        let path = dir.join("f");
        let file = File::create(&path).await.unwrap();
        file.set_len(4096).await.unwrap();
        assert_eq!(file.metadata().await.unwrap().len(), 4096);
        file.sync_all().await.unwrap();
        file.sync_data().await.unwrap();
        let clone = file.try_clone().await.unwrap();
        clone.set_len(10).await.unwrap();
        assert_eq!(file.metadata().await.unwrap().len(), 10, "one open file, two handles");
        let std = file.into_std().await;
        assert_eq!(std.metadata().unwrap().len(), 10);
        let file = File::from_std(std);
        let std = file.try_into_std().expect("no operation in flight");
        drop(std);
        assert_eq!(File::open(&path).await.unwrap().metadata().await.unwrap().len(), 10);
    });
}

#[test]
fn after_its_runtime_shut_down_operations_fail_instead_of_hanging() {
    let scratch = Scratch::new();
    let path = scratch.join("f");
    std::fs::write(&path, b"x").unwrap();
    // A runtime that is gone: its blocking pool takes no more work.
    let runtime = Runtime::builder().current_thread().build().unwrap();
    let handle = runtime.handle().clone();
    drop(runtime);
    let error = handle.block_on(fs::read(&path)).unwrap_err();
    assert!(error.to_string().contains("blocking pool"), "{error}");
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn outside_a_runtime_a_file_operation_panics_as_tokio_does() {
    let scratch = Scratch::new();
    // Polled by hand: the first poll already answers.
    let mut read = std::pin::pin!(fs::read(scratch.join("f")));
    let _ = read.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
}
