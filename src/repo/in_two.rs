//! Work over the many items of a large workspace (its manifests, its projects) shared by two
//! threads, each reading through its own [fork](RepoIndex::fork) of the index, which the index
//! then absorbs. Items are dealt alternately and each thread takes its own in order, so every
//! run reads and returns the same. Each fork may read half of the read budget left; when either
//! reaches it, the work is done again by the index alone, so the result is the one a single
//! reader gives. A repository of a few projects stays on one thread.

use super::index::RepoIndex;

/// Items from which a second thread takes half: below this, starting it costs more than it saves.
pub const FROM: usize = 64;

/// `work` applied to every item, in the items' order, on two threads when there are [`FROM`] or
/// more.
pub fn map<T: Clone + Sync, R: Send>(
    index: &RepoIndex,
    items: Vec<T>,
    work: impl Fn(&RepoIndex, T) -> R + Sync,
) -> Vec<R> {
    if items.len() < FROM {
        return items.into_iter().map(|item| work(index, item)).collect();
    }
    let each = |reader: &RepoIndex, parity: usize| -> Vec<R> {
        let mine = items.iter().skip(parity).step_by(2);
        mine.map(|item| work(reader, item.clone())).collect()
    };
    let first = index.fork();
    let (evens, (odds, second)) = std::thread::scope(|scope| {
        let second = index.fork();
        let helper = std::thread::Builder::new().spawn_scoped(scope, move || (each(&second, 1), second));
        let evens = each(&first, 0);
        let odds = match helper {
            Ok(helper) => helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // Without a second thread (the system's limit reached), here.
            Err(_) => {
                let second = index.fork();
                (each(&second, 1), second)
            }
        };
        (evens, odds)
    });
    if first.refused_a_read() || second.refused_a_read() {
        // What the halves made is let go before the work is done again.
        drop((evens, odds, first, second));
        return items.into_iter().map(|item| work(index, item)).collect();
    }
    index.absorb(first);
    index.absorb(second);
    let mut odds = odds.into_iter();
    let mut out = Vec::with_capacity(evens.len() + odds.len());
    for even in evens {
        out.push(even);
        out.extend(odds.next());
    }
    out
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
        let threads = std::sync::Mutex::new(std::collections::HashSet::new());
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

    #[test]
    fn work_that_reaches_a_forks_half_of_the_budget_is_done_again_by_one_reader() {
        // Uneven halves: the even files hold 22 MiB, more than a fork's half of the 32 MiB budget
        // and less than the whole, which one reader gets.
        let big = "x".repeat(700 * 1024);
        let files: Vec<(String, &str)> = (0..FROM)
            .map(|i| (format!("f{i:03}.txt"), if i % 2 == 0 { big.as_str() } else { "y" }))
            .collect();
        let pairs: Vec<(&str, &str)> = files.iter().map(|(f, t)| (f.as_str(), *t)).collect();
        let (_dir, index) = crate::repo::index::test_index(&pairs);
        let names: Vec<String> = files.iter().map(|(f, _)| f.clone()).collect();
        let read = map(&index, names, |index, name| index.read(&name).is_some());
        assert!(read.iter().all(|r| *r), "every file read, as one reader reads them");
        assert!(index.take_warnings().is_empty(), "no budget warning");
    }
}
