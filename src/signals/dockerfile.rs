//! What a Dockerfile copies from its build context (`COPY`, `ADD`), so the context it is
//! written for can be told: a monorepo's `apps/api/Dockerfile` that copies `package.json` of the
//! root is built from the root (`docker build -f apps/api/Dockerfile .`), not from its folder.

/// The source paths the Dockerfile's `COPY` and `ADD` take from the build context, as written,
/// without those from another stage or image (`--from=`), URLs, globs and the whole context
/// (`.`). Continuation lines are joined; the JSON form (`COPY ["a", "b/"]`) is read as JSON.
pub fn context_sources(text: &str) -> Vec<String> {
    let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    let mut out = Vec::new();
    for line in joined.lines() {
        let line = line.trim();
        let Some((instruction, rest)) = line.split_once(char::is_whitespace) else {
            continue;
        };
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

#[cfg(test)]
mod tests {
    use super::*;

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
