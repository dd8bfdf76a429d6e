//! The layering of the workspace, checked against `cargo metadata`.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use anyhow::{Context, bail};
use serde_json::Value;

/// Which workspace crates each crate may depend on (normal and build
/// dependencies). Crates not listed here (the binaries, xtask) may depend on
/// any library crate.
pub const ALLOWED: &[(&str, &[&str])] = &[
    ("sentrascan-types", &[]),
    ("sentrascan-formats", &["sentrascan-types"]),
    (
        "sentrascan-detectors",
        &["sentrascan-types", "sentrascan-formats"],
    ),
    ("sentrascan-sbom", &["sentrascan-types"]),
    ("sentrascan-policy", &["sentrascan-types"]),
    ("sentrascan-report", &["sentrascan-types"]),
    (
        "sentrascan-core",
        &[
            "sentrascan-types",
            "sentrascan-formats",
            "sentrascan-detectors",
            "sentrascan-sbom",
        ],
    ),
    ("sentrascan-sources", &["sentrascan-types"]),
    ("sentrascan-storage", &["sentrascan-types"]),
];

/// Crates whose whole normal-dependency tree must stay free of runtimes,
/// network clients and database drivers, so that embedding the engine pulls
/// in none of them.
pub const PURE: &[&str] = &[
    "sentrascan-types",
    "sentrascan-formats",
    "sentrascan-detectors",
    "sentrascan-core",
];

/// Crates that must not appear in a pure crate's tree.
pub const BANNED: &[&str] = &[
    "tokio",
    "async-std",
    "smol",
    "hyper",
    "h2",
    "http",
    "reqwest",
    "ureq",
    "axum",
    "tower",
    "tonic",
    "rustls",
    "native-tls",
    "openssl",
    "diesel",
    "diesel-async",
    "sqlx",
    "rusqlite",
    "libsqlite3-sys",
    "postgres",
    "tokio-postgres",
    "pq-sys",
    "object_store",
    "aws-lc-rs",
    "aws-lc-sys",
];

/// Workspace packages and their normal/build dependency edges, from `cargo metadata`.
pub struct Graph {
    names: BTreeMap<String, String>,
    edges: BTreeMap<String, Vec<String>>,
    members: BTreeSet<String>,
}

impl Graph {
    pub fn load() -> anyhow::Result<Graph> {
        let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .context("running cargo metadata")?;
        if !out.status.success() {
            bail!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Self::from_json(&serde_json::from_slice(&out.stdout)?)
    }

    pub fn from_json(meta: &Value) -> anyhow::Result<Graph> {
        let mut names = BTreeMap::new();
        for p in meta["packages"].as_array().context("packages")? {
            names.insert(
                p["id"].as_str().unwrap_or_default().to_string(),
                p["name"].as_str().unwrap_or_default().to_string(),
            );
        }
        let members = meta["workspace_members"]
            .as_array()
            .context("workspace_members")?
            .iter()
            .filter_map(|m| m.as_str())
            .filter_map(|id| names.get(id).cloned())
            .collect();
        let mut edges = BTreeMap::new();
        for n in meta["resolve"]["nodes"]
            .as_array()
            .context("resolve.nodes")?
        {
            let from = names
                .get(n["id"].as_str().unwrap_or_default())
                .cloned()
                .unwrap_or_default();
            let mut to = Vec::new();
            for d in n["deps"].as_array().into_iter().flatten() {
                let runtime = d["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k["kind"].is_null() || k["kind"].as_str() == Some("build"));
                if runtime && let Some(name) = names.get(d["pkg"].as_str().unwrap_or_default()) {
                    to.push(name.clone());
                }
            }
            edges.entry(from).or_insert_with(Vec::new).extend(to);
        }
        Ok(Graph {
            names,
            edges,
            members,
        })
    }

    fn tree(&self, root: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![root.to_string()];
        while let Some(n) = stack.pop() {
            for d in self.edges.get(&n).into_iter().flatten() {
                if seen.insert(d.clone()) {
                    stack.push(d.clone());
                }
            }
        }
        seen
    }

    /// Every violation, as sentences.
    pub fn violations(&self) -> Vec<String> {
        let _ = &self.names;
        let mut v = Vec::new();
        for member in &self.members {
            let Some((_, allowed)) = ALLOWED.iter().find(|(n, _)| n == member) else {
                continue;
            };
            for dep in self.edges.get(member).into_iter().flatten() {
                if self.members.contains(dep) && !allowed.contains(&dep.as_str()) {
                    v.push(format!("{member} depends on {dep}, which its layer may not use (allowed: {allowed:?})"));
                }
            }
        }
        for pure in PURE.iter().filter(|p| self.members.contains(**p)) {
            for dep in self.tree(pure) {
                if BANNED.contains(&dep.as_str()) {
                    v.push(format!("{pure} pulls in {dep}: the engine must not depend on runtimes, HTTP or databases"));
                }
            }
        }
        v
    }
}

pub fn check() -> anyhow::Result<String> {
    let g = Graph::load()?;
    let v = g.violations();
    if !v.is_empty() {
        bail!("layer check failed:\n  {}", v.join("\n  "));
    }
    Ok(format!(
        "layers ok: {} workspace crates, engine tree free of {} banned crates",
        g.members.len(),
        BANNED.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_respects_its_layers() {
        let g = Graph::load().expect("cargo metadata");
        assert_eq!(g.violations(), Vec::<String>::new());
        assert!(g.members.contains("sentrascan-core"));
    }

    fn graph(members: &[&str], edges: &[(&str, &str)]) -> Graph {
        let mut e: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (a, b) in edges {
            e.entry(a.to_string()).or_default().push(b.to_string());
        }
        Graph {
            names: BTreeMap::new(),
            edges: e,
            members: members.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn upward_and_sideways_edges_are_reported() {
        let g = graph(
            &[
                "sentrascan-types",
                "sentrascan-formats",
                "sentrascan-report",
            ],
            &[
                ("sentrascan-types", "sentrascan-formats"),
                ("sentrascan-report", "sentrascan-formats"),
            ],
        );
        let v = g.violations();
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v[0].contains("sentrascan-report depends on sentrascan-formats"));
        assert!(v[1].contains("sentrascan-types depends on sentrascan-formats"));
    }

    #[test]
    fn banned_crates_deep_in_the_engine_tree_are_reported() {
        let g = graph(
            &["sentrascan-core"],
            &[("sentrascan-core", "helper"), ("helper", "tokio")],
        );
        assert_eq!(g.violations(), vec!["sentrascan-core pulls in tokio: the engine must not depend on runtimes, HTTP or databases".to_string()]);
    }
}
