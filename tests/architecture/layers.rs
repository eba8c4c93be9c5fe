//! The "## Layers" table of docs/architecture.md, and the imports that break it.

use super::cycles::*;
use super::graph::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, PartialEq)]
pub(crate) struct Layer {
    pub(crate) name: String,
    pub(crate) modules: Vec<String>,
    pub(crate) may_import: Vec<String>,
}

/// The table under `## Layers` in `markdown`: columns `layer`, `modules` and `may import` (lists
/// separated by commas, names optionally in backticks; `—`, `-` or `nothing` for none).
pub(crate) fn parse_layers(markdown: &str) -> Result<Vec<Layer>, String> {
    let mut lines = markdown.lines().skip_while(|l| l.trim() != "## Layers");
    if lines.next().is_none() {
        return Err("no \"## Layers\" section".into());
    }
    let rows: Vec<Vec<String>> = lines
        .take_while(|l| !l.starts_with("## "))
        .skip_while(|l| !l.trim_start().starts_with('|'))
        .take_while(|l| l.trim_start().starts_with('|'))
        .map(|l| {
            let l = l.trim();
            let l = l.strip_prefix('|').unwrap_or(l);
            let l = l.strip_suffix('|').unwrap_or(l);
            l.split('|').map(|cell| cell.trim().to_string()).collect()
        })
        .collect();
    let Some(header) = rows.first() else {
        return Err("no table under \"## Layers\"".into());
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("the layer table has no column \"{name}\""))
    };
    let (layer_col, modules_col, may_col) = (column("layer")?, column("modules")?, column("may import")?);
    let list = |cell: &str| -> Vec<String> {
        cell.split(',')
            .map(|item| item.trim().trim_matches('`').trim().to_string())
            .filter(|item| !matches!(item.as_str(), "" | "—" | "-" | "nothing"))
            .collect()
    };
    let mut layers = Vec::new();
    for row in rows.iter().skip(1) {
        if row
            .iter()
            .all(|cell| cell.chars().all(|c| matches!(c, '-' | ':' | ' ')))
        {
            continue; // the |---|---| line
        }
        let cell = |col: usize| row.get(col).map(String::as_str).unwrap_or("");
        layers.push(Layer {
            name: cell(layer_col).trim_matches('`').to_string(),
            modules: list(cell(modules_col)),
            may_import: list(cell(may_col)),
        });
    }
    Ok(layers)
}

/// What is wrong with `layers` for `graph`: the table against the top-level modules (every
/// module in one row, rows from the top layer down, each importing only rows below it), then every
/// import between top-level modules that the table does not allow (one line per pair of modules).
pub(crate) fn layer_problems(layers: &[Layer], graph: &Graph) -> Vec<String> {
    let mut problems = Vec::new();
    let mut layer_of: BTreeMap<&str, &str> = BTreeMap::new();
    let names: BTreeSet<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    let mut seen_layers = BTreeSet::new();
    for layer in layers {
        if !seen_layers.insert(layer.name.as_str()) {
            problems.push(format!("layer {} has two rows", layer.name));
        }
        for module in &layer.modules {
            if let Some(other) = layer_of.insert(module, &layer.name) {
                problems.push(format!("{module} is in two layers: {other} and {}", layer.name));
            }
            if !graph.top_level.contains(module) {
                problems.push(format!(
                    "layer {} names {module}, which is not a module of src/lib.rs",
                    layer.name
                ));
            }
        }
        for allowed in &layer.may_import {
            if !names.contains(allowed.as_str()) {
                problems.push(format!(
                    "layer {} may import {allowed}, which is not a layer",
                    layer.name
                ));
            }
            // The table lists layers from the top down, so imports can only go one way.
            let below = layers
                .iter()
                .skip_while(|l| l.name != layer.name)
                .skip(1)
                .any(|l| l.name == *allowed);
            if names.contains(allowed.as_str()) && !below {
                problems.push(format!(
                    "layer {} may import {allowed}, which is not below it in the table",
                    layer.name
                ));
            }
        }
    }
    for module in &graph.top_level {
        if !layer_of.contains_key(module.as_str()) {
            problems.push(format!("{module} (a module of src/lib.rs) is in no layer"));
        }
    }
    let may_import: BTreeMap<&str, &[String]> = layers.iter().map(|l| (l.name.as_str(), &l.may_import[..])).collect();
    // Edges between top-level modules (submodules count as their top-level module); the binary
    // and the library root sit above every layer.
    let top = |node: &str| node.split("::").next().unwrap().to_string();
    let mut pairs: BTreeMap<(String, String), &Site> = BTreeMap::new();
    for (from, targets) in &graph.edges {
        if from == "main" || from.starts_with("main::") || from == "lib" {
            continue;
        }
        for (to, site) in targets {
            let key = (top(from), top(to));
            if key.0 != key.1 {
                let entry = pairs.entry(key).or_insert(site);
                if entry.test && !site.test {
                    *entry = site;
                }
            }
        }
    }
    for ((from, to), site) in pairs {
        let Some(&from_layer) = layer_of.get(from.as_str()) else {
            continue;
        };
        let why = if to == "lib" {
            "the library root (src/lib.rs) is above every layer".to_string()
        } else {
            let Some(&to_layer) = layer_of.get(to.as_str()) else {
                continue;
            };
            if to_layer == from_layer || may_import[from_layer].iter().any(|l| l == to_layer) {
                continue;
            }
            format!("layer {from_layer} may not import layer {to_layer}")
        };
        problems.push(format!("{from} -> {to}: {why}  ({})", describe_site(site)));
    }
    problems
}
