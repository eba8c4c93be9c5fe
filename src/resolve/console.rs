//! The project's own way to open its database: a task (a Make target, a just recipe, an npm or
//! composer script) whose recipe runs the database's interactive client (`make mycli`,
//! `just psql`), whatever the task is called, or a line of its guides that does. Documented
//! beats generic: either wins over a client archprompt would build from the configuration.

use super::commands::declared_reason;
use super::context::Ctx;
use super::dirs::project_at;
use crate::detect::Registry;
use crate::ecosystems::{Project, Task};
use crate::report::{Evidence, Field};

/// The first declared task whose recipe opens one of `stores` (database ids, primary first) with
/// its `[shell] clients`.
pub(super) fn client_task(ctx: &Ctx, stores: &[String]) -> Option<Field> {
    let clients = clients_of(ctx.registry, stores);
    if clients.is_empty() {
        return None;
    }
    let not_a_console = &ctx.registry.conventions.commands.not_a_console;
    let project: &Project = &ctx.backend.project;
    // The database is the repository's, not one package's: every task file above the backend
    // counts (a root Makefile's `mycli` target), not only the targets that name the backend.
    let above: Vec<(Task, Project)> = crate::fs::ancestors(&project.dir)
        .skip(1)
        .flat_map(|dir| {
            let owner = project_at(project, dir);
            crate::ecosystems::runner_tasks(ctx.index, dir)
                .into_iter()
                .map(move |task| (task, owner.clone()))
        })
        .collect();
    let declared = project
        .tasks
        .iter()
        .map(|t| (t, project))
        .chain(above.iter().map(|(t, p)| (t, p)));
    for (task, owner) in declared {
        let name = task.name.to_ascii_lowercase();
        if name
            .split([':', '-', '_', '.'])
            .any(|part| not_a_console.iter().any(|word| word == part))
        {
            continue;
        }
        if let Some(client) = opened_client(&task.body, &clients) {
            let reason = format!("{}: runs {client}", declared_reason(task));
            return Some(Field::found(
                ctx.runner.task(owner, task),
                vec![Evidence::new(&task.file, reason)],
            ));
        }
    }
    None
}

/// A shell line of the repository's guides (README, CONTRIBUTING, development guides) that
/// opens one of `stores` with its client (`docker compose exec db psql -U app`, `mysql -u root
/// shop`): documented, so it beats a client archprompt would build from the configuration. A
/// line that runs a statement or a file and exits is not a console.
pub(super) fn documented_client(ctx: &Ctx, stores: &[String]) -> Option<Field> {
    let clients = clients_of(ctx.registry, stores);
    if clients.is_empty() {
        return None;
    }
    let backend = &ctx.backend.project;
    // A line about production or a deployment opens some other database than the developer's.
    let elsewhere = |heading: &str| {
        let heading = heading.to_ascii_lowercase();
        super::documented::DEPLOY_HEADINGS.iter().any(|h| heading.contains(h))
    };
    ctx.guides()
        .iter()
        .filter(|doc| !elsewhere(&doc.heading))
        .filter(|doc| super::plausible::check(ctx.registry, ctx.index, &doc.dir, &doc.command).is_ok())
        .find_map(|doc| {
            let client = opened_client(&doc.command, &clients)?;
            let reason = format!("line {}: documented under \"{}\", runs {client}", doc.line, doc.heading);
            let text = ctx
                .runner
                .exec(&project_at(backend, &doc.dir), &doc.command, false, false);
            Some(Field::found(text, vec![Evidence::new(&doc.file, reason)]))
        })
}

/// Each client of the stores with the options that make it run and exit.
fn clients_of<'r>(registry: &'r Registry, stores: &[String]) -> Vec<Client<'r>> {
    stores
        .iter()
        .filter_map(|id| registry.get(id)?.shell.as_ref())
        .flat_map(|shell| {
            shell.clients.iter().map(|name| Client {
                name,
                batch_options: &shell.batch_options,
            })
        })
        .collect()
}

/// A database client program and its options that run a statement or a file and exit.
struct Client<'r> {
    name: &'r str,
    batch_options: &'r [String],
}

