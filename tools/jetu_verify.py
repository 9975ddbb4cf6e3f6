#!/usr/bin/env python3
"""Check Jetu's consent log yourself, without Jetu's software or database.

Needs Python 3.11 or later and the ``cryptography`` package, nothing else::

    python jetu_verify.py head HEAD.json --key PUBKEY.pem
    python jetu_verify.py receipt RECEIPT.json --key PUBKEY.pem [--head HEAD.json]
    python jetu_verify.py consistency OLD.json NEW.json --proof PROOF.json [--key PUBKEY.pem]

``head`` checks that a signed tree head was signed by the key. ``receipt`` checks a customer's
consent receipt (a JWS, as downloaded from *My account*): the operator's signature, that what
it states is what the logged record says, and that the record is a leaf of the log that the
signed head in the receipt (or the head given with ``--head``, the one you kept) commits to. A
bare record with its proof (``leaf``, ``leaf_index``, ``tree_size``, ``inclusion_proof``) is
checked against ``--head`` the same way. ``consistency`` checks
that the newer head's log still contains, unchanged and in the same order, every leaf of the
older one: nothing was rewritten, removed or reordered in between. Exit status 0 means the check
passed; 1 means it failed (the reason is printed); 2 means the files could not be read.

The formats and the algorithms (RFC 9162, section 2.1) are described in docs/consent-log.md.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HASH_SIZE = 32
# Signed bytes of a tree head: this line, then the canonical JSON of the four signed fields.
HEAD_CONTEXT = b"jetu-consent-log/tree-head/v1\n"
HEAD_FIELDS = ("key_id", "root_hash", "size", "timestamp")


class VerificationError(Exception):
    """The evidence does not check out; the message says why, in plain words."""


# Hashing (RFC 6962, section 2.1, kept by RFC 9162) -------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def canonical_json(value) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (for these data the same as RFC 8785)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# Proofs (RFC 9162, sections 2.1.3.2 and 2.1.4.2) --------------------------------------------


def _check_hashes(proof: Sequence[bytes], *named: tuple[str, bytes]) -> None:
    for name, value in named:
        if len(value) != HASH_SIZE:
            raise VerificationError(f"The {name} is not a SHA-256 hash ({len(value)} bytes).")
    if any(len(item) != HASH_SIZE for item in proof):
        raise VerificationError("An element of the proof is not a SHA-256 hash.")


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise unless ``proof`` shows the leaf hash ``leaf`` at ``index`` in the tree ``root``."""
    _check_hashes(proof, ("leaf hash", leaf), ("root hash", root))
    if not 0 <= index < size:
        raise VerificationError(f"Leaf {index} cannot be in a tree of {size} leaves.")
    fn, sn, result = index, size - 1, leaf
    for item in proof:
        if sn == 0:
            raise VerificationError("The inclusion proof is longer than the tree is deep.")
        if fn & 1 or fn == sn:
            result = node_hash(item, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, item)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("The inclusion proof is shorter than the tree is deep.")
    if result != root:
        raise VerificationError(
            "The inclusion proof does not lead to the tree head's root hash: the record is not "
            "the one the log holds at this position."
        )


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise unless ``proof`` shows the tree ``old_root`` is a prefix of the tree ``new_root``."""
    _check_hashes(proof, ("older root hash", old_root), ("newer root hash", new_root))
    if not 0 <= old_size <= new_size:
        raise VerificationError(
            f"A log of {new_size} records cannot extend one of {old_size} records: it shrank."
        )
    if old_size == new_size:
        if proof:
            raise VerificationError("Two heads of the same size need an empty proof.")
        if old_root != new_root:
            raise VerificationError(
                "The two heads have the same size but different root hashes: the log was rewritten."
            )
        return
    if old_size == 0:
        if proof:
            raise VerificationError("Consistency with the empty log needs an empty proof.")
        return
    if not proof:
        raise VerificationError("The consistency proof is empty.")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The older tree is a complete subtree of the newer: its root starts the path.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for item in path[1:]:
        if sn == 0:
            raise VerificationError("The consistency proof is longer than the tree is deep.")
        if fn & 1 or fn == sn:
            fr = node_hash(item, fr)
            sr = node_hash(item, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, item)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("The consistency proof is shorter than the tree is deep.")
    if fr != old_root or sr != new_root:
        # With a power-of-two older size the old root is taken as given, so a rewritten prefix
        # shows only in the newer root: the two failures cannot be told apart, nor need to be.
        raise VerificationError(
            "The newer log does not contain the older one unchanged: its first "
            f"{old_size} records differ from those the older head signed (or the proof is not "
            "for these two heads)."
        )


# Keys and signed tree heads -----------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise VerificationError("The public key file is not a PEM public key.") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise VerificationError("The public key is not an Ed25519 key.")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    """The key's RFC 7638 JWK thumbprint (RFC 8037 members of an Ed25519 key)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(raw)}
    return _b64url(hashlib.sha256(canonical_json(members)).digest())


