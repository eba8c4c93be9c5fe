//! A task's recipe read as shell commands, and recipes that do nothing: shared by the rules
//! that pick a task for a job (`commands.rs`) and those that read a monorepo root's scripts
//! (`orchestration.rs`).

/// Whether a script's body does nothing (npm's `echo "Error: no test specified" && exit 1`, an
/// empty one, `true`, a lone `echo`).
pub(super) fn is_placeholder(body: &str) -> bool {
    let b = body.trim();
    b.contains("no test specified")
        || b.is_empty()
        || b == "exit 0"
        || b == "true"
        || (b.starts_with("echo") && !b.contains("&&"))
}

/// The commands of a recipe: one per line (continuations joined), `;`, `&&`, `||`, `|` part or
/// background `&` job, without messages.
pub(super) fn recipe_commands(recipe: &str) -> Vec<String> {
    // `2>&1` redirects; it does not start a command.
    let joined = recipe.replace("\\\n", " ").replace(">&", "> ");
    joined
        .split(['\n', ';', '&', '|'])
        .map(|c| c.trim().trim_start_matches(['@', '-', '+']).trim())
        .filter(|c| !c.is_empty() && !c.starts_with('#'))
        .filter(|c| !["echo", "printf", "set", "clear"].contains(&c.split_whitespace().next().unwrap_or("")))
        .map(str::to_string)
        .collect()
}

/// [`recipe_commands`] that run something: `cd web && npm run lint` runs npm, and changing
/// directory runs nothing.
pub(super) fn running_commands(recipe: &str) -> Vec<String> {
    recipe_commands(recipe)
        .into_iter()
        .filter(|c| c.split_whitespace().next() != Some("cd"))
        .collect()
}
