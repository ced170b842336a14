//! Runs the real `licheng` binary on a free loopback port and talks plain HTTP/1.1 to it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub port: u16,
    pub log: std::path::PathBuf,
}

pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

impl Server {
    /// Starts `licheng serve` with `database_url` and the data directory `dir`, and waits until
    /// `/healthz` answers.
    pub fn start(dir: &Path, database_url: &str, extra_args: &[&str]) -> Server {
        Server::start_with(dir, database_url, extra_args, &[])
    }

    /// As [`Server::start`], with extra `LICHENG_*` variables.
    pub fn start_with(dir: &Path, database_url: &str, extra_args: &[&str], vars: &[(&str, &str)]) -> Server {
        let port = free_port();
        let log = dir.join("server.log");
        let out = std::fs::OpenOptions::new().create(true).append(true).open(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_licheng"))
            .arg("serve")
            .args(extra_args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LICHENG_BIND", format!("127.0.0.1:{port}"))
            .env("LICHENG_DATA_DIR", dir.join("data"))
            .env("LICHENG_DATABASE_URL", database_url)
            .env("LICHENG_FRONTEND_DIR", dir.join("frontend"))
            .env("LICHENG_WORKERS", "2")
            .envs(vars.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start licheng");
        let mut server = Server { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(reply) = server.try_get("/healthz") {
                if reply.status == 200 {
                    return server;
                }
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("licheng exited with {status}: {}", std::fs::read_to_string(&server.log).unwrap_or_default());
            }
            if Instant::now() > deadline {
                panic!("licheng did not start: {}", std::fs::read_to_string(&server.log).unwrap_or_default());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn get(&self, path: &str) -> HttpReply {
        self.request("GET", path, &[], None).expect("request")
    }

    fn try_get(&mut self, path: &str) -> std::io::Result<HttpReply> {
        self.request("GET", path, &[], None)
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> std::io::Result<HttpReply> {
        self.client().request(method, path, headers, body)
    }

    /// A handle that talks to this server from another thread.
    pub fn client(&self) -> Client {
        Client { port: self.port }
    }
}

/// Plain HTTP/1.1 to a server on a loopback port.
#[derive(Clone, Copy)]
pub struct Client {
    pub port: u16,
}

impl Client {
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> std::io::Result<HttpReply> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n", self.port);
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(body) = body {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        if let Some(body) = body {
            stream.write_all(body)?;
        }
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        parse(&raw).ok_or_else(|| std::io::Error::other("malformed HTTP reply"))
    }

}

fn parse(raw: &[u8]) -> Option<HttpReply> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Some(HttpReply { status, headers, body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&data[..line_end]).ok()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

impl Server {
    /// Kills the server with SIGKILL (no chance to clean up) and waits for it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs another `licheng` command against the same data directory and database.
pub fn licheng(dir: &Path, database_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_licheng"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LICHENG_DATA_DIR", dir.join("data"))
        .env("LICHENG_DATABASE_URL", database_url)
        .output()
        .expect("run licheng")
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
