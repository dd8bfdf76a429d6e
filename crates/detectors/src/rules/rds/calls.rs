//! R functions that matter in loaded code, as data: what each reaches.
//!
//! A promise runs whatever call it holds, so every call there is reported
//! and these names only explain it. A closure's body runs only when it is
//! called, and package code (`glm` families, `caret` models) is full of
//! `.Call`, `eval` and `file`: only the names below marked `in_closure`
//! (commands, native and source loaders, downloads, sockets) make a
//! closure a finding.

use sentrascan_types::Category;

/// What calling an R function can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallRisk {
    pub category: Category,
    pub effect: &'static str,
    /// Dangerous enough to report inside a closure's body.
    pub in_closure: bool,
}

use Category::{
    ArbitraryCodeExecution as ACE, FileSystemAccess as FS, NetworkOperations as NET,
    OsCommandExecution as OS,
};

/// Function name, category, effect, reported in closures.
pub const CALLS: &[(&str, Category, &str, bool)] = &[
    ("system", OS, "runs a shell command", true),
    ("system2", OS, "runs a command", true),
    ("shell", OS, "runs a shell command", true),
    (
        "shell.exec",
        OS,
        "opens a file with its associated program",
        true,
    ),
    ("pipe", OS, "opens a pipe to a shell command", true),
    ("run", OS, "runs a command (processx, sys)", false),
    ("exec_wait", OS, "runs a command (sys)", true),
    ("exec_background", OS, "runs a command (sys)", true),
    ("dyn.load", ACE, "loads a native library", true),
    (
        "library.dynam",
        ACE,
        "loads a package's native library",
        true,
    ),
    ("source", ACE, "runs an R script", true),
    ("sys.source", ACE, "runs an R script", true),
    ("download.file", NET, "downloads a file", true),
    ("socketConnection", NET, "opens a network socket", true),
    ("url", NET, "opens a URL", true),
    ("curl", NET, "opens a URL (curl)", false),
    ("eval", ACE, "evaluates an expression", false),
    ("evalq", ACE, "evaluates an expression", false),
    ("eval.parent", ACE, "evaluates an expression", false),
    ("parse", ACE, "parses text into code", false),
    ("str2lang", ACE, "parses text into code", false),
    ("str2expression", ACE, "parses text into code", false),
    (
        "do.call",
        ACE,
        "calls a function named by its argument",
        false,
    ),
    ("match.fun", ACE, "resolves a function by name", false),
    ("get", ACE, "resolves an object by name", false),
    (
        "getFromNamespace",
        ACE,
        "resolves a package's internal object",
        false,
    ),
    (".Call", ACE, "calls native code", false),
    (".External", ACE, "calls native code", false),
    (".External2", ACE, "calls native code", false),
    (".C", ACE, "calls native code", false),
    (".Fortran", ACE, "calls native code", false),
    (".Internal", ACE, "calls an R internal", false),
    (
        "library",
        ACE,
        "attaches a package (runs its load hooks)",
        false,
    ),
    (
        "require",
        ACE,
        "attaches a package (runs its load hooks)",
        false,
    ),
    (
        "requireNamespace",
        ACE,
        "loads a package (runs its load hooks)",
        false,
    ),
    (
        "loadNamespace",
        ACE,
        "loads a package (runs its load hooks)",
        false,
    ),
    (
        "attachNamespace",
        ACE,
        "attaches a package (runs its load hooks)",
        false,
    ),
    ("readRDS", ACE, "deserialises another R object", false),
    ("load", ACE, "deserialises an R workspace", false),
    ("unserialize", ACE, "deserialises an R object", false),
    ("file", FS, "opens a file or command", false),
    ("unlink", FS, "deletes files", true),
    ("file.remove", FS, "deletes files", true),
    ("writeLines", FS, "writes to a file or connection", false),
    ("Sys.setenv", OS, "changes the environment", false),
    ("Sys.chmod", FS, "changes file permissions", true),
];

/// The risk of calling `name` (`system`, `base::system`, `base:::system`).
pub fn risk(name: &str) -> Option<CallRisk> {
    let bare = name
        .rsplit("::")
        .next()
        .unwrap_or(name)
        .trim_start_matches(':');
    CALLS
        .iter()
        .find(|(n, ..)| *n == bare)
        .map(|&(_, category, effect, in_closure)| CallRisk {
            category,
            effect,
            in_closure,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_class() {
        assert_eq!(risk("system").map(|r| r.category), Some(OS));
        assert!(risk("base::system").is_some_and(|r| r.in_closure));
        assert!(risk("base:::dyn.load").is_some_and(|r| r.in_closure));
        assert_eq!(risk("download.file").map(|r| r.category), Some(NET));
        assert!(risk(".Call").is_some_and(|r| !r.in_closure));
        assert!(risk("eval").is_some_and(|r| !r.in_closure));
        assert_eq!(risk("mean"), None);
        assert_eq!(risk("stats::lm"), None);
    }
}
