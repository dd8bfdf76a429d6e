//! Python callables by what calling them does. Data, reviewed like code;
//! each class has a test. Names are the resolved dotted names of
//! [`sentrascan_formats::python`] (`posix.system` is already `os.system`,
//! `builtins.eval` is `eval`).

use sentrascan_formats::python::{ArgValue, PyCall};

/// What a call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallClass {
    /// Starts a process.
    Process,
    /// Evaluates code that is not a literal.
    DynamicCode,
    /// Evaluates decoded (hidden) data.
    ObfuscatedCode,
    /// Deserialises with an unpickler or an unsafe YAML loader.
    Deserialise,
    /// Loads a native library.
    NativeLibrary,
    Network,
    /// Changes the interpreter's import path or writes outside the repository.
    Tampering,
}

pub const PROCESS: &[&str] = &[
    "os.system",
    "os.popen",
    "os.popen2",
    "os.popen3",
    "os.popen4",
    "os.execl",
    "os.execle",
    "os.execlp",
    "os.execlpe",
    "os.execv",
    "os.execve",
    "os.execvp",
    "os.execvpe",
    "os.spawnl",
    "os.spawnle",
    "os.spawnlp",
    "os.spawnlpe",
    "os.spawnv",
    "os.spawnve",
    "os.spawnvp",
    "os.spawnvpe",
    "os.posix_spawn",
    "os.posix_spawnp",
    "os.startfile",
    "subprocess.Popen",
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "pty.spawn",
    "commands.getoutput",
    "commands.getstatusoutput",
    "platform.popen",
    "asyncio.create_subprocess_shell",
    "asyncio.create_subprocess_exec",
    "pexpect.spawn",
    "pexpect.run",
];

/// Builtins and functions that run code given as data.
pub const CODE: &[&str] = &[
    "eval",
    "exec",
    "compile",
    "execfile",
    "runpy.run_path",
    "runpy.run_module",
    "types.FunctionType",
    "types.CodeType",
    "code.InteractiveInterpreter",
    "code.interact",
];

/// Loaders that run code from the data (unconditionally).
pub const DESERIALISE: &[&str] = &[
    "pickle.load",
    "pickle.loads",
    "pickle.Unpickler",
    "dill.load",
    "dill.loads",
    "cloudpickle.load",
    "cloudpickle.loads",
    "joblib.load",
    "marshal.load",
    "marshal.loads",
    "shelve.open",
    "pandas.read_pickle",
    "jsonpickle.decode",
    "yaml.unsafe_load",
    "yaml.unsafe_load_all",
];

pub const NATIVE: &[&str] = &[
    "ctypes.CDLL",
    "ctypes.PyDLL",
    "ctypes.WinDLL",
    "ctypes.OleDLL",
    "ctypes.cdll.LoadLibrary",
    "ctypes.pydll.LoadLibrary",
    "ctypes.windll.LoadLibrary",
    "ctypes.oledll.LoadLibrary",
    "_ctypes.dlopen",
    "cffi.FFI.dlopen",
    "torch.ops.load_library",
    "torch.classes.load_library",
    "torch.utils.cpp_extension.load",
    "torch.utils.cpp_extension.load_inline",
    "importlib.machinery.ExtensionFileLoader",
];

pub const NETWORK: &[&str] = &[
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.delete",
    "requests.head",
    "requests.request",
    "requests.Session",
    "urllib.request.urlopen",
    "urllib.request.urlretrieve",
    "urllib.request.build_opener",
    "urllib.urlopen",
    "urllib.urlretrieve",
    "urllib2.urlopen",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "httplib.HTTPConnection",
    "httplib.HTTPSConnection",
    "socket.socket",
    "socket.create_connection",
    "httpx.get",
    "httpx.post",
    "httpx.request",
    "httpx.stream",
    "httpx.Client",
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
    "urllib3.PoolManager",
    "ftplib.FTP",
    "smtplib.SMTP",
    "telnetlib.Telnet",
    "paramiko.SSHClient",
    "websocket.create_connection",
    "websockets.connect",
];

