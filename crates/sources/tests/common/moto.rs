//! moto's S3 server (`moto[server]` from PyPI, installed by `.ci/sources.sh`),
//! started on a free 127.0.0.1 port; `None`, saying the test is skipped,
//! when it is not installed.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_moto() -> Option<Moto> {
    let bin = std::env::var("MOTO_SERVER_BIN").unwrap_or_else(|_| "moto_server".into());
    let port = TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = match Command::new(&bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "SKIPPED: moto's S3 server (`{bin}`) is not available ({e}); run `source .ci/sources.sh` or set MOTO_SERVER_BIN"
            );
            return None;
        }
    };
    let moto = Moto { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if raw(port, "GET", "/").is_some() {
            return Some(moto);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("SKIPPED: moto did not start on 127.0.0.1:{port} within 30 s");
    None
}

/// One plain HTTP/1.0 request (moto does not check signatures by default);
/// the status code.
pub fn raw(port: u16, method: &str, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    buf.split(' ').nth(1)?.parse().ok()
}

/// Creates a bucket and puts objects with plain requests (moto does not
/// check signatures by default).
pub fn put_objects(port: u16, bucket: &str, objects: &[(&str, &[u8])]) {
    assert_eq!(
        raw(port, "PUT", &format!("/{bucket}")),
        Some(200),
        "create bucket"
    );
    for (key, body) in objects {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "PUT /{bucket}/{key} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        s.write_all(body).unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).unwrap();
        assert!(
            buf.starts_with("HTTP/1.0 200") || buf.starts_with("HTTP/1.1 200"),
            "{buf}"
        );
    }
}
