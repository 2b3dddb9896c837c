#!/usr/bin/env python3
"""Rebuilds the seed files of fuzz/corpus/ (see README, "Fuzzing"): request heads, signatures and
bodies from the SDK captures (../shared/fixtures/captures, or $COS_MOCK_FIXTURES) and the XML and
JSON bodies the Rust tests send (tests/it/*.rs). Only `seed-*` files are rewritten; regression inputs
(`regression-*`) and hand-written seeds (`hand-*`) are kept. At most MAX seeds per target.

    python3 scripts/fuzz-seeds.py
"""
import glob
import hashlib
import json
import os
import re
import sys
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.environ.get(
    "COS_MOCK_FIXTURES", os.path.join(ROOT, "..", "shared", "fixtures")
)
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
MAX = 40

# XML root element -> target.
XML_ROOTS = {
    "AccessControlPolicy": "acl-xml",
    "CORSConfiguration": "cors",
    "LifecycleConfiguration": "lifecycle",
    "CompleteMultipartUpload": "complete-multipart",
    "Delete": "delete",
    "Tagging": "tagging",
    "VersioningConfiguration": "versioning",
    "ServerSideEncryptionConfiguration": "encryption",
}
for _root in (
    "RefererConfiguration", "WebsiteConfiguration", "BucketLoggingStatus", "DomainConfiguration",
    "OriginConfiguration", "InventoryConfiguration", "AccelerateConfiguration",
    "IntelligentTieringConfiguration", "ObjectLockConfiguration", "ReplicationConfiguration",
):
    XML_ROOTS[_root] = "bucket-config"


def main():
    seeds = {}

    def add(target, data):
        if isinstance(data, str):
            data = data.encode()
        if data and len(data) <= 16384:
            seeds.setdefault(target, {})[hashlib.sha1(data).hexdigest()[:12]] = data

    for path in sorted(glob.glob(os.path.join(FIXTURES, "captures", "*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            rec = json.loads(line)
            from_capture(rec, add)
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "it", "*.rs"))):
        from_rust_test(open(path, encoding="utf-8").read(), add)

    for target, found in sorted(seeds.items()):
        out = os.path.join(CORPUS, target)
        os.makedirs(out, exist_ok=True)
        for old in glob.glob(os.path.join(out, "seed-*")):
            os.remove(old)
        # Keep the shortest distinct seeds: small inputs mutate fastest.
        chosen = sorted(found.items(), key=lambda kv: (len(kv[1]), kv[0]))[:MAX]
        for digest, data in chosen:
            with open(os.path.join(out, f"seed-{digest}"), "wb") as f:
                f.write(data)
        print(f"{target}: {len(chosen)} seeds (of {len(found)})", file=sys.stderr)


def from_capture(rec, add):
    headers = rec["headers"]
    add("route", rec["raw_head"])
    auth = next((v for k, v in headers if k.lower() == "authorization"), "")
    query = rec["query"]
    lines = [f"{k}: {v}" for k, v in headers if k.lower() != "authorization"]
    path = urllib.parse.unquote(rec["path"])
    if auth.startswith("q-sign") or "q-sign-algorithm" in query:
        add("cos-sign", "\n".join([auth, query, rec["method"], path] + lines))
    if auth.startswith("OSS") or "OSSAccessKeyId" in query or "x-oss-signature" in query:
        host = next((v for k, v in headers if k.lower() == "host"), "")
        bucket = host.split(".")[0] if ".oss-" in host else ""
        add("oss-sign", "\n".join([auth, query, rec["method"], f"{bucket}/{path.lstrip('/')}"] + lines))
    acl = [f"{k.lower()}: {v}" for k, v in headers if k.lower().startswith(("x-cos-acl", "x-cos-grant-"))]
    if acl:
        add("acl-headers", "\n".join(acl))
    for k, v in headers:
        if k.lower() in ("x-cos-tagging",):
            add("tagging", v)
        if k.lower() == "x-cos-copy-source":
            add("copy-source", v)
    body = rec.get("body_text") or ""
    if not body:
        return
    if "policy" in rec["query"].split("&"):
        add("oss-policy" if "oss" in rec.get("op", "").lower() or auth.startswith("OSS") else "policy", body)
    ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
    if ctype.startswith("multipart/form-data"):
        add("post-form", f"Content-Type: {ctype}\n{body}")
    for root, target in XML_ROOTS.items():
        if re.search(rf"<{root}[\s>/]", body):
            add(target, body)


def from_rust_test(text, add):
    # String literals, raw or escaped.
    literals = re.findall(r'r#"(.*?)"#', text, re.S)
    literals += [s.encode().decode("unicode_escape", "ignore") for s in re.findall(r'"((?:[^"\\]|\\.)*)"', text)]
    for lit in literals:
        for root, target in XML_ROOTS.items():
            if re.match(rf"\s*(<\?xml[^>]*>\s*)?<{root}[\s>/]", lit):
                add(target, lit)
        stripped = lit.strip()
        if stripped.startswith("{") and re.search(r'"[Ss]tatement"', stripped):
            add("policy", stripped)
        if stripped.startswith("{") and '"expiration"' in stripped:
            add("post-policy", stripped)


if __name__ == "__main__":
    main()
