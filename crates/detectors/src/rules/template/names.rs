//! The reviewed lists behind the `TPL` rules: which attribute names reach
//! Python internals, which template globals are gadgets, and which names run
//! code. Each entry class has a test below.

use sentrascan_formats::template::AccessVia;
use sentrascan_types::Severity;

/// Attributes of frames, generators, coroutines, tracebacks and functions
/// that expose globals or code without a double underscore.
pub const FRAME_AND_FUNCTION_INTERNALS: &[&str] = &[
    "f_globals",
    "f_locals",
    "f_builtins",
    "f_back",
    "f_code",
    "gi_frame",
    "gi_code",
    "cr_frame",
    "cr_code",
    "ag_frame",
    "ag_code",
    "tb_frame",
    "tb_next",
    "co_code",
    "co_consts",
    "func_globals",
    "func_code",
    "im_func",
    "im_self",
    "mro",
];

/// Dunder names that public template-injection payloads use; a string
/// literal that mentions one is worth a look even when no lookup uses it.
pub const PAYLOAD_DUNDERS: &[&str] = &[
    "__class__",
    "__mro__",
    "__base__",
    "__bases__",
    "__subclasses__",
    "__init__",
    "__globals__",
    "__builtins__",
    "__import__",
    "__dict__",
    "__getattribute__",
    "__code__",
    "__loader__",
    "__spec__",
    "__reduce__",
    "__reduce_ex__",
    "_TemplateReference__context",
];

/// How severe a lookup of `name` is, if it reaches internals at all.
///
/// Dunder names (`__class__`), name-mangled private attributes
/// (`_TemplateReference__context`) and frame or function internals
/// (`f_globals`) are CRITICAL: they are the steps of every sandbox escape.
/// Other names starting with `_` are HIGH when looked up as attributes
/// (Jinja2's sandbox refuses them) and MEDIUM as item keys, where JSON data
/// sometimes has such keys.
pub fn internal_attribute(name: &str, via: &AccessVia) -> Option<Severity> {
    if is_dunder(name) || is_mangled(name) || FRAME_AND_FUNCTION_INTERNALS.contains(&name) {
        return Some(Severity::Critical);
    }
    if name.starts_with('_') {
        return Some(match via {
            AccessVia::Subscript => Severity::Medium,
            _ => Severity::High,
        });
    }
    None
}

/// `__name__`.
pub fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// `_Class__attr`: a private attribute under Python's name mangling.
fn is_mangled(name: &str) -> bool {
    name.strip_prefix('_')
        .is_some_and(|rest| !rest.starts_with('_') && rest.contains("__"))
}

/// Template globals whose attributes lead to Python module globals, and
/// what each one is.
pub const GADGETS: &[(&str, &str)] = &[
    (
        "cycler",
        "Jinja2's `Cycler` class: `cycler.__init__.__globals__` are the globals of `jinja2.utils`, `os` included",
    ),
    (
        "joiner",
        "Jinja2's `Joiner` class: `joiner.__init__.__globals__` are the globals of `jinja2.utils`",
    ),
    (
        "namespace",
        "Jinja2's `Namespace` class: `namespace.__init__.__globals__` are the globals of `jinja2.utils`",
    ),
    (
        "lipsum",
        "Jinja2's `generate_lorem_ipsum` function: `lipsum.__globals__` are the globals of `jinja2.utils`",
    ),
    (
        "range",
        "Python's `range` type, a way to `__class__` and `object`",
    ),
    (
        "dict",
        "Python's `dict` type, a way to `__class__` and `object`",
    ),
    (
        "self",
        "Jinja2's `TemplateReference`: `self._TemplateReference__context` is the render context",
    ),
    (
        "config",
        "Flask's `config` object, a way to application secrets and `__class__.__init__.__globals__`",
    ),
    (
        "request",
        "Flask's `request`: `request.application.__globals__` are the globals of the WSGI module",
    ),
    (
        "url_for",
        "Flask's `url_for` function: `url_for.__globals__` are the globals of `flask.helpers`",
    ),
    (
        "get_flashed_messages",
        "Flask's `get_flashed_messages` function: its `__globals__` are the globals of `flask.helpers`",
    ),
    ("__builtins__", "Python's builtins module"),
];

/// What a gadget is, if `name` is one.
pub fn gadget(name: &str) -> Option<&'static str> {
    GADGETS
        .iter()
        .find(|(g, _)| *g == name)
        .map(|(_, what)| *what)
}

/// Modules that run commands, load code or reach the interpreter.
pub const CODE_MODULES: &[&str] = &[
    "os",
    "sys",
    "subprocess",
    "builtins",
    "importlib",
    "posix",
    "nt",
    "pty",
    "shutil",
    "socket",
    "commands",
    "ctypes",
    "runpy",
    "pickle",
    "marshal",
];

