//! The passes recurse as deep as the document nests (reading it into `openapiv3`, lowering,
//! parsing and printing nested types), so they run on threads whose stack size is known
//! rather than on whatever thread calls in: a test's or a tokio worker's is 2 MiB.

/// What each pass thread gets: the deepest nesting a parsed document can hold (about 120
/// schema levels) needs about 4 MiB in a debug build and 0.9 MiB in release, the whole Letta API
/// 0.9 MiB; the rest is margin. Only the pages touched are ever committed.
pub const PASS_STACK: usize = 16 << 20;

/// Runs `work` on a thread with [`PASS_STACK`], or on the calling thread if none can be
/// started. A panic in `work` is passed on to the caller as it was.
pub fn with_pass_stack<T: Send>(work: impl Fn() -> T + Sync) -> T {
    let work = &work;
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("codegen".to_owned())
            .stack_size(PASS_STACK)
            .spawn_scoped(scope, work)
        {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => work(),
        }
    })
}
