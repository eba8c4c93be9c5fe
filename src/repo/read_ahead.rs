//! Reads a large tree's directories on a second thread while the listing works through those
//! read before: in a workspace of thousands of packages nearly all of a scan's time is the
//! kernel reading directories, one after the other. The listing still takes each directory in
//! its own order, whoever read it, so what it lists, and every warning, is the same as when
//! it reads them all itself; a small tree never starts the thread.

use crate::report::Warning;
use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, PoisonError};

/// What reading one directory gave: its entries (`None` when it could not be read) and the
/// warnings reading it raised, handed over in the listing's order.
pub struct Read<E> {
    pub entries: Option<Vec<E>>,
    pub warnings: Vec<Warning>,
}

/// Directories queued in listing order, each numbered by its place in that order: the listing
/// and the helper both take the next unclaimed one, so neither reads one twice.
pub struct ReadAhead<E> {
    state: Mutex<State<E>>,
    /// The helper waits here for a directory to be queued, or for the end.
    queued: Condvar,
    /// The listing waits here for a directory the helper claimed.
    finished: Condvar,
}

struct State<E> {
    /// Queued, not claimed yet: `(number, directory)`.
    unclaimed: VecDeque<(usize, String)>,
    /// The number the next queued directory gets.
    next_number: usize,
    /// Read by the helper, not taken by the listing yet.
    read: HashMap<usize, Read<E>>,
    helper_waits: bool,
    listing_waits: bool,
    done: bool,
}

impl<E: Send> Default for ReadAhead<E> {
    fn default() -> Self {
        ReadAhead {
            state: Mutex::new(State {
                unclaimed: VecDeque::new(),
                next_number: 0,
                read: HashMap::new(),
                helper_waits: false,
                listing_waits: false,
                done: false,
            }),
            queued: Condvar::new(),
            finished: Condvar::new(),
        }
    }
}

impl<E: Send> ReadAhead<E> {
    /// Queued directories from which a second reader pays for itself.
    pub const WORTH_A_HELPER: usize = 64;
    /// How far past the listing's next directory the helper reads.
    const AHEAD: usize = 64;

    fn lock(&self) -> std::sync::MutexGuard<'_, State<E>> {
        // A panic on either side ends the scan; the state itself is never left half-changed.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `dir`; returns the number [`take`](Self::take) asks for it by.
    pub fn queue(&self, dir: String) -> usize {
        let mut state = self.lock();
        let number = state.next_number;
        state.next_number += 1;
        state.unclaimed.push_back((number, dir));
        if state.helper_waits {
            self.queued.notify_one();
        }
        number
    }

    /// The directory numbered `number`, read by `read` here unless the helper has claimed it.
    /// Directories must be taken in the order they were queued.
    pub fn take(&self, number: usize, read: impl Fn(&str) -> Read<E>) -> Read<E> {
        let mut state = self.lock();
        if state.unclaimed.front().is_some_and(|(n, _)| *n == number) {
            let (_, dir) = state.unclaimed.pop_front().expect("the front was just seen");
            drop(state);
            return read(&dir);
        }
        loop {
            if let Some(done) = state.read.remove(&number) {
                return done;
            }
            state.listing_waits = true;
            state = self.finished.wait(state).unwrap_or_else(PoisonError::into_inner);
            state.listing_waits = false;
        }
    }

    /// The helper's work: read the next unclaimed directory until [`finish`](Self::finish).
    pub fn help(&self, read: impl Fn(&str) -> Read<E>) {
        let mut state = self.lock();
        loop {
            if state.done {
                return;
            }
            // Far enough ahead that the listing rarely waits for it, near enough that a listing
            // cut short by its entry budget leaves few directories read for nothing.
            let ahead = state.unclaimed.len().min(Self::AHEAD + 1);
            let Some((number, dir)) = ahead.checked_sub(1).and_then(|at| state.unclaimed.remove(at)) else {
                state.helper_waits = true;
                state = self.queued.wait(state).unwrap_or_else(PoisonError::into_inner);
                state.helper_waits = false;
                continue;
            };
            drop(state);
            // The listing waits for this directory: a panic here must not leave it waiting.
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&dir))).unwrap_or_else(|_| Read {
                entries: None,
                warnings: vec![Warning::new(dir.as_str(), "skipped: reading it failed")],
            });
            state = self.lock();
            state.read.insert(number, done);
            if state.listing_waits {
                self.finished.notify_one();
            }
        }
    }

    /// Ends the helper's work (also when the listing stops early or panics).
    pub fn finish(&self) {
        self.lock().done = true;
        self.queued.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_directory_is_read_once_and_taken_in_order_whoever_reads_it() {
        let ahead: ReadAhead<String> = ReadAhead::default();
        let reads = std::sync::atomic::AtomicUsize::new(0);
        let read = |dir: &str| {
            reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Read {
                entries: Some(vec![format!("{dir}/x")]),
                warnings: Vec::new(),
            }
        };
        let taken: Vec<String> = std::thread::scope(|scope| {
            let numbers: Vec<usize> = (0..500).map(|i| ahead.queue(format!("d{i}"))).collect();
            scope.spawn(|| ahead.help(read));
            let taken = numbers
                .iter()
                .map(|n| ahead.take(*n, read).entries.unwrap().remove(0))
                .collect();
            ahead.finish();
            taken
        });
        let expected: Vec<String> = (0..500).map(|i| format!("d{i}/x")).collect();
        assert_eq!(taken, expected);
        assert_eq!(reads.into_inner(), 500, "no directory is read twice");
    }

    #[test]
    fn a_helper_waiting_for_work_stops_when_the_listing_finishes() {
        let ahead: ReadAhead<String> = ReadAhead::default();
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| {
                ahead.help(|_| Read {
                    entries: None,
                    warnings: Vec::new(),
                })
            });
            std::thread::sleep(std::time::Duration::from_millis(20));
            ahead.finish();
            helper.join().unwrap();
        });
    }
}
