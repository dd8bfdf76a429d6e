//! Module-name aliases an unpickler resolves to the same code.

/// The module a name really imports: Python 2 names that `find_class` maps
/// under `fix_imports`, and platform or C-accelerator aliases that expose the
/// same callables (`posix.system` is `os.system`).
pub fn canonical_module(module: &str) -> &str {
    match module {
        "__builtin__" | "__builtins__" | "exceptions" => "builtins",
        "copy_reg" => "copyreg",
        "cPickle" | "_pickle" => "pickle",
        "posix" | "nt" => "os",
        "posixpath" | "ntpath" | "macpath" => "os.path",
        "_operator" => "operator",
        "_io" => "io",
        "_codecs" => "codecs",
        "_functools" => "functools",
        "_collections" => "collections",
        "_socket" => "socket",
        "_thread" | "thread" => "_thread",
        "commands" => "subprocess",
        "urllib2" => "urllib.request",
        "httplib" => "http.client",
        "SocketServer" => "socketserver",
        "StringIO" | "cStringIO" => "io",
        "UserDict" | "UserList" | "UserString" => "collections",
        "xmlrpclib" => "xmlrpc.client",
        "SimpleXMLRPCServer" | "DocXMLRPCServer" => "xmlrpc.server",
        "BaseHTTPServer" | "SimpleHTTPServer" | "CGIHTTPServer" => "http.server",
        "Queue" => "queue",
        "ConfigParser" => "configparser",
        "numpy.core.multiarray" => "numpy._core.multiarray",
        "numpy.core.numeric" => "numpy._core.numeric",
        "torch.tensor" => "torch._tensor",
        other => other,
    }
}

/// `module` + `name` as one canonical dotted path (`posix`, `system` -> `os.system`).
pub fn canonical_path(module: &str, name: &str) -> String {
    let m = canonical_module(module);
    if name.is_empty() {
        m.to_string()
    } else if m.is_empty() {
        name.to_string()
    } else {
        format!("{m}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_to_the_module_they_expose() {
        assert_eq!(canonical_path("posix", "system"), "os.system");
        assert_eq!(canonical_path("nt", "system"), "os.system");
        assert_eq!(canonical_path("__builtin__", "eval"), "builtins.eval");
        assert_eq!(
            canonical_path("_operator", "attrgetter"),
            "operator.attrgetter"
        );
        assert_eq!(
            canonical_path("numpy.core.multiarray", "_reconstruct"),
            "numpy._core.multiarray._reconstruct"
        );
        assert_eq!(
            canonical_path("collections", "OrderedDict"),
            "collections.OrderedDict"
        );
    }
}
