#!/usr/bin/env python3
"""Independent encoder for the manifest and file-hash vectors of transfer.json (docs/PROTOCOL.md,
"File transfer", "Manifest"): LEB128 varuints and hashlib.sha256, no code from this repository.
Run: python3 transfer-manifest.py  -> prints the JSON of the "manifest" and "fileHashes" entries."""
import hashlib
import json

DOMAIN = b"lanrtc/transfer/file/v1"


def varuint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def string(s):
    b = s.encode("utf-8")
    return varuint(len(b)) + b


def chunk_hashes(data, chunk_size):
    return [hashlib.sha256(data[i:i + chunk_size]).digest() for i in range(0, len(data), chunk_size)]


def file_hash(size, hashes):
    return hashlib.sha256(DOMAIN + size.to_bytes(8, "big") + b"".join(hashes)).digest()


def pattern(n):
    return bytes((i * 7 + 3) & 0xFF for i in range(n))


chunk_size = 65536
content = b"abc"
hashes = chunk_hashes(content, chunk_size)
fh = file_hash(len(content), hashes)
entry = {"path": "a/b.txt", "size": 3, "mode": 0o644, "mtimeMs": 1700000000000}
encoded = (
    varuint(chunk_size) + varuint(1)
    + string(entry["path"]) + varuint(entry["size"]) + varuint(entry["mode"]) + varuint(entry["mtimeMs"])
    + fh + varuint(len(hashes)) + b"".join(hashes)
)
manifest = {
    "manifest": {"chunkSize": chunk_size, "files": [dict(entry, chunkHashes=[h.hex() for h in hashes], fileHash=fh.hex())]},
    "content": content.decode(),
    "hex": encoded.hex(),
}

# File hashes of pattern(size) bytes (byte i = (7i + 3) mod 256) cut into chunkSize chunks.
file_hashes = []
for size, cs in [(0, 65536), (3, 65536), (65536, 65536), (65537, 65536), (200000, 131072)]:
    hs = chunk_hashes(pattern(size), cs)
    file_hashes.append({"size": size, "chunkSize": cs, "fileHash": file_hash(size, hs).hex()})

print(json.dumps({"manifest": manifest, "fileHashes": file_hashes}, indent=2))
