//! COS errors: the one table of error codes (code, HTTP status, default message), the error type every
//! layer returns, and the one function that renders an error as COS's XML body.

use http::StatusCode;

macro_rules! codes {
    ($( $name:ident => $status:expr, $msg:expr; )*) => {
        /// Every COS error code cos-mock can answer with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $( $name, )* }

        impl Code {
            /// All codes, in table order (used by tests and docs).
            pub const ALL: &'static [Code] = &[ $( Code::$name, )* ];

            /// The code as COS spells it in `<Code>`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$name => stringify!($name), )* }
            }

            /// The HTTP status COS answers with.
            pub fn status(self) -> StatusCode {
                match self { $( Code::$name => StatusCode::from_u16($status).expect("valid status"), )* }
            }

            /// The message used when a call site gives none.
            pub fn default_message(self) -> &'static str {
                match self { $( Code::$name => $msg, )* }
            }
        }
    };
}

codes! {
    AccessDenied => 403, "Access Denied.";
    AccessForbidden => 403, "CORSResponse: This CORS request is not allowed.";
    AppendPositionErr => 409, "Position is not equal to the length of the object.";
    BadDigest => 400, "The Content-MD5 you specified did not match what we received.";
    BucketAlreadyExists => 409, "The requested bucket name is not available.";
    BucketAlreadyOwnedByYou => 409, "Your previous request to create the named bucket succeeded and you already own it.";
    BucketNotEmpty => 409, "The bucket you tried to delete is not empty.";
    DomainConfigNotFoundError => 404, "The domain configuration does not exist.";
    EntityTooLarge => 400, "Your proposed upload exceeds the maximum allowed object size.";
    EntityTooSmall => 400, "Your proposed upload is smaller than the minimum allowed object size.";
    ExpiredToken => 400, "The provided token has expired.";
    FileAlreadyExists => 409, "The object already exists and x-cos-forbid-overwrite is true.";
    IncompleteBody => 400, "You did not provide the number of bytes specified by the Content-Length HTTP header.";
    IntelligentTieringConfigurationNotFoundError => 404, "The Intelligenttiering configuration was not found.";
    InternalError => 500, "We encountered an internal error. Please try again.";
    InvalidAccessKeyId => 403, "The Access Key Id you provided does not exist in our records.";
    InvalidArgument => 400, "Invalid Argument.";
    InvalidBucketName => 400, "The specified bucket is not valid.";
    InvalidEncryptionAlgorithmError => 400, "The encryption request you specified is not valid. The valid value is AES256.";
    InvalidDigest => 400, "The Content-MD5 you specified is not valid.";
    InvalidObjectState => 403, "The operation is not valid for the object's storage class.";
    InvalidPart => 400, "One or more of the specified parts could not be found.";
    InvalidPartOrder => 400, "The list of parts was not in ascending order.";
    InvalidPolicyDocument => 400, "Invalid Policy: the POST policy document is not valid.";
    InvalidRange => 416, "The requested range is not satisfiable.";
    InvalidRequest => 400, "Invalid Request.";
    InvalidTag => 400, "The tag provided was not a valid tag.";
    InvalidURI => 400, "Couldn't parse the specified URI.";
    InvalidSecurityToken => 403, "The provided security token is invalid.";
    KeyTooLong => 400, "Your key is too long.";
    MalformedPOSTRequest => 400, "The body of your POST request is not well-formed multipart/form-data.";
    MalformedPolicy => 400, "The policy is not valid.";
    MalformedXML => 400, "The XML you provided was not well-formed or did not validate against our published schema.";
    MethodNotAllowed => 405, "The specified method is not allowed against this resource.";
    MissingContentLength => 411, "You must provide the Content-Length HTTP header.";
    NoSuchBucket => 404, "The specified bucket does not exist.";
    NoSuchCORSConfiguration => 404, "The CORS configuration does not exist.";
    NoSuchEncryptionConfiguration => 404, "The server side encryption configuration was not found.";
    NoSuchInventoryConfiguration => 404, "The specified inventory configuration does not exist.";
    NoSuchKey => 404, "The specified key does not exist.";
    NoSuchLifecycleConfiguration => 404, "The lifecycle configuration does not exist.";
    NoSuchOriginConfiguration => 404, "The origin configuration does not exist.";
    NoSuchPolicy => 404, "The specified bucket policy does not exist.";
    NoSuchTagSet => 404, "The TagSet does not exist.";
    NoSuchUpload => 404, "The specified multipart upload does not exist.";
    NoSuchVersion => 404, "The specified version does not exist.";
    NoSuchWebsiteConfiguration => 404, "The specified bucket does not have a website configuration.";
    NotImplemented => 501, "A header or query you provided implies functionality that is not implemented.";
    ObjectLockConfigurationNotFoundError => 404, "Object Lock configuration does not exist for this bucket.";
    ObjectNotAppendable => 409, "The object is not appendable.";
    PolicyFull => 400, "your policy or acl has reached the limit";
    PreconditionFailed => 412, "At least one of the preconditions you specified did not hold.";
    ReplicationConfigurationnotFoundError => 404, "The replication configuration was not found.";
    RequestTimeout => 400, "Your socket connection to the server was not read from or written to within the timeout period.";
    RequestTimeTooSkewed => 403, "The difference between the request time and the server's time is too large.";
    RestoreAlreadyInProgress => 409, "Object restore is already in progress.";
    SignatureDoesNotMatch => 403, "The Signature you specified is invalid.";
    SlowDown => 503, "Please reduce your request rate.";
    TooManyBuckets => 400, "You have attempted to create more buckets than allowed.";
    // The admin API's own (not COS's): an unknown `/_cos-mock/*` path, and a state-changing admin
    // body that is not JSON.
    NotFound => 404, "There is no such admin endpoint.";
    UnsupportedMediaType => 415, "The admin API takes application/json bodies.";
}

