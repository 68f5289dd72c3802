//! Marketo's envelopes and the answers built with them: a failed call ([`ApiError`]: HTTP status,
//! Marketo error code and message) in the User Management envelope or the REST one, JSON answers,
//! and the marks a response carries for the request log and the server ([`MarketoCode`],
//! [`DropConnection`]). Nothing of the state: the bodies are `api.rs`'s.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

/// The Marketo error code a response carried, for the request log.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MarketoCode(pub i32);

/// Marks a response whose connection must be closed without sending it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// A failed call: HTTP status, Marketo error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: i32,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: i32, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
    /// 400/701: a required field is missing or blank.
    pub fn blank(field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            701,
            format!("{field} cannot be blank"),
        )
    }
    /// 400/1003: invalid data.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 1003, message)
    }
    /// 404/1013: object not found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, 1013, message)
    }
    /// 409/1017: object already exists.
    pub fn exists(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, 1017, message)
    }
    /// 400/709: business rule violated.
    pub fn rule(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 709, message)
    }
    /// 409/1022: object in use.
    pub fn in_use(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, 1022, message)
    }
    /// 500/611: the emulator itself failed (e.g. the state file could not be written).
    pub fn system(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, 611, message)
    }

    /// The answer under `/rest/`, Marketo's REST convention: HTTP 200 with `success: false` and the
    /// code as a string in the envelope (see [`rest_envelope`]).
    pub fn into_rest_response(self) -> Response {
        let errors = vec![RestErrorOut {
            code: self.code.to_string(),
            message: self.message,
        }];
        let mut resp = ok(&rest_envelope::<()>(errors, Vec::new()));
        resp.extensions_mut().insert(MarketoCode(self.code));
        resp
    }

    pub fn into_response(self) -> Response {
        let body = serde_json::json!({
            "errors": [{ "code": self.code, "message": self.message }]
        });
        let mut resp = json_response(StatusCode::OK, &body);
        *resp.status_mut() = self.status;
        resp.extensions_mut().insert(MarketoCode(self.code));
        resp
    }
}

/// A JSON response with the given status.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"null".to_vec());
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    resp
}

/// 200 with a JSON body.
pub(crate) fn ok<T: Serialize>(body: &T) -> Response {
    json_response(StatusCode::OK, body)
}

/// 200 with the literal body `true`, as Marketo answers invite and delete calls.
pub(crate) fn ok_true() -> Response {
    ok(&true)
}

/// An item of a REST answer's `errors`: Marketo's `Error` of the REST APIs, whose code is a string.
#[derive(Debug, Serialize)]
pub(crate) struct RestErrorOut {
    pub code: String,
    pub message: String,
}

/// An item of a REST answer's `warnings` (`Warning`: an integer code and a message); the emulator
/// has none to give.
#[derive(Debug, Serialize)]
pub(crate) struct WarningOut {
    pub code: i32,
    pub message: String,
}

/// The envelope of every answer under `/rest/` (the Usage API's `ResponseOfUsageData` and
/// `ResponseOfErrorsData`): `requestId`, `success`, `errors`, `warnings` and `result`, all always
/// present, as the Swagger requires (`errors` empty on success, `result` empty on failure).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RestEnvelope<T> {
    pub request_id: String,
    pub success: bool,
    pub errors: Vec<RestErrorOut>,
    pub warnings: Vec<WarningOut>,
    pub result: Vec<T>,
}

/// A request id in Marketo's style: `<hex>#<hex>`, different for every answer.
fn request_id() -> String {
    let millis = marketo_date::now_utc().timestamp_millis();
    format!("{:04x}#{millis:x}", rand::random::<u16>())
}

/// A REST envelope: a success when `errors` is empty.
pub(crate) fn rest_envelope<T>(errors: Vec<RestErrorOut>, result: Vec<T>) -> RestEnvelope<T> {
    RestEnvelope {
        request_id: request_id(),
        success: errors.is_empty(),
        errors,
        warnings: Vec::new(),
        result,
    }
}

/// 200 with a successful REST envelope around `result`.
pub(crate) fn rest_ok<T: Serialize>(result: Vec<T>) -> Response {
    ok(&rest_envelope(Vec::new(), result))
}
