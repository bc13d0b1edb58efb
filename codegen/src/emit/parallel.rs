//! Runs independent jobs on every core and gives their results back in job order, so the
//! output never depends on the number of cores or on which job finished first.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::Result;

pub fn run<T: Send>(jobs: &[Box<dyn Fn() -> Result<T> + Sync + '_>]) -> Result<Vec<T>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<T>>>> =
        Mutex::new(std::iter::repeat_with(|| None).take(jobs.len()).collect());
    let work = || {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else { break };
            let result = job();
            if let Ok(mut slots) = results.lock() {
                slots[index] = Some(result);
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers {
            // The same stack as the thread that started them: printing nested types recurses.
            // A worker that cannot start leaves its share to the others.
            let _ = std::thread::Builder::new()
                .stack_size(crate::stack::PASS_STACK)
                .spawn_scoped(scope, work);
        }
        work();
    });
    let slots = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err(crate::Error::internal("#", "a job did not run"))))
        .collect()
}
