//! The crate's `tfplugin6-empty-provider` binary, started as Terraform starts a provider.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine;
use tfplugin6::proto::plugin as gp;
use tfplugin6::proto::tfplugin6 as pb;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tfplugin6-empty-provider"));
    for var in [
        "TF_PLUGIN_MAGIC_COOKIE",
        "PLUGIN_PROTOCOL_VERSIONS",
        "PLUGIN_MIN_PORT",
        "PLUGIN_MAX_PORT",
        "PLUGIN_CLIENT_CERT",
        "TF_LOG",
        "TF_LOG_PROVIDER",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for the child to exit, killing it after `limit`.
fn wait_exit(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn binary_run_by_hand_prints_the_friendly_message() {
    let out = binary().output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("This binary is a plugin for Terraform"),
        "{err}"
    );
    assert!(err.contains("--debug"), "{err}");
}

#[test]
fn binary_refuses_protocol_versions_it_does_not_speak() {
    let out = binary()
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("speaks only version 6"));
}

struct Handshake {
    child: std::process::Child,
    addr: String,
    cert: String,
}

fn handshake(extra_env: &[(&str, &str)]) -> Handshake {
    let mut cmd = binary();
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "20000")
        .env("PLUGIN_MAX_PORT", "29999");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let fields: Vec<&str> = line.trim_end_matches('\n').split('|').collect();
    assert_eq!(fields.len(), 6, "handshake line {line:?}");
    assert_eq!(fields[0], "1");
    assert_eq!(fields[1], "6");
    assert_eq!(fields[2], "tcp");
    assert_eq!(fields[4], "grpc");
    let port: u16 = fields[3]
        .strip_prefix("127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert!((20000..=29999).contains(&port));
    // Nothing else ever appears on stdout.
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = stdout.read_to_string(&mut rest);
        assert!(
            rest.is_empty(),
            "unexpected stdout after the handshake: {rest:?}"
        );
    });
    Handshake {
        child,
        addr: fields[3].to_string(),
        cert: fields[5].to_string(),
    }
}

fn der_to_pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

/// A client certificate shaped like go-plugin's: self-signed, CA flag set,
/// client and server auth.
fn go_plugin_like_client_cert() -> (String, String) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

#[test]
fn binary_handshake_plaintext_then_shutdown() {
    let mut h = handshake(&[]);
    assert_eq!(h.cert, "", "no certificate without AutoMTLS");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let channel = Channel::from_shared(format!("http://{}", h.addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut c = pb::provider_client::ProviderClient::new(channel.clone());
        let s = c
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap()
            .into_inner();
        assert!(s.provider.is_some());
        let mut ctl = gp::grpc_controller_client::GrpcControllerClient::new(channel);
        ctl.shutdown(gp::Empty {}).await.unwrap();
    });
    let status = wait_exit(&mut h.child, Duration::from_secs(10)).expect("exits after Shutdown");
    assert!(status.success(), "{status:?}");
}

