//! The HTTP core without a server: answers turned into values and errors, URLs, joined reads,
//! and futures that are `Send`.

use std::time::Duration;

use reqwest::Method;

use super::*;
use crate::error::Retry;
use crate::secret::Secret;

fn s() -> Secret {
    Secret::new("super-secret-value")
}

#[test]
fn ok_json_passes() {
    let v = interpret(200, br#"[{"id":1}]"#, Missing::Endpoint, "GET /x", &[]).unwrap();
    assert_eq!(v[0]["id"], 1);
    assert_eq!(
        interpret(200, b"true", Missing::Endpoint, "POST /x", &[]).unwrap(),
        Value::Bool(true)
    );
    assert_eq!(
        interpret(200, b"", Missing::Endpoint, "POST /x", &[]).unwrap(),
        Value::Null
    );
}

#[test]
fn ok_status_with_errors_is_an_error() {
    let e = interpret(
        200,
        br#"{"requestId":"1","success":false,"errors":[{"code":"606","message":"Max rate limit '100' exceeded"}]}"#,
        Missing::Endpoint,
        "GET /x",
        &[],
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.code(), Some(606));
    assert_eq!(e.status(), Some(200));
    assert_eq!(e.retry(), Retry::SafeAfterWindow);
}

#[test]
fn non_json_502_is_transient_and_ambiguous() {
    let e = interpret(
        502,
        b"<html><body>502 Bad Gateway</body></html>",
        Missing::Endpoint,
        "POST /x",
        &[],
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transient);
    assert_eq!(e.status(), Some(502));
    assert_eq!(e.code(), None);
    assert_eq!(e.retry(), Retry::Ambiguous);
    assert!(e.message().contains("502 Bad Gateway"));
}

#[test]
fn garbled_success_is_invalid_response_and_ambiguous() {
    let e = interpret(200, br#"{"id": 1, "na"#, Missing::Endpoint, "GET /x", &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert_eq!(e.retry(), Retry::Ambiguous);
}

#[test]
fn a_broken_json_success_body_shows_none_of_its_content() {
    // A token or a new service's secret cannot be redacted before it is known.
    for body in [
        &br#"{"access_token":"tok-1234567890abcdef","expires_in":3"#[..],
        br#"  {"id":3,"clientId":"cid","clientSecret":"ABCDEFGHsecret123456""#,
    ] {
        let e = interpret(200, body, Missing::Endpoint, "GET /x", &[]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse);
        for leaked in ["tok-1234567890abcdef", "ABCDEFGHsecret123456"] {
            assert!(!e.to_string().contains(leaked), "{e}");
            assert!(!format!("{e:?}").contains(leaked), "{e:?}");
        }
    }
    let e = interpret(200, b"<html>oops</html>", Missing::Endpoint, "GET /x", &[]).unwrap_err();
    assert!(e.message().contains("<html>oops</html>"), "{e}");
}

#[test]
fn status_errors_with_string_codes() {
    let e = interpret(
        400,
        br#"{"errors":[{"code":"611","message":"You cannot delete an API user that is being used in API service"}]}"#,
        Missing::Object,
        "POST /u/delete.json",
        &[],
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InUse);
    assert_eq!(e.code(), Some(611));
    let e = interpret(
        404,
        br#"{"errors":[{"code":610,"message":"Requested resource not found"}]}"#,
        Missing::AdminObject,
        "GET /r",
        &[],
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::EndpointMissing);
    let e = interpret(404, b"", Missing::Object, "GET /u", &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn server_text_is_redacted() {
    let secret = s();
    let e = interpret(
        500,
        b"oops super-secret-value leaked",
        Missing::Endpoint,
        "GET /x",
        &[&secret],
    )
    .unwrap_err();
    assert!(!e.to_string().contains("super-secret-value"));
    assert!(!format!("{e:?}").contains("super-secret-value"));
    let e = interpret(
        400,
        br#"{"errors":[{"code":1003,"message":"bad super-secret-value"}]}"#,
        Missing::Endpoint,
        "GET /x",
        &[&secret],
    )
    .unwrap_err();
    assert_eq!(e.message(), "bad [redacted]");
}

#[tokio::test]
async fn client_debug_has_no_secret() {
    let config = ClientConfig::new(
        Url::parse("http://127.0.0.1:9").unwrap(),
        Url::parse("http://127.0.0.1:9/identity").unwrap(),
        "cid",
        s(),
    );
    let client = Client::new(config).unwrap();
    let text = format!("{client:?}");
    assert!(text.contains("cid"));
    assert!(!text.contains("super-secret-value"));
}

#[tokio::test]
async fn url_segments_are_encoded_and_joined_without_double_slash() {
    let config = ClientConfig::new(
        Url::parse("http://127.0.0.1:9/prefix/").unwrap(),
        Url::parse("http://127.0.0.1:9/identity").unwrap(),
        "cid",
        s(),
    );
    let client = Client::new(config).unwrap();
    let call = Call::get(&["users", "a/b?c#d@x.io", "user.json"], Missing::Object)
        .with_query("pageSize", 200);
    let url = client.url(&call).unwrap();
    assert_eq!(
        url.as_str(),
        "http://127.0.0.1:9/prefix/userservice/management/v1/users/a%2Fb%3Fc%23d@x.io/user.json?pageSize=200"
    );
}

/// A caller whose read waits behind another caller's identical read, still in flight, gives
/// up as soon as its own cancellation token fires.
#[tokio::test]
async fn a_read_waiting_to_join_another_honours_its_cancellation() {
    let config = ClientConfig::new(
        Url::parse("http://127.0.0.1:9").unwrap(),
        Url::parse("http://127.0.0.1:9/identity").unwrap(),
        "cid",
        s(),
    );
    let client = Client::new(config).unwrap();
    let call = Call::get(&["users", "roles.json"], Missing::Endpoint);
    let slot = client
        .inner
        .reads
        .slot(&ReadCoalescer::key(&call, crate::limiter::Lane::Normal));
    // Another caller's read of the same URL is in flight.
    let _in_flight = slot.lock().await;
    let token = CancellationToken::new();
    token.cancel();
    let mine = client.with_cancellation(token);
    let result =
        tokio::time::timeout(Duration::from_secs(5), mine.get_json::<Value>(call, "x")).await;
    let err = result
        .expect("a cancelled caller does not wait for the other read")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
}

fn assert_send<T: Send>(_: &T) {}

/// The provider runs calls inside tonic handlers and spawned tasks: every future must be Send.
#[tokio::test]
async fn every_operation_future_is_send() {
    use crate::types::*;
    let config = ClientConfig::new(
        Url::parse("http://127.0.0.1:9").unwrap(),
        Url::parse("http://127.0.0.1:9/identity").unwrap(),
        "cid",
        s(),
    );
    let c = Client::new(config).unwrap();
    let invite = InviteUser {
        email_address: "a@b.co".into(),
        first_name: "a".into(),
        last_name: "b".into(),
        user_role_workspaces: vec![],
        userid: None,
        api_only: true,
        expires_at: None,
        reason: None,
    };
    let role = NewRole {
        name: "r".into(),
        description: None,
        permissions: vec![],
    };
    let service = NewService {
        display_name: "s".into(),
        description: None,
        api_only_user: "u".into(),
    };
    let pairs = [RoleWorkspace {
        access_role_id: 1,
        workspace_id: 0,
    }];
    assert_send(&c.authenticate());
    assert_send(&c.list_users());
    assert_send(&c.get_user("u"));
    assert_send(&c.get_invited_user("u"));
    assert_send(&c.get_user_or_invitation("u"));
    assert_send(&c.invite_user(&invite));
    assert_send(&c.update_user("u", &UpdateUser::default()));
    assert_send(&c.delete_user("u"));
    assert_send(&c.delete_invited_user("u"));
    assert_send(&c.get_user_roles("u"));
    assert_send(&c.add_user_roles("u", &pairs));
    assert_send(&c.delete_user_roles("u", &pairs));
    assert_send(&c.list_roles());
    assert_send(&c.list_workspaces());
    assert_send(&c.find_user("u"));
    assert_send(&c.list_permissions());
    assert_send(&c.create_role(&role));
    assert_send(&c.get_role(1));
    assert_send(&c.update_role(1, &RoleUpdate::default()));
    assert_send(&c.delete_role(1));
    assert_send(&c.find_role_by_name("r"));
    assert_send(&c.list_services());
    assert_send(&c.create_service(&service));
    assert_send(&c.get_service(1));
    assert_send(&c.update_service(1, &ServiceUpdate::default()));
    assert_send(&c.delete_service(1));
    assert_send(&c.find_service_by_client_id("c"));
    assert_send(&c.find_service_by_name("s"));
    assert_send(&fetch_token(&c.config().identity_endpoint, "c", &s()));
    fn assert_sync_clone<T: Send + Sync + Clone + 'static>(_: &T) {}
    assert_sync_clone(&c);
}

#[test]
fn retry_after_in_seconds_or_as_an_http_date() {
    use std::time::{Duration as D, SystemTime, UNIX_EPOCH};
    let now = UNIX_EPOCH + D::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
    assert_eq!(parse_retry_after("7", now), Some(D::from_secs(7)));
    assert_eq!(parse_retry_after(" 0 ", now), Some(D::ZERO));
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:52 GMT", now),
        Some(D::from_secs(15))
    );
    // A date already past means "now".
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
        Some(D::ZERO)
    );
    for bad in ["", "soon", "-3", "1.5"] {
        assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
    }
    assert!(parse_retry_after("99999999999999999999999", SystemTime::now()).is_some());
}

#[test]
fn retry_after_is_capped_at_the_rate_window() {
    let window = Duration::from_secs(20);
    assert_eq!(
        retry::server_wait(Duration::from_secs(3), window),
        Duration::from_secs(3)
    );
    assert_eq!(
        retry::server_wait(Duration::from_secs(3600), window),
        window
    );
}

#[test]
fn only_429_and_503_carry_a_retry_after() {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(reqwest::header::RETRY_AFTER, "4".parse().unwrap());
    assert_eq!(retry_after(429, &h), Some(Duration::from_secs(4)));
    assert_eq!(retry_after(503, &h), Some(Duration::from_secs(4)));
    assert_eq!(retry_after(500, &h), None);
    assert_eq!(retry_after(429, &reqwest::header::HeaderMap::new()), None);
}

#[test]
fn transport_failures_say_what_happened() {
    use crate::error::Transport;
    let target = "https://123-ABC-456.mktorest.com";
    let t = Duration::from_secs(2);
    let c = |timeout, connect, chain: &str| {
        http::classify_transport(timeout, connect, chain, target, t)
    };

    let (kind, retry, text) = c(true, false, "error sending request: operation timed out");
    assert_eq!((kind, retry), (Transport::Timeout, Retry::Ambiguous));
    assert_eq!(
        text,
        "timed out after 2 s waiting for https://123-ABC-456.mktorest.com to answer"
    );
    assert!(!text.contains("refused"));

    let (kind, retry, text) = c(
        false,
        true,
        "error sending request: client error (Connect): dns error: failed to lookup address",
    );
    assert_eq!((kind, retry), (Transport::Connect, Retry::Safe));
    assert!(
        text.starts_with("could not resolve the host of https://123-ABC-456.mktorest.com"),
        "{text}"
    );
    assert!(!text.contains("client_secret"), "{text}");

    let (kind, _, text) = c(false, true, "tcp connect error: Connection refused");
    assert_eq!(kind, Transport::Connect);
    assert!(
        text.starts_with("could not connect to https://123-ABC-456"),
        "{text}"
    );

    let (kind, retry, text) = c(
        false,
        true,
        "client error (Connect): invalid peer certificate: UnknownIssuer",
    );
    assert_eq!(
        (kind, retry),
        (Transport::UntrustedCertificate, Retry::Never)
    );
    assert!(text.contains("is not trusted"), "{text}");
    assert!(text.contains("UnknownIssuer"), "{text}");

    let (kind, retry, _) = c(true, true, "connect timeout");
    assert_eq!((kind, retry), (Transport::Connect, Retry::Safe));

    let (kind, retry, text) = c(false, false, "connection closed before message completed");
    assert_eq!((kind, retry), (Transport::Broken, Retry::Ambiguous));
    assert!(
        text.starts_with("the connection to https://123-ABC-456"),
        "{text}"
    );

    assert_eq!(http::seconds(Duration::from_millis(1500)), "1.5 s");
}

#[tokio::test]
async fn a_request_that_cannot_be_built_is_final_and_says_nothing_was_sent() {
    let http = http_client("test", Duration::from_secs(1), Duration::from_secs(1), &[]).unwrap();
    let err = http
        .get("http://127.0.0.1:9/")
        .header("bad header name", "v")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_builder());
    let e = transport_error(
        err,
        "GET /x",
        "http://127.0.0.1:9",
        Duration::from_secs(1),
        &[],
    );
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(e.retry(), Retry::Never);
    assert!(e.message().contains("nothing was sent"), "{e}");
}

#[test]
fn a_very_long_path_is_shortened_in_messages() {
    let path = format!("/users/{}/user.json", "é".repeat(50_000));
    let op = body::operation(&Method::GET, &path);
    assert!(op.starts_with("GET /users/éé"), "{op}");
    assert!(op.ends_with("(50017 characters in all)"), "{op}");
    assert!(op.len() < 250);
    assert_eq!(
        body::operation(&Method::POST, "/a/b.json"),
        "POST /a/b.json"
    );
}
