//! What a Dockerfile says, read by its instructions: what it copies from its build context
//! (`COPY`, `ADD`), so the context it is written for can be told (a monorepo's
//! `apps/api/Dockerfile` that copies `package.json` of the root is built from the root); the
//! image each stage starts from (`FROM`); the commands it runs (`RUN`); the environment its last
//! stage sets (`ENV`).

/// The source paths the Dockerfile's `COPY` and `ADD` take from the build context, as written,
/// without those from another stage or image (`--from=`), URLs, globs and the whole context
/// (`.`). Continuation lines are joined; the JSON form (`COPY ["a", "b/"]`) is read as JSON.
pub fn context_sources(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (instruction, rest) in instructions(&joined(text)) {
        if !instruction.eq_ignore_ascii_case("COPY") && !instruction.eq_ignore_ascii_case("ADD") {
            continue;
        }
        let mut words: Vec<&str> = rest.split_whitespace().collect();
        if words.iter().any(|w| w.starts_with("--from")) {
            continue;
        }
        words.retain(|w| !w.starts_with("--"));
        let args: Vec<String> = match words.first() {
            Some(first) if first.starts_with('[') => {
                serde_json::from_str::<Vec<String>>(&words.join(" ")).unwrap_or_default()
            }
            _ => words.iter().map(|w| w.to_string()).collect(),
        };
        let Some((_, sources)) = args.split_last() else {
            continue;
        };
        for source in sources {
            let source = source.trim_start_matches("./").trim_end_matches('/');
            let whole = source.is_empty() || source == ".";
            if !whole && !source.contains(['*', '?', '$', '[']) && !source.contains("://") {
                out.push(source.to_string());
            }
        }
    }
    out
}

/// The text with continuation lines (`\` at the end) joined into one.
fn joined(text: &str) -> String {
    text.replace("\\\r\n", " ").replace("\\\n", " ")
}

/// Each instruction of joined text and the rest of its line (`ENV`, `A=b C=d`).
fn instructions(joined: &str) -> impl Iterator<Item = (&str, &str)> {
    joined
        .lines()
        .filter_map(|line| line.trim().split_once(char::is_whitespace))
        .map(|(instruction, rest)| (instruction, rest.trim()))
}

/// The image a container of the Dockerfile's image starts as: its last stage's, unless that is
/// named by a build argument (`FROM $BASE`) or is an earlier stage (`FROM build`), which this
/// cannot tell.
pub fn final_base(text: &str) -> Option<&str> {
    let image = from_images(text).last()?;
    let stage_names = text.lines().filter_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = words.iter().position(|w| w.eq_ignore_ascii_case("AS"))?;
        let from = words.first()?.eq_ignore_ascii_case("FROM");
        from.then(|| words.get(at + 1).copied())?
    });
    let named = image.contains('$') || stage_names.into_iter().any(|name| name.eq_ignore_ascii_case(image));
    (!named).then_some(image)
}

/// The image each build stage starts from (`FROM --platform=… node:20 AS build` → `node:20`), in
/// order: a file with more than one builds in stages.
pub fn from_images(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let mut words = line.split_whitespace();
        if !words.next()?.eq_ignore_ascii_case("FROM") {
            return None;
        }
        words.find(|w| !w.starts_with("--"))
    })
}

/// The most variables kept from a stage's `ENV`s: an image sets tens.
const MOST_ENV: usize = 256;