/// Calls that change where Python imports from.
pub const IMPORT_PATH: &[&str] = &[
    "sys.path.insert",
    "sys.path.append",
    "sys.path.extend",
    "site.addsitedir",
];

/// Functions that open a file with a mode argument.
const OPENERS: &[&str] = &["open", "io.open", "codecs.open", "os.open"];

/// Paths whose writing changes what runs later (startup files, keys, cron).
const STARTUP_MARKERS: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".profile",
    ".zshrc",
    ".zprofile",
    "sitecustomize",
    "usercustomize",
    ".pth",
    "authorized_keys",
    "crontab",
    "/etc/",
    "autostart",
    "startup",
    ".config/",
    "site-packages",
];

/// Loaders of `yaml.load` that do not construct Python objects.
const SAFE_YAML_LOADERS: &[&str] = &["SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"];

/// The class of a call, with a short reason; `None` for ordinary calls.
pub fn classify(call: &PyCall) -> Option<(CallClass, String)> {
    let name = call.callee.as_str();
    let first = call.arg(0).map(|a| &a.value);
    if CODE.contains(&name) {
        return match first {
            Some(ArgValue::Decoded(d)) => Some((
                CallClass::ObfuscatedCode,
                format!("`{name}` runs data decoded by `{d}`"),
            )),
            // A literal is read as code itself (its calls are reported).
            Some(ArgValue::Str(_) | ArgValue::Constant(_)) | None => None,
            Some(_) => Some((
                CallClass::DynamicCode,
                format!("`{name}` runs code that is not a literal"),
            )),
        };
    }
    if PROCESS.contains(&name) {
        return Some((CallClass::Process, format!("`{name}` starts a process")));
    }
    if DESERIALISE.contains(&name) {
        if matches!(name, "marshal.loads" | "marshal.load") && call.nested_in.is_some() {
            return None;
        }
        return Some((
            CallClass::Deserialise,
            format!("`{name}` runs code the data names when it loads"),
        ));
    }
    match name {
        "torch.load" => {
            let safe = call
                .keyword("weights_only")
                .is_some_and(|a| a.value == ArgValue::Constant("True".into()));
            return (!safe).then(|| {
                (
                    CallClass::Deserialise,
                    "`torch.load` without `weights_only=True` unpickles whatever the file holds"
                        .to_string(),
                )
            });
        }
        "yaml.load" | "yaml.load_all" => {
            let loader = call.keyword("Loader").or(call.arg(1));
            let safe = loader.is_some_and(|a| {
                let t = match &a.value {
                    ArgValue::Name(n) => n.as_str(),
                    _ => a.text.as_str(),
                };
                SAFE_YAML_LOADERS
                    .iter()
                    .any(|s| t == *s || t.ends_with(&format!(".{s}")))
            });
            return (!safe).then(|| {
                (
                    CallClass::Deserialise,
                    format!("`{name}` without a safe loader constructs the Python objects the YAML tags name"),
                )
            });
        }
        "numpy.load" => {
            let pickles = call
                .keyword("allow_pickle")
                .is_some_and(|a| a.value == ArgValue::Constant("True".into()));
            return pickles.then(|| {
                (
                    CallClass::Deserialise,
                    "`numpy.load(allow_pickle=True)` unpickles object arrays".to_string(),
                )
            });
        }
        _ => {}
    }
    if NATIVE.contains(&name) {
        return Some((
            CallClass::NativeLibrary,
            format!("`{name}` loads native code"),
        ));
    }
    if NETWORK.contains(&name) {
        return Some((
            CallClass::Network,
            format!("`{name}` opens a network connection"),
        ));
    }
    if IMPORT_PATH.contains(&name) {
        return Some((
            CallClass::Tampering,
            format!("`{name}` changes where Python imports modules from"),
        ));
    }
    if OPENERS.contains(&name) {
        return outside_write(call).map(|why| (CallClass::Tampering, why));
    }
    None
}

