//! The test harness: an in-process emulator and an HTTP client that checks every answer from a published
//! operation against the contract (`contract/marketo-api.contract`).

#![allow(dead_code)]

use marketo_emulator::{Config, Emulator, EmulatorHandle};
use serde_json::{Value, json};

pub const UM: &str = "/userservice/management/v1";

pub struct Emu {
    pub handle: EmulatorHandle,
    pub http: reqwest::Client,
    pub token: String,
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub text: String,
    pub json: Value,
}

impl Resp {
    /// The first Marketo error code, if the body is an error envelope.
    pub fn code(&self) -> Option<i64> {
        self.json["errors"][0]["code"].as_i64()
    }

    pub fn message(&self) -> String {
        self.json["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Asserts a Marketo error with this HTTP status and code.
    #[track_caller]
    pub fn err(&self, status: u16, code: i64) -> &Self {
        assert_eq!(
            (self.status, self.code()),
            (status, Some(code)),
            "expected {status}/{code}, got {} {}",
            self.status,
            self.text
        );
        let errors = self.json["errors"].as_array().map(Vec::len);
        assert_eq!(errors, Some(1), "error envelope: {}", self.text);
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(
            self.status, 200,
            "expected 200, got {} {}",
            self.status, self.text
        );
        &self.json
    }
}

pub fn new_http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap_or_else(|e| panic!("http client: {e}"))
}

/// An emulator with limits off.
pub async fn emu() -> Emu {
    start(Config::default().without_limits()).await
}

pub async fn start(config: Config) -> Emu {
    let handle = Emulator::start(config)
        .await
        .unwrap_or_else(|e| panic!("emulator did not start: {e}"));
    let http = new_http();
    let mut emu = Emu {
        handle,
        http,
        token: String::new(),
    };
    let (id, secret) = (
        emu.handle.client_id().to_string(),
        emu.handle.client_secret().to_string(),
    );
    emu.token = emu.token_for(&id, &secret).await;
    emu
}

impl Emu {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }

    pub async fn identity(&self, query: &str) -> Resp {
        self.send(
            "GET",
            &format!("/identity/oauth/token?{query}"),
            None,
            None,
            None,
        )
        .await
    }

    pub async fn token_for(&self, id: &str, secret: &str) -> String {
        let r = self
            .identity(&format!(
                "grant_type=client_credentials&client_id={id}&client_secret={secret}"
            ))
            .await;
        r.ok()["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token in {}", r.text))
            .to_string()
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, Some(&self.token.clone()), None, None)
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.post_as(&self.token.clone(), path, body).await
    }

    pub async fn post_as(&self, token: &str, path: &str, body: Value) -> Resp {
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        self.send(
            "POST",
            path,
            Some(token),
            Some("application/json"),
            Some(bytes),
        )
        .await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Resp {
        self.send("GET", path, Some(token), None, None).await
    }

    /// Any request; the answer of a published operation is checked against the contract.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Resp {
        let resp = self.send_raw(method, path, token, content_type, body).await;
        let resp = resp.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        crate::contract::check(method, path, resp.status, &resp.text);
        resp
    }

    /// Any request, without the contract check and without panicking on a transport error.
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Result<Resp, reqwest::Error> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Resp { status, text, json })
    }

    /// Invites a user; answers its userid.
    pub async fn invite(&self, email: &str, api_only: bool, pairs: Value) -> Resp {
        self.post(
            &format!("{UM}/users/invite.json"),
            json!({
                "emailAddress": email,
                "firstName": "First",
                "lastName": "Last",
                "apiOnly": api_only,
                "userRoleWorkspaces": pairs,
            }),
        )
        .await
    }

    /// An active API-only user holding a new role with these permissions, and a service it owns;
    /// answers (userid, role id, client id, client secret).
    pub async fn api_user_with(
        &self,
        tag: &str,
        permissions: &[&str],
    ) -> (String, i64, String, String) {
        let role = self
            .post(
                &format!("{UM}/roles/create.json"),
                json!({"name": format!("Role {tag}"), "permissions": permissions}),
            )
            .await;
        let role_id = role.ok()["id"].as_i64().unwrap_or_default();
        let email = format!("{tag}@example.com");
        self.invite(
            &email,
            true,
            json!([{"accessRoleId": role_id, "workspaceId": 1}]),
        )
        .await
        .ok();
        let svc = self
            .post(
                &format!("{UM}/services/create.json"),
                json!({"displayName": format!("Service {tag}"), "apiOnlyUser": email}),
            )
            .await;
        let svc = svc.ok();
        (
            email,
            role_id,
            svc["clientId"].as_str().unwrap_or_default().to_string(),
            svc["clientSecret"].as_str().unwrap_or_default().to_string(),
        )
    }
}