/// The variables the last stage's `ENV` instructions set (`ENV KEY=value OTHER="a b"`, and the
/// old `ENV KEY value`), later ones winning: what a container of the image starts with. A value
/// that refers to a variable (`${POSTGRES_USER:-app}`, a build `ARG`) is not known here, and is
/// left out: compose's `.env` does not fill it.
pub fn final_env(text: &str) -> Vec<(String, String)> {
    let joined = joined(text);
    // Each variable's value and when it was last set.
    let mut env: std::collections::HashMap<String, (usize, String)> = std::collections::HashMap::new();
    let mut set = 0;
    for (instruction, rest) in instructions(&joined) {
        if instruction.eq_ignore_ascii_case("FROM") {
            env.clear();
        }
        if !instruction.eq_ignore_ascii_case("ENV") {
            continue;
        }
        let pairs: Vec<(String, String)> = match rest.split_once(char::is_whitespace) {
            Some((key, value)) if !key.contains('=') => vec![(key.to_string(), value.trim().to_string())],
            // `A="a b" C=d`: words as the shell splits them, quotes dropped.
            _ => shlex::split(rest)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|w| w.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
                .collect(),
        };
        for (key, value) in pairs.into_iter().filter(|(_, value)| !value.contains('$')) {
            // Set again, a variable takes its new place in the order.
            if env.len() < MOST_ENV || env.contains_key(&key) {
                set += 1;
                env.insert(key, (set, value));
            }
        }
    }
    let mut ordered: Vec<(usize, String, String)> = env.into_iter().map(|(k, (at, v))| (at, k, v)).collect();
    ordered.sort_unstable_by_key(|(at, _, _)| *at);
    ordered.into_iter().map(|(_, k, v)| (k, v)).collect()
}

/// The `RUN` commands, continuation lines joined, with the line each starts on.
pub fn run_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let (body, continues) = match line.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (line, false),
        };
        match open.as_mut() {
            Some((_, text)) => {
                text.push(' ');
                text.push_str(body);
            }
            None => match body.strip_prefix("RUN ") {
                Some(rest) => open = Some((n + 1, rest.to_string())),
                None => continue,
            },
        }
        if !continues {
            out.extend(open.take());
        }
    }
    out.extend(open);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_lines_join_their_continuations() {
        let text = "FROM rust\nRUN apt-get update && \\\n    cargo build --features sqlite \\\n      --release\nCMD [\"app\"]\nRUN go build ./cmd/api\n";
        let lines = run_lines(text);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].0, 2);
        assert_eq!(
            lines[0].1,
            "apt-get update &&  cargo build --features sqlite  --release"
        );
        assert_eq!(lines[1], (6, "go build ./cmd/api".to_string()));
    }

    #[test]
    fn each_stage_starts_from_its_image() {
        let staged = "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nRUN go build -o /app .\nfrom gcr.io/distroless/base\nCOPY --from=build /app /app\n";
        assert_eq!(
            from_images(staged).collect::<Vec<_>>(),
            ["golang:1.23", "gcr.io/distroless/base"]
        );
        assert_eq!(from_images("FROM python:3.12\n").count(), 1);
    }

    #[test]
    fn the_last_stage_sets_its_environment() {
        let text = "FROM node:20 AS build\nENV NODE_ENV=build\nFROM mcr.microsoft.com/mssql/server:2022-latest\nENV ACCEPT_EULA=Y\nENV SA_PASSWORD=Test@12345\nENV MSSQL_PID Express edition\nENV A=\"a b\" \\\n    B=c\nENV A=z\n";
        assert_eq!(
            final_env(text),
            [
                ("ACCEPT_EULA".to_string(), "Y".to_string()),
                ("SA_PASSWORD".into(), "Test@12345".into()),
                ("MSSQL_PID".into(), "Express edition".into()),
                ("B".into(), "c".into()),
                ("A".into(), "z".into()),
            ]
        );
        // A build argument's value is not known here; many keys stay cheap and bounded.
        assert_eq!(final_env("FROM postgres\nARG U=app\nENV POSTGRES_USER=${U:-app}\n"), []);
        let many: String = (0..100_000).map(|i| format!(" K{i}=v")).collect();
        assert_eq!(final_env(&format!("FROM postgres\nENV{many}\n")).len(), MOST_ENV);
    }

    #[test]
    fn sources_from_the_context_only() {
        let text = "FROM node:20 AS base\nCOPY package.json pnpm-lock.yaml ./\nCOPY --chown=node:node apps/api/src ./src\nCOPY --from=base /app/dist ./dist\nADD https://example.com/x.tgz /tmp/\nCOPY . .\nCOPY *.json ./\nCOPY [\"Services/Api/Api.csproj\", \"Services/Api/\"]\nRUN echo \\\n  COPY not/an/instruction\n";
        assert_eq!(
            context_sources(text),
            [
                "package.json",
                "pnpm-lock.yaml",
                "apps/api/src",
                "Services/Api/Api.csproj"
            ]
        );
    }
}
