//! Import circles: the strongly connected components of the graph, and each circle in them.

use super::graph::*;
use std::collections::{BTreeMap, BTreeSet};

/// The strongly connected components of the graph with more than one node (Tarjan).
pub(crate) fn tangles(graph: &Graph) -> Vec<BTreeSet<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<BTreeSet<String>>,
    }
    pub(crate) fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.edges.get(v).into_iter().flat_map(|e| e.keys()) {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}

/// Every elementary circle of the graph, each starting at its smallest node and closing on it
/// (`[a, b, a]`), sorted.
pub(crate) fn circles(graph: &Graph) -> Vec<Vec<String>> {
    pub(crate) fn extend(graph: &Graph, within: &BTreeSet<String>, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        let start = path[0].clone();
        let last = path.last().unwrap().clone();
        for next in graph.edges.get(&last).into_iter().flat_map(|e| e.keys()) {
            if *next == start {
                let mut circle = path.clone();
                circle.push(start.clone());
                out.push(circle);
            } else if within.contains(next) && *next > start && !path.contains(next) {
                path.push(next.clone());
                extend(graph, within, path, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    for component in tangles(graph) {
        for start in &component {
            extend(graph, &component, &mut vec![start.clone()], &mut out);
        }
    }
    out.sort();
    out
}

/// `walk -> documented -> walk  (src/walk.rs:10 crate::documented::x; src/documented.rs:5 crate::walk)`.
pub(crate) fn describe_circle(graph: &Graph, circle: &[String]) -> String {
    let sites: Vec<String> = circle
        .windows(2)
        .map(|pair| describe_site(&graph.edges[&pair[0]][&pair[1]]))
        .collect();
    format!("{}  ({})", circle.join(" -> "), sites.join("; "))
}

/// One line per tangle (a set of modules that all reach each other: each circle lies in one),
/// then one line per circle.
pub(crate) fn circle_report(graph: &Graph) -> Vec<String> {
    let found = circles(graph);
    let mut lines: Vec<String> = tangles(graph)
        .iter()
        .map(|tangle| {
            let n = found.iter().filter(|c| tangle.contains(&c[0])).count();
            let members: Vec<&str> = tangle.iter().map(String::as_str).collect();
            format!(
                "tangle of {} modules, {n} circles: {}",
                members.len(),
                members.join(", ")
            )
        })
        .collect();
    lines.extend(found.iter().map(|c| describe_circle(graph, c)));
    lines
}

pub(crate) fn describe_site(site: &Site) -> String {
    let test = if site.test { ", test code" } else { "" };
    format!("{}:{} {}{test}", site.file, site.line, site.text)
}
