//! XML bodies of the multipart and copy APIs, as typed serde structs (quick-xml), with round-trip
//! tests against the samples of the COS API docs (Initiate 7746, Complete 7742, List Parts 7747,
//! List Multipart Uploads 7736, Upload Part - Copy 8287, PUT Object - Copy 10881).

use serde::{Deserialize, Serialize};

/// `InitiateMultipartUploadResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateResult {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
}

/// The `CompleteMultipartUpload` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteRequest {
    #[serde(rename = "Part", default)]
    pub parts: Vec<CompletePart>,
}

/// One `Part` of a Complete request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletePart {
    #[serde(rename = "PartNumber")]
    pub part_number: u32,
    #[serde(rename = "ETag")]
    pub etag: String,
}

/// `CompleteMultipartUploadResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteResult {
    #[serde(rename = "Location")]
    pub location: String,
    #[serde(rename = "Bucket")]
    pub bucket: String,
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "ETag")]
    pub etag: String,
}

/// `CopyObjectResult` and `CopyPartResult` (same shape; the root name is given when writing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyResult {
    #[serde(rename = "ETag")]
    pub etag: String,
    #[serde(rename = "LastModified")]
    pub last_modified: String,
    #[serde(rename = "CRC64", default, skip_serializing_if = "Option::is_none")]
    pub crc64: Option<String>,
}

/// `Owner` / `Initiator`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "DisplayName")]
    pub display_name: String,
}

impl Principal {
    /// COS's form for a root account: `qcs::cam::uin/<uin>:uin/<uin>`.
    pub fn uin(uin: &str) -> Principal {
        Principal {
            id: format!("qcs::cam::uin/{uin}:uin/{uin}"),
            display_name: uin.to_string(),
        }
    }

    /// A full CAM id (`qcs::cam::uin/<root>:uin/<sub>`, `...:roleName/<name>`, or
    /// `qcs::cam::anyone:anyone`); the display name is its last part.
    pub fn cam_id(id: &str) -> Principal {
        let display = id.rsplit([':', '/']).next().unwrap_or(id);
        Principal {
            id: id.to_string(),
            display_name: display.to_string(),
        }
    }
}

/// `ListPartsResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPartsResult {
    #[serde(rename = "Bucket")]
    pub bucket: String,
    #[serde(
        rename = "Encoding-Type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub encoding_type: Option<String>,
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "UploadId")]
    pub upload_id: String,
    #[serde(rename = "Initiator")]
    pub initiator: Principal,
    #[serde(rename = "Owner")]
    pub owner: Principal,
    #[serde(rename = "StorageClass")]
    pub storage_class: String,
    #[serde(rename = "PartNumberMarker")]
    pub part_number_marker: u32,
    #[serde(rename = "NextPartNumberMarker")]
    pub next_part_number_marker: u32,
    #[serde(rename = "MaxParts")]
    pub max_parts: usize,
    #[serde(rename = "IsTruncated")]
    pub is_truncated: bool,
    #[serde(rename = "Part", default)]
    pub parts: Vec<ListedPart>,
}

/// One `Part` of a List Parts answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedPart {
    #[serde(rename = "PartNumber")]
    pub part_number: u32,
    #[serde(rename = "LastModified")]
    pub last_modified: String,
    #[serde(rename = "ETag")]
    pub etag: String,
    #[serde(rename = "Size")]
    pub size: u64,
}

/// `ListMultipartUploadsResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListUploadsResult {
    #[serde(rename = "Bucket")]
    pub bucket: String,
    #[serde(
        rename = "Encoding-Type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub encoding_type: Option<String>,
    #[serde(rename = "KeyMarker")]
    pub key_marker: String,
    #[serde(rename = "UploadIdMarker")]
    pub upload_id_marker: String,
    #[serde(
        rename = "NextKeyMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_key_marker: Option<String>,
    #[serde(
        rename = "NextUploadIdMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_upload_id_marker: Option<String>,
    #[serde(rename = "MaxUploads")]
    pub max_uploads: usize,
    #[serde(rename = "IsTruncated")]
    pub is_truncated: bool,
    #[serde(rename = "Prefix")]
    pub prefix: String,
    #[serde(rename = "Delimiter", default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    #[serde(rename = "Upload", default)]
    pub uploads: Vec<ListedUpload>,
    #[serde(rename = "CommonPrefixes", default)]
    pub common_prefixes: Vec<CommonPrefix>,
}

/// One `Upload` of a List Multipart Uploads answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedUpload {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "UploadId")]
    pub upload_id: String,
    #[serde(rename = "StorageClass")]
    pub storage_class: String,
    #[serde(rename = "Initiator")]
    pub initiator: Principal,
    #[serde(rename = "Owner")]
    pub owner: Principal,
    #[serde(rename = "Initiated")]
    pub initiated: String,
}