#[test]
fn binary_handshake_with_auto_mtls() {
    let (client_pem, client_key) = go_plugin_like_client_cert();
    let mut h = handshake(&[("PLUGIN_CLIENT_CERT", &client_pem)]);
    assert!(!h.cert.is_empty());
    assert!(!h.cert.contains('='), "no base64 padding");
    let der = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&h.cert)
        .unwrap();
    assert_eq!(der[0], 0x30, "a DER certificate");
    let server_pem = der_to_pem(&der);
    let port = h.addr.rsplit(':').next().unwrap().to_string();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tls = ClientTlsConfig::new()
            .domain_name("localhost")
            .ca_certificate(Certificate::from_pem(&server_pem));
        // Without a client certificate the server refuses the connection.
        let refused = async {
            let ch = Channel::from_shared(format!("https://localhost:{port}"))
                .unwrap()
                .tls_config(tls.clone())
                .unwrap()
                .connect()
                .await?;
            pb::provider_client::ProviderClient::new(ch)
                .get_metadata(pb::get_metadata::Request {})
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)?;
            Ok::<(), Box<dyn std::error::Error>>(())
        };
        assert!(
            refused.await.is_err(),
            "a client without the certificate must be refused"
        );
        // A different client certificate is refused too.
        let (other_pem, other_key) = go_plugin_like_client_cert();
        let other = async {
            let ch = Channel::from_shared(format!("https://localhost:{port}"))
                .unwrap()
                .tls_config(
                    tls.clone()
                        .identity(Identity::from_pem(&other_pem, &other_key)),
                )
                .unwrap()
                .connect()
                .await?;
            pb::provider_client::ProviderClient::new(ch)
                .get_metadata(pb::get_metadata::Request {})
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)?;
            Ok::<(), Box<dyn std::error::Error>>(())
        };
        assert!(
            other.await.is_err(),
            "another client certificate must be refused"
        );

        let channel = Channel::from_shared(format!("https://localhost:{port}"))
            .unwrap()
            .tls_config(tls.identity(Identity::from_pem(&client_pem, &client_key)))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut c = pb::provider_client::ProviderClient::new(channel.clone());
        let s = c
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap()
            .into_inner();
        assert!(s.provider.is_some());
        let mut ctl = gp::grpc_controller_client::GrpcControllerClient::new(channel);
        ctl.shutdown(gp::Empty {}).await.unwrap();
    });
    let status = wait_exit(&mut h.child, Duration::from_secs(10)).expect("exits after Shutdown");
    assert!(status.success(), "{status:?}");
}

#[test]
fn binary_debug_mode_prints_reattach_value() {
    let mut child = binary().arg("--debug").spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    let mut reattach = None;
    for _ in 0..40 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_string());
            break;
        }
        text.push_str(&line);
    }
    let reattach = reattach.unwrap_or_else(|| panic!("no TF_REATTACH_PROVIDERS in {text:?}"));
    let v: serde_json::Value = serde_json::from_str(&reattach).unwrap();
    let entry = v.as_object().unwrap().values().next().unwrap();
    assert_eq!(entry["Pid"], child.id());
    let addr = entry["Addr"]["String"].as_str().unwrap().to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let channel = Channel::from_shared(format!("http://{addr}"))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut c = pb::provider_client::ProviderClient::new(channel);
        c.get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap();
    });
    // SIGTERM ends debug mode cleanly.
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = wait_exit(&mut child, Duration::from_secs(10)).expect("exits on SIGTERM");
    assert!(status.success(), "{status:?}");
}

/// A provider whose parent is killed (as `kill -9` of Terraform leaves it) shuts itself down
/// instead of living on, idle, listening on loopback.
#[cfg(unix)]
#[test]
fn the_provider_exits_when_the_process_that_started_it_is_killed() {
    let bin = env!("CARGO_BIN_EXE_tfplugin6-empty-provider");
    // A shell stands in for Terraform: it starts the provider, prints its pid and waits.
    let mut parent = Command::new("sh")
        .arg("-c")
        .arg(format!("'{bin}' & echo \"pid $!\"; wait"))
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(parent.stdout.take().unwrap()).lines();
    let mut pid = None;
    let mut handshake = false;
    while pid.is_none() || !handshake {
        let line = lines.next().expect("a line").unwrap();
        if let Some(p) = line.strip_prefix("pid ") {
            pid = Some(p.trim().to_string());
        } else if line.starts_with("1|6|tcp|") {
            handshake = true;
        }
    }
    let pid = pid.unwrap();
    let alive = |pid: &str| std::path::Path::new(&format!("/proc/{pid}")).exists();
    if !std::path::Path::new("/proc/self").exists() {
        eprintln!("skipped: no /proc to watch the provider by");
        let _ = parent.kill();
        let _ = parent.wait();
        return;
    }
    assert!(alive(&pid));
    parent.kill().unwrap(); // SIGKILL: the provider gets no Shutdown.
    parent.wait().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while alive(&pid) && std::time::Instant::now() < deadline {
        // A zombie (reaped by init soon) no longer runs: read its state.
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if state.split_whitespace().nth(2) == Some("Z") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let running = alive(&pid) && state.split_whitespace().nth(2) != Some("Z");
    assert!(
        !running,
        "the provider {pid} still runs 10 s after its parent was killed"
    );
}