/// The client a recipe opens interactively: a command of the recipe that runs it (directly, or
/// inside a container: `docker compose exec db psql -U app`), with no statement, file or input
/// redirection that makes it run and exit.
fn opened_client<'c>(body: &str, clients: &[Client<'c>]) -> Option<&'c str> {
    body.split(['\n', ';'])
        .flat_map(|line| line.split("&&"))
        .filter(|command| !command.contains('|'))
        .find_map(|command| {
            let words: Vec<&str> = command.split_whitespace().collect();
            let bare = |w: &str| {
                crate::fs::file_name(w.trim_start_matches(['@', '-', '+']).trim_matches(['"', '\''])).to_string()
            };
            // Run directly (after `VAR=value` settings), or inside a running container
            // (`docker compose exec db psql`): in `docker run mongo` the name is the image's.
            let start = words
                .iter()
                .take_while(|w| w.contains('=') && !w.starts_with('-'))
                .count();
            let after_exec = words.iter().position(|w| *w == "exec").map_or(words.len(), |i| i + 1);
            let (at, client) = words
                .iter()
                .enumerate()
                .filter(|(i, _)| *i == start || *i >= after_exec)
                .find_map(|(i, w)| clients.iter().find(|c| bare(w) == c.name).map(|c| (i, c)))?;
            // The client's own options: a container runner's `-i` before it is not one.
            let runs_and_exits = words[at + 1..]
                .iter()
                .any(|w| w.starts_with('<') || is_batch(w, client));
            (!runs_and_exits).then_some(client.name)
        })
}

/// Whether a word of the client's arguments is one of its `batch_options`: as written, a long
/// option with its value attached (`--command=…`), or a one-letter option ending a cluster of
/// letters (`-tAc`; `-psecret` is a password, not a cluster ending in a batch letter).
fn is_batch(word: &str, client: &Client) -> bool {
    client.batch_options.iter().any(|option| {
        if word == option {
            return true;
        }
        if option.starts_with("--") {
            return word
                .strip_prefix(option.as_str())
                .is_some_and(|rest| rest.starts_with('='));
        }
        let letter = option.strip_prefix('-').filter(|l| l.len() == 1);
        let cluster = word.strip_prefix('-').filter(|c| !c.starts_with('-') && c.len() > 1);
        match (letter, cluster) {
            (Some(letter), Some(cluster)) => {
                cluster.bytes().all(|b| b.is_ascii_alphabetic()) && cluster.ends_with(letter) && cluster.len() <= 4
            }
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_that_open_a_client_and_those_that_run_a_statement() {
        let registry = Registry::builtin().unwrap();
        let clients = clients_of(&registry, &["postgresql".to_string(), "mysql".to_string()]);
        let opened = |body: &str| opened_client(body, &clients);
        assert_eq!(
            opened("mycli -u $(MYSQL_USER) -p $(MYSQL_PASSWORD) $(MYSQL_DATABASE)"),
            Some("mycli")
        );
        assert_eq!(opened("docker compose exec db psql -U app -d app"), Some("psql"));
        assert_eq!(opened("@echo opening\n\t/usr/bin/psql \"$DATABASE_URL\""), Some("psql"));
        assert_eq!(opened("psql -U app -c 'CREATE DATABASE app'"), None);
        assert_eq!(opened("mysql -u root app < schema.sql"), None);
        assert_eq!(opened("mysql -u root -e 'select 1' app"), None);
        // `-q` is mysql's quick mode, still a console.
        assert_eq!(opened("mysql -q -u app app"), Some("mysql"));
        assert_eq!(opened("cat dump.sql | psql app"), None);
        assert_eq!(opened("psql-migrate up"), None);
        assert_eq!(opened("go run ./cmd/server"), None);
        assert_eq!(opened("docker exec -i db psql -U app"), Some("psql"));
        assert_eq!(opened("PGPASSWORD=app psql -h localhost app"), Some("psql"));
        assert_eq!(opened("docker run --rm -p 27017:27017 mongo"), None);
        assert_eq!(opened("psql --command=\"CREATE DATABASE app\""), None);
        assert_eq!(opened("psql -tAc 'select 1' app"), None);
        assert_eq!(opened("psql --version"), None);
        assert_eq!(opened("mysql -uroot -psecret app"), Some("mysql"));
    }
}