/// `CommonPrefixes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommonPrefix {
    #[serde(rename = "Prefix")]
    pub prefix: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{from_xml, to_xml};

    fn round_trip<T>(root: &str, value: &T) -> String
    where
        T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let xml = to_xml(root, value).unwrap();
        let back: T = from_xml(xml.as_bytes()).unwrap();
        assert_eq!(&back, value, "{xml}");
        xml
    }

    #[test]
    fn complete_request_parses_doc_sample() {
        let body = r#"<CompleteMultipartUpload>
            <Part><PartNumber>1</PartNumber><ETag>"e1"</ETag></Part>
            <Part><PartNumber>2</PartNumber><ETag>e2</ETag></Part>
        </CompleteMultipartUpload>"#;
        let req: CompleteRequest = from_xml(body.as_bytes()).unwrap();
        assert_eq!(
            req.parts,
            vec![
                CompletePart {
                    part_number: 1,
                    etag: "\"e1\"".into()
                },
                CompletePart {
                    part_number: 2,
                    etag: "e2".into()
                }
            ]
        );
        round_trip("CompleteMultipartUpload", &req);
        let bad: Result<CompleteRequest, _> = from_xml(
            b"<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
        );
        assert_eq!(bad.unwrap_err().code, crate::error::Code::MalformedXML);
        let bad: Result<CompleteRequest, _> = from_xml(b"<CompleteMultipartUpload><Part>");
        assert!(bad.is_err());
    }

    #[test]
    fn initiate_and_complete_results_round_trip() {
        let xml = round_trip(
            "InitiateMultipartUploadResult",
            &InitiateResult {
                bucket: "examplebucket-1250000000".into(),
                key: "exampleobject".into(),
                upload_id: "1585130821cbb7df1d".into(),
            },
        );
        assert!(
            xml.contains("<UploadId>1585130821cbb7df1d</UploadId>"),
            "{xml}"
        );
        let xml = round_trip(
            "CompleteMultipartUploadResult",
            &CompleteResult {
                location: "examplebucket-1250000000.cos.ap-beijing.myqcloud.com/exampleobject"
                    .into(),
                bucket: "examplebucket-1250000000".into(),
                key: "exampleobject".into(),
                etag: "\"aa259a62513358f69e98e72e59856d88-3\"".into(),
            },
        );
        assert!(
            xml.contains("<ETag>&quot;aa259a62513358f69e98e72e59856d88-3&quot;</ETag>")
                || xml.contains("<ETag>\"aa259a62513358f69e98e72e59856d88-3\"</ETag>"),
            "{xml}"
        );
    }

    #[test]
    fn copy_result_round_trips_with_and_without_crc64() {
        let mut r = CopyResult {
            etag: "\"ee8de918d05640145b18f70f4c3aa602\"".into(),
            last_modified: "2020-03-11T05:58:57.000Z".into(),
            crc64: Some("16749565679157681890".into()),
        };
        let xml = round_trip("CopyObjectResult", &r);
        assert!(xml.contains("<CRC64>16749565679157681890</CRC64>"), "{xml}");
        r.crc64 = None;
        let xml = round_trip("CopyPartResult", &r);
        assert!(!xml.contains("CRC64"), "{xml}");
    }

    #[test]
    fn list_parts_result_round_trips() {
        let r = ListPartsResult {
            bucket: "examplebucket-1250000000".into(),
            encoding_type: Some("url".into()),
            key: "exampleobject".into(),
            upload_id: "u1".into(),
            initiator: Principal::uin("100000000001"),
            owner: Principal::uin("100000000001"),
            storage_class: "STANDARD".into(),
            part_number_marker: 0,
            next_part_number_marker: 2,
            max_parts: 2,
            is_truncated: true,
            parts: vec![
                ListedPart {
                    part_number: 1,
                    last_modified: "2020-03-11T05:58:57.000Z".into(),
                    etag: "\"e1\"".into(),
                    size: 1048576,
                },
                ListedPart {
                    part_number: 2,
                    last_modified: "2020-03-11T05:58:58.000Z".into(),
                    etag: "\"e2\"".into(),
                    size: 3,
                },
            ],
        };
        let xml = round_trip("ListPartsResult", &r);
        assert!(xml.contains("<Encoding-Type>url</Encoding-Type>"), "{xml}");
        assert!(xml.contains("<IsTruncated>true</IsTruncated>"), "{xml}");
        assert!(
            xml.contains("<ID>qcs::cam::uin/100000000001:uin/100000000001</ID>"),
            "{xml}"
        );
        let empty = ListPartsResult {
            parts: vec![],
            encoding_type: None,
            ..r
        };
        round_trip("ListPartsResult", &empty);
    }

    #[test]
    fn list_uploads_result_round_trips() {
        let r = ListUploadsResult {
            bucket: "examplebucket-1250000000".into(),
            encoding_type: None,
            key_marker: "".into(),
            upload_id_marker: "".into(),
            next_key_marker: Some("a".into()),
            next_upload_id_marker: Some("u1".into()),
            max_uploads: 1,
            is_truncated: true,
            prefix: "".into(),
            delimiter: Some("/".into()),
            uploads: vec![ListedUpload {
                key: "a".into(),
                upload_id: "u1".into(),
                storage_class: "STANDARD".into(),
                initiator: Principal::uin("1"),
                owner: Principal::uin("1"),
                initiated: "2020-03-11T05:58:57.000Z".into(),
            }],
            common_prefixes: vec![CommonPrefix {
                prefix: "d/".into(),
            }],
        };
        let xml = round_trip("ListMultipartUploadsResult", &r);
        assert!(xml.contains("<CommonPrefixes>"), "{xml}");
    }
}