/// `open('/etc/…', 'w')`, `open(os.path.expanduser('~/.bashrc'), 'a')`.
fn outside_write(call: &PyCall) -> Option<String> {
    let path = call.arg(0)?;
    let mode = call
        .arg(1)
        .or(call.keyword("mode"))
        .or(call.keyword("flags"));
    let writes = mode.is_some_and(|m| match &m.value {
        ArgValue::Str(s) => s.contains(['w', 'a', 'x', '+']),
        _ => ["O_WRONLY", "O_RDWR", "O_APPEND", "O_CREAT"]
            .iter()
            .any(|f| m.text.contains(f)),
    });
    if !writes {
        return None;
    }
    let text = match &path.value {
        ArgValue::Str(s) => s.as_str(),
        _ => path.text.as_str(),
    };
    let home = text.contains("expanduser")
        || text.starts_with('~')
        || text.contains("\"~")
        || text.contains("'~");
    let absolute =
        matches!(&path.value, ArgValue::Str(s) if s.starts_with('/') || s.get(1..3) == Some(":\\"));
    let startup = STARTUP_MARKERS.iter().find(|m| text.contains(*m));
    if !(home || absolute || startup.is_some()) {
        return None;
    }
    Some(match startup {
        Some(m) => format!(
            "writes `{}` (a `{m}` path: a startup or system file)",
            path.text
        ),
        None if home => format!("writes `{}` in the user's home directory", path.text),
        None => format!(
            "writes `{}`, an absolute path outside the repository",
            path.text
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::Limits;
    use sentrascan_formats::python::analyze;

    fn classes(src: &str) -> Vec<CallClass> {
        analyze(src.as_bytes(), &Limits::default())
            .calls
            .iter()
            .filter_map(classify)
            .map(|(c, _)| c)
            .collect()
    }

    #[test]
    fn each_class() {
        use CallClass::*;
        assert_eq!(classes("import subprocess as s\ns.run(['x'])"), [Process]);
        assert_eq!(classes("eval(input())"), [DynamicCode]);
        assert_eq!(classes("eval('1+1')"), []);
        assert_eq!(
            classes("import zlib, base64\nexec(zlib.decompress(base64.b64decode(b'eJw=')))"),
            [ObfuscatedCode]
        );
        assert_eq!(classes("import torch\ntorch.load('x.bin')"), [Deserialise]);
        assert_eq!(
            classes("import torch\ntorch.load('x.bin', weights_only=True)"),
            []
        );
        assert_eq!(classes("import yaml\nyaml.load(s)"), [Deserialise]);
        assert_eq!(
            classes("import yaml\nyaml.load(s, Loader=yaml.SafeLoader)"),
            []
        );
        assert_eq!(classes("import numpy as np\nnp.load('a.npy')"), []);
        assert_eq!(
            classes("import numpy as np\nnp.load('a.npy', allow_pickle=True)"),
            [Deserialise]
        );
        assert_eq!(
            classes("from ctypes import CDLL\nCDLL('./x.so')"),
            [NativeLibrary]
        );
        assert_eq!(
            classes("from cffi import FFI\nffi = FFI()\nffi.dlopen('x')"),
            [NativeLibrary]
        );
        assert_eq!(
            classes("import requests\nrequests.get('http://127.0.0.1:9')"),
            [Network]
        );
        assert_eq!(
            classes("import sys\nsys.path.insert(0, '/tmp')"),
            [Tampering]
        );
        assert_eq!(classes("open('/etc/profile', 'a')"), [Tampering]);
        assert_eq!(
            classes("import os\nopen(os.path.expanduser('~/.bashrc'), 'a')"),
            [Tampering]
        );
        assert_eq!(classes("open('config.json', 'w')\nopen('/etc/hosts')"), []);
    }

    #[test]
    fn methods_named_like_builtins_are_not_builtins() {
        assert_eq!(
            classes("model.eval()\nre.compile('x')\ntorch.compile(m)\nself.exec()"),
            []
        );
    }
}