/// Functions and methods that run commands or evaluate code.
pub const CODE_CALLS: &[&str] = &[
    "eval",
    "exec",
    "execfile",
    "compile",
    "__import__",
    "import_module",
    "load_module",
    "exec_module",
    "popen",
    "Popen",
    "system",
    "spawnl",
    "spawnle",
    "spawnlp",
    "spawnv",
    "spawnve",
    "spawnvp",
    "execl",
    "execle",
    "execlp",
    "execv",
    "execve",
    "execvp",
    "check_output",
    "check_call",
    "getoutput",
    "getstatusoutput",
    "open",
];

/// Code-call names too common as ordinary words to flag when a string
/// literal is exactly that word (`message['role'] == 'system'`).
const COMMON_WORDS: &[&str] = &["system", "open", "compile"];

/// Substrings of string literals that spell code execution.
pub const CODE_SNIPPETS: &[&str] = &[
    "os.system",
    "os.popen",
    "os.exec",
    "os.spawn",
    "subprocess.",
    "popen(",
    "system(",
    "eval(",
    "exec(",
    "importlib",
    "check_output",
    "/bin/sh",
    "/bin/bash",
    "cmd.exe",
];

/// Why a string literal is worth reporting, if it is.
pub fn literal_mention(value: &str) -> Option<String> {
    let trimmed = value.trim();
    if CODE_MODULES.contains(&trimmed) {
        return Some(format!("names the module `{trimmed}`"));
    }
    if CODE_CALLS.contains(&trimmed) && !COMMON_WORDS.contains(&trimmed) {
        return Some(format!("names `{trimmed}`"));
    }
    if let Some(d) = PAYLOAD_DUNDERS.iter().find(|d| value.contains(**d)) {
        return Some(format!("mentions `{d}`"));
    }
    let lower = value.to_ascii_lowercase();
    CODE_SNIPPETS
        .iter()
        .find(|s| lower.contains(**s))
        .map(|s| format!("contains `{s}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dunders_mangled_names_and_frame_internals_are_critical() {
        for name in [
            "__class__",
            "__mro__",
            "__subclasses__",
            "__globals__",
            "__builtins__",
            "__init__",
            "__base__",
            "__dict__",
            "__getattribute__",
            "_TemplateReference__context",
            "_Context__self",
            "f_globals",
            "gi_frame",
            "mro",
        ] {
            for via in [AccessVia::Dot, AccessVia::Subscript, AccessVia::AttrFilter] {
                assert_eq!(
                    internal_attribute(name, &via),
                    Some(Severity::Critical),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn private_names_are_high_as_attributes_and_medium_as_keys() {
        assert_eq!(
            internal_attribute("_module", &AccessVia::Dot),
            Some(Severity::High)
        );
        assert_eq!(
            internal_attribute("_module", &AccessVia::AttrFilter),
            Some(Severity::High)
        );
        assert_eq!(
            internal_attribute("_meta", &AccessVia::Subscript),
            Some(Severity::Medium)
        );
    }

    #[test]
    fn chat_template_names_are_not_internal() {
        for name in [
            "role",
            "content",
            "tool_calls",
            "function",
            "arguments",
            "name",
            "index0",
            "first",
            "last",
            "strip",
            "items",
            "a__b",
        ] {
            assert_eq!(internal_attribute(name, &AccessVia::Dot), None, "{name}");
        }
    }

    #[test]
    fn gadgets_are_known_by_name() {
        for g in [
            "cycler",
            "joiner",
            "namespace",
            "lipsum",
            "self",
            "request",
            "config",
            "url_for",
        ] {
            assert!(gadget(g).is_some(), "{g}");
        }
        for g in ["messages", "loop", "ns", "tools", "bos_token"] {
            assert!(gadget(g).is_none(), "{g}");
        }
    }

    #[test]
    fn literals_that_spell_code_are_mentions_and_chat_text_is_not() {
        for s in [
            "os",
            "subprocess",
            "__import__",
            "popen",
            "x.__class__",
            "os.system('id')",
            "import subprocess; subprocess.run()",
            "/bin/sh -c id",
        ] {
            assert!(literal_mention(s).is_some(), "{s}");
        }
        for s in [
            "system",
            "user",
            "<|im_start|>system\n",
            "You are a helpful assistant.",
            "Environment: ipython\n",
            "You should aim to execute the minimum number of necessary actions",
            "```python\ndef ",
            "Cutting Knowledge Date: December 2023\n",
            "[TOOL_CALLS] [",
        ] {
            assert!(literal_mention(s).is_none(), "{s}");
        }
    }
}