def head_signed_bytes(head: dict) -> bytes:
    return HEAD_CONTEXT + canonical_json({name: head[name] for name in HEAD_FIELDS})


def _hex(value, what: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except (TypeError, ValueError) as exc:
        raise VerificationError(f"The {what} is not written in hexadecimal.") from exc


def _size(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise VerificationError(f"The {what} is not a whole number of records.")
    return value


def verify_head(head: dict, key: Ed25519PublicKey) -> None:
    """Raise unless ``head`` is a well-formed tree head signed by ``key``."""
    missing = [name for name in (*HEAD_FIELDS, "signature") if name not in head]
    if missing:
        raise VerificationError(f"The tree head lacks {', '.join(missing)}.")
    _size(head["size"], "tree size")
    if len(_hex(head["root_hash"], "root hash")) != HASH_SIZE:
        raise VerificationError("The root hash is not a SHA-256 hash.")
    if head["key_id"] != key_id(key):
        raise VerificationError(
            "The tree head names another key than the public key given "
            f"({head['key_id']} instead of {key_id(key)})."
        )
    try:
        key.verify(_hex(head["signature"], "signature"), head_signed_bytes(head))
    except InvalidSignature as exc:
        raise VerificationError(
            "The signature does not match: the tree head was changed after it was signed, or "
            "was not signed with this key."
        ) from exc


def receipt_leaf(receipt: dict) -> bytes:
    """The exact bytes of the receipt's logged record (its ``leaf``, canonically serialised)."""
    log = receipt.get("log", receipt)
    if "leaf" not in log:
        raise VerificationError('The receipt carries no logged record ("leaf").')
    return canonical_json(log["leaf"])


def verify_receipt(receipt: dict, head: dict, key: Ed25519PublicKey) -> None:
    """Raise unless the receipt's record is in the log that the signed ``head`` commits to."""
    verify_head(head, key)
    log = receipt.get("log", receipt)
    for name in ("leaf_index", "tree_size", "inclusion_proof"):
        if name not in log:
            raise VerificationError(f"The receipt lacks {name}.")
    size = _size(log["tree_size"], "receipt's tree size")
    if size != head["size"]:
        raise VerificationError(
            f"The receipt's proof is for a log of {size} records, the tree head is for "
            f"{head['size']}: fetch the proof for this head's size."
        )
    proof = [_hex(item, "inclusion proof") for item in log["inclusion_proof"]]
    verify_inclusion(
        _size(log["leaf_index"], "leaf index"),
        size,
        leaf_hash(receipt_leaf(receipt)),
        proof,
        _hex(head["root_hash"], "root hash"),
    )


# Consent receipts (JWS, RFC 7515, signed with Ed25519: RFC 8037 / RFC 9864) -----------------

RECEIPT_FORMAT = "jetu-consent-receipt/v1"
RECEIPT_ALGORITHMS = ("EdDSA", "Ed25519")  # the same signature, under its two JOSE names


def _b64url_decode(value, what: str) -> bytes:
    if not isinstance(value, str) or not value.isascii() or "=" in value:
        raise VerificationError(f"The receipt's {what} is not base64url text.")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as exc:
        raise VerificationError(f"The receipt's {what} is not base64url text.") from exc


def receipt_parts(text: str) -> tuple[str, str, str]:
    """The three base64url parts of a JWS: compact (``a.b.c``) or flattened JSON serialization."""
    text = text.strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise VerificationError("The receipt file is not valid JSON.") from exc
        if not isinstance(document, dict) or not {"protected", "payload", "signature"} <= set(
            document
        ):
            raise VerificationError(
                "The receipt is not a signed receipt (a JWS with protected, payload and signature)."
            )
        return document["protected"], document["payload"], document["signature"]
    parts = text.split(".")
    if len(parts) != 3:
        raise VerificationError("The receipt is not a JWS (three parts separated by dots).")
    return parts[0], parts[1], parts[2]


def verify_receipt_signature(text: str, key: Ed25519PublicKey) -> dict:
    """Check the operator's signature on a receipt; returns its content (the JWS payload)."""
    protected, payload, signature = receipt_parts(text)
    try:
        header = json.loads(_b64url_decode(protected, "protected header"))
    except ValueError as exc:
        raise VerificationError("The receipt's protected header is not JSON.") from exc
    if not isinstance(header, dict):
        raise VerificationError("The receipt's protected header is not a JSON object.")
    if header.get("alg") not in RECEIPT_ALGORITHMS:
        raise VerificationError(
            f"The receipt is signed with {header.get('alg')!r}, not Ed25519 (EdDSA)."
        )
    if header.get("crit"):
        raise VerificationError("The receipt requires header extensions this verifier lacks.")
    if "kid" in header and header["kid"] != key_id(key):
        raise VerificationError(
            "The receipt names another key than the public key given "
            f"({header['kid']} instead of {key_id(key)})."
        )
    try:
        key.verify(_b64url_decode(signature, "signature"), f"{protected}.{payload}".encode("ascii"))
    except InvalidSignature as exc:
        raise VerificationError(
            "The receipt's signature does not match: it was changed after the operator signed "
            "it, or was not signed with this key."
        ) from exc
    try:
        content = json.loads(_b64url_decode(payload, "payload").decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise VerificationError("The receipt's content is not JSON.") from exc
    if not isinstance(content, dict) or content.get("receipt_format") != RECEIPT_FORMAT:
        raise VerificationError(f"The receipt's content is not a {RECEIPT_FORMAT} receipt.")
    return content


def receipt_statement_problems(content: dict) -> list[str]:
    """Where what the receipt states differs from the logged record it carries."""
    leaf = content.get("log", {}).get("leaf")
    if not isinstance(leaf, dict):
        return ['The receipt carries no logged record ("leaf").']
    notice = content.get("notice", {})
    stated = {
        "kind": ("acceptance", "the kind of record"),
        "id": (
            content.get("receipt_id", "").rpartition(":")[2],
            "the acceptance's number",
        ),
        "document": (notice.get("document_id"), "the document"),
        "number": (notice.get("version"), "the version"),
        "language": (content.get("language"), "the language"),
        "text_sha256": (notice.get("text_sha256"), "the text's SHA-256"),
        "accepted_at": (content.get("consent_timestamp"), "the time of consent"),
        "channel": (content.get("collection_method", {}).get("code"), "the channel"),
    }
    problems = []
    for name, (value, what) in stated.items():
        logged = leaf.get(name)
        if str(value) != str(logged):
            problems.append(
                f"The receipt states {what} as {value!r}, its logged record as {logged!r}."
            )
    if notice.get("language") != content.get("language"):
        problems.append("The receipt's text is in another language than the one it states.")
    return problems


def verify_signed_receipt(text: str, key: Ed25519PublicKey, head: dict | None = None) -> dict:
    """Raise unless a signed receipt checks out; returns its content.

    Checks the operator's signature, that the receipt states what its logged record says, and
    that the record is in the log that ``head`` commits to (default: the signed head the
    receipt carries; give the copy you kept to check against that one).
    """
    content = verify_receipt_signature(text, key)
    problems = receipt_statement_problems(content)
    if problems:
        raise VerificationError(" ".join(problems))
    log = content["log"]
    if not log.get("sealed"):
        raise VerificationError(
            "The receipt is signed but not sealed yet: its record was not in a signed tree head "
            "when it was issued. Download it again a minute later."
        )
    carried = log.get("tree_head")
    if not isinstance(carried, dict):
        raise VerificationError("The receipt carries no signed tree head.")
    verify_head(carried, key)
    if head is not None:
        verify_head(head, key)
        if head.get("size") == carried.get("size") and head.get("root_hash") != carried.get(
            "root_hash"
        ):
            raise VerificationError(
                f"The tree head given and the one in the receipt both sign {head['size']} "
                "records but with different root hashes: the log was rewritten."
            )
    verify_receipt(content, head if head is not None else carried, key)
    return content


def verify_heads_consistent(old: dict, new: dict, proof_document: dict) -> None:
    """Raise unless the newer head's log extends the older head's log unchanged."""
    old_size = _size(old.get("size"), "older tree size")
    new_size = _size(new.get("size"), "newer tree size")
    if (proof_document.get("first"), proof_document.get("second")) != (old_size, new_size):
        raise VerificationError(
            f"The proof is between sizes {proof_document.get('first')} and "
            f"{proof_document.get('second')}, not {old_size} and {new_size}."
        )
    verify_consistency(
        old_size,
        new_size,
        _hex(old.get("root_hash"), "older root hash"),
        _hex(new.get("root_hash"), "newer root hash"),
        [_hex(item, "consistency proof") for item in proof_document.get("consistency_proof", [])],
    )


# Command line -------------------------------------------------------------------------------


def _read_json(path: str) -> dict:
    try:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OSError(f"{path}: {exc}") from exc
    if not isinstance(value, dict):
        raise OSError(f"{path}: not a JSON object")
    return value


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise OSError(f"{path}: {exc}") from exc


def _bare_record(text: str) -> dict | None:
    """A JSON record with its proof (not a signed receipt), or None."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, dict) and "payload" not in value:
        return value
    return None


def _read_key(path: str) -> Ed25519PublicKey:
    try:
        return load_public_key(Path(path).read_bytes())
    except OSError as exc:
        raise OSError(f"{path}: {exc}") from exc


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    head_cmd = commands.add_parser("head", help="check a signed tree head's signature")
    head_cmd.add_argument("head")
    head_cmd.add_argument("--key", required=True, help="the operator's public key (PEM)")
    receipt_cmd = commands.add_parser("receipt", help="check a consent receipt")
    receipt_cmd.add_argument("receipt")
    receipt_cmd.add_argument(
        "--head", help="a signed tree head you kept (default: the one in the receipt)"
    )
    receipt_cmd.add_argument("--key", required=True)
    cons_cmd = commands.add_parser("consistency", help="check a newer head extends an older one")
    cons_cmd.add_argument("old")
    cons_cmd.add_argument("new")
    cons_cmd.add_argument("--proof", required=True)
    cons_cmd.add_argument("--key", help="also check both heads' signatures")
    args = parser.parse_args(argv)

    try:
        if args.command == "head":
            head = _read_json(args.head)
            key = _read_key(args.key)
            checks = lambda: verify_head(head, key)  # noqa: E731
            passed = f"The tree head of {head.get('size')} records is signed by key {key_id(key)}."
        elif args.command == "receipt":
            text = _read_text(args.receipt)
            head = _read_json(args.head) if args.head else None
            key = _read_key(args.key)
            bare = _bare_record(text)
            if bare is not None:
                if head is None:
                    raise VerificationError("A bare record needs --head, the head it proves to.")
                checks = lambda: verify_receipt(bare, head, key)  # noqa: E731
                log = bare.get("log", bare)
                passed = (
                    f"The record is leaf {log.get('leaf_index')} of the log of "
                    f"{head.get('size')} records signed at {head.get('timestamp')} by key "
                    f"{key_id(key)}."
                )
            else:
                checked = {}

                def checks():
                    checked.update(verify_signed_receipt(text, key, head))

                def passed_message():
                    log, notice = checked["log"], checked["notice"]
                    signed = head or log["tree_head"]
                    return (
                        f"The receipt is signed by key {key_id(key)}; it records the consent "
                        f"of {checked['pii_principal_id']} to version {notice['version']} "
                        f"({checked['language']}, text SHA-256 {notice['text_sha256']}) at "
                        f"{checked['consent_timestamp']}, which is leaf {log['leaf_index']} of "
                        f"the log of {signed['size']} records signed at {signed['timestamp']}."
                    )

                passed = passed_message
        else:
            old, new = _read_json(args.old), _read_json(args.new)
            proof = _read_json(args.proof)
            key = _read_key(args.key) if args.key else None

            def checks():
                if key is not None:
                    verify_head(old, key)
                    verify_head(new, key)
                verify_heads_consistent(old, new, proof)

            passed = (
                f"The log of {new.get('size')} records contains the {old.get('size')} records "
                "of the older head unchanged."
            )
    except OSError as exc:
        print(f"Cannot read the input: {exc}", file=sys.stderr)
        return 2
    except VerificationError as exc:
        print(f"FAILED: {exc}")
        return 1
    try:
        checks()
    except VerificationError as exc:
        print(f"FAILED: {exc}")
        return 1
    except (KeyError, TypeError, AttributeError) as exc:
        print(f"FAILED: the file is not in the expected format ({exc!r}).")
        return 1
    print(f"OK: {passed() if callable(passed) else passed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