/// An error answered to the client as COS error XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosError {
    pub code: Code,
    pub message: String,
    /// Extra elements written between `Message` and `Resource` (e.g. `StringToSign`, `FormatString`).
    pub extra: Vec<(&'static str, String)>,
    /// Response headers answered with the error (e.g. `x-cos-delete-marker` on a 404 for a key whose
    /// current version is a delete marker).
    pub headers: Vec<(&'static str, String)>,
}

impl CosError {
    /// An error with the code's default message.
    pub fn new(code: Code) -> Self {
        CosError {
            code,
            message: code.default_message().to_string(),
            extra: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// An error with a specific message.
    pub fn with_message(code: Code, message: impl Into<String>) -> Self {
        CosError {
            code,
            message: message.into(),
            extra: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// Adds an extra element to the XML body.
    pub fn with_extra(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    /// Adds a response header to the error answer.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }
}

impl From<Code> for CosError {
    fn from(code: Code) -> Self {
        CosError::new(code)
    }
}

impl std::fmt::Display for CosError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for CosError {}

pub type Result<T, E = CosError> = std::result::Result<T, E>;

/// Renders the COS error body. Every element has non-empty text (the python SDK needs all five).
/// Escapes with `wire` (a leaf): `crate::xml` builds on this module, not the other way round.
pub fn render_xml(err: &CosError, resource: &str, request_id: &str, trace_id: &str) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n");
    push_elem(&mut out, "Code", err.code.as_str());
    let message = if err.message.is_empty() {
        err.code.default_message()
    } else {
        &err.message
    };
    push_elem(&mut out, "Message", message);
    for (name, value) in &err.extra {
        out.push_str(&format!(
            "\t<{name}>{}</{name}>\n",
            crate::wire::xml_escape(value)
        ));
    }
    push_elem(
        &mut out,
        "Resource",
        if resource.is_empty() { "/" } else { resource },
    );
    push_elem(&mut out, "RequestId", request_id);
    push_elem(&mut out, "TraceId", trace_id);
    out.push_str("</Error>");
    out
}

fn push_elem(out: &mut String, name: &str, text: &str) {
    out.push_str(&format!(
        "\t<{name}>{}</{name}>\n",
        crate::wire::xml_escape(text)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_client_or_server_error_status_and_a_message() {
        for code in Code::ALL {
            assert!(
                code.status().is_client_error() || code.status().is_server_error(),
                "{code:?}"
            );
            assert!(!code.default_message().is_empty(), "{code:?}");
        }
    }

    #[test]
    fn render_has_all_five_elements_non_empty() {
        let err = CosError::new(Code::NoSuchKey);
        let xml = render_xml(
            &err,
            "b-1.cos.ap-guangzhou.myqcloud.com/a&b",
            "cmVx",
            "dHJj",
        );
        assert!(xml.starts_with("<?xml version='1.0' encoding='utf-8' ?>"));
        assert!(xml.contains("<Code>NoSuchKey</Code>"));
        assert!(xml.contains("<Message>The specified key does not exist.</Message>"));
        assert!(xml.contains("<Resource>b-1.cos.ap-guangzhou.myqcloud.com/a&amp;b</Resource>"));
        assert!(xml.contains("<RequestId>cmVx</RequestId>"));
        assert!(xml.contains("<TraceId>dHJj</TraceId>"));
    }

    #[test]
    fn render_puts_extras_between_message_and_resource() {
        let err = CosError::new(Code::SignatureDoesNotMatch)
            .with_extra("StringToSign", "sha1\n1;2\nabc\n")
            .with_extra("FormatString", "get\n/\n\nhost=x\n");
        let xml = render_xml(&err, "/", "r", "t");
        let m = xml.find("<Message>").unwrap();
        let s = xml.find("<StringToSign>").unwrap();
        let f = xml.find("<FormatString>").unwrap();
        let r = xml.find("<Resource>").unwrap();
        assert!(m < s && s < f && f < r);
    }
}
