//! Work over the many items of a large workspace (its manifests, its projects) shared by two
//! threads: the second reads through a [fork](RepoIndex::fork) of the index, which the first
//! then absorbs. Items are dealt alternately and each thread takes its own in order, so every
//! run reads and returns the same; a repository of a few projects stays on one thread.

use super::index::RepoIndex;
use std::sync::{Mutex, PoisonError};

/// Items from which a second thread takes half: below this, starting it costs more than it saves.
pub const FROM: usize = 64;

/// `work` applied to every item, in the items' order, on two threads when there are [`FROM`] or
/// more.
pub fn map<T: Send, R: Send>(index: &RepoIndex, items: Vec<T>, work: impl Fn(&RepoIndex, T) -> R + Sync) -> Vec<R> {
    if items.len() < FROM {
        return items.into_iter().map(|item| work(index, item)).collect();
    }
    let (mine, theirs): (Vec<_>, Vec<_>) = items.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let each = |index: &RepoIndex, items: Vec<(usize, T)>| -> Vec<(usize, R)> {
        items.into_iter().map(|(i, item)| (i, work(index, item))).collect()
    };
    // Handed over through a lock, so that without a second thread (the system's limit reached)
    // they are taken back and done here.
    let handoff = Mutex::new(Some((index.fork(), theirs)));
    let take = || handoff.lock().unwrap_or_else(PoisonError::into_inner).take();
    let (mut done, other) = std::thread::scope(|scope| {
        let helper = std::thread::Builder::new().spawn_scoped(scope, || {
            take().map(|(fork, theirs)| {
                let done = each(&fork, theirs);
                (fork, done)
            })
        });
        let done = each(index, mine);
        let other = match helper {
            Ok(helper) => helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => take().map(|(fork, theirs)| {
                let done = each(&fork, theirs);
                (fork, done)
            }),
        };
        (done, other)
    });
    if let Some((fork, theirs)) = other {
        index.absorb(fork);
        done.extend(theirs);
    }
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_items_come_back_in_order_and_the_forks_reads_are_absorbed() {
        let files: Vec<(String, String)> = (0..2 * FROM)
            .map(|i| (format!("p{i:03}/package.json"), format!("{{\"name\": \"p{i}\"}}")))
            .collect();
        let pairs: Vec<(&str, &str)> = files.iter().map(|(f, t)| (f.as_str(), t.as_str())).collect();
        let (_dir, index) = crate::repo::index::test_index(&pairs);
        let names: Vec<String> = (0..2 * FROM).map(|i| format!("p{i:03}/package.json")).collect();
        let threads = Mutex::new(std::collections::HashSet::new());
        let texts = map(&index, names.clone(), |index, name| {
            threads.lock().unwrap().insert(std::thread::current().id());
            index.read(&name).map(|t| t.to_string())
        });
        let expected: Vec<Option<String>> = (0..2 * FROM).map(|i| Some(format!("{{\"name\": \"p{i}\"}}"))).collect();
        assert_eq!(texts, expected);
        assert_eq!(threads.into_inner().unwrap().len(), 2, "two threads shared the work");
        // What the fork read is cached here now, as if read here.
        assert!(index.cached(&names[1]), "the fork's text came back");
    }
}
