"""What anyone can fetch from /consent-log/ and check with the standalone verifier alone."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.utils import timezone

from consent_log import leaves, merkle, signing
from consent_log.services import log_seal
from tests.consent_log.conftest import customers
from tests.consent_log.test_merkle import Store
from tests.consent_log.test_sequencer import logged_records
from tests.consent_log.verifier import PATH as VERIFIER
from tests.consent_log.verifier import jetu_verify


@pytest.fixture
def two_heads(db):
    customers(2)
    first = log_seal().head.size
    customers(3, start=10, language="kk")
    second = log_seal().head.size
    return first, second


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(("application/json", "application/jwk-set+json"))
    return response.json()


def run_verifier(*args):
    result = subprocess.run(
        [sys.executable, str(VERIFIER), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def test_latest_head_verifies_with_the_published_key(client, two_heads):
    head = get_json(client, "/consent-log/heads/latest/")
    pem = client.get("/consent-log/key.pem").content
    assert head["size"] == two_heads[1]
    jetu_verify.verify_head(head, jetu_verify.load_public_key(pem))
    jwks = get_json(client, "/consent-log/jwks.json")
    assert [key["kid"] for key in jwks["keys"]] == [head["key_id"]]


def test_history_lists_every_head_newest_first(client, two_heads):
    page = get_json(client, "/consent-log/heads/")
    assert [head["size"] for head in page["heads"]] == [two_heads[1], two_heads[0]]
    assert page["count"] == 2 and page["next"] is None
    older = get_json(client, f"/consent-log/heads/{two_heads[0]}/")
    assert older == page["heads"][1]


def test_history_is_paginated(client, db, monkeypatch):
    monkeypatch.setattr("consent_log.views.HEADS_PER_PAGE", 2)
    for number in range(3):
        customers(1, start=number)
        log_seal()
    first = get_json(client, "/consent-log/heads/")
    second = get_json(client, first["next"])
    assert first["pages"] == 2
    assert len(first["heads"]) == 2 and len(second["heads"]) == 1
    assert second["previous"] == "/consent-log/heads/?page=1"


def test_inclusion_proof_of_every_leaf_verifies(client, two_heads):
    records = logged_records()
    for size in two_heads:
        head = get_json(client, f"/consent-log/heads/{size}/")
        for index in range(size):
            proof = get_json(client, f"/consent-log/proof/inclusion/?index={index}&size={size}")
            assert proof["leaf_hash"] == merkle.leaf_hash(records[index]).hex()
            jetu_verify.verify_inclusion(
                index,
                size,
                bytes.fromhex(proof["leaf_hash"]),
                [bytes.fromhex(item) for item in proof["inclusion_proof"]],
                bytes.fromhex(head["root_hash"]),
            )


def test_consistency_proof_between_published_heads_verifies(client, two_heads):
    old, new = two_heads
    proof = get_json(client, f"/consent-log/proof/consistency/?first={old}&second={new}")
    jetu_verify.verify_heads_consistent(
        get_json(client, f"/consent-log/heads/{old}/"),
        get_json(client, f"/consent-log/heads/{new}/"),
        proof,
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/consent-log/proof/inclusion/?index=abc", 400),
        ("/consent-log/proof/inclusion/?index=-1", 400),
        ("/consent-log/proof/inclusion/?index=1e3", 400),
        ("/consent-log/proof/inclusion/?index=%D9%A3", 400),  # an Arabic-Indic digit
        ("/consent-log/proof/inclusion/?index=99999999999999999999999", 400),
        ("/consent-log/proof/inclusion/", 400),
        ("/consent-log/proof/inclusion/?index=0&size=999", 404),
        ("/consent-log/proof/inclusion/?index=999&size=SIZE", 404),
        ("/consent-log/proof/consistency/?first=SIZE", 400),
        ("/consent-log/proof/consistency/?first=SIZE&second=1", 400),
        ("/consent-log/proof/consistency/?first=1&second=SIZE", 404),
        ("/consent-log/heads/?page=0", 404),
        ("/consent-log/heads/?page=abc", 400),
        ("/consent-log/heads/?page=7", 404),
        ("/consent-log/heads/12345/", 404),
    ],
)
def test_bad_requests_get_a_json_error(client, two_heads, url, status):
    body = get_json(client, url.replace("SIZE", str(two_heads[1])), status=status)
    assert body["error"].endswith(".")


def test_an_empty_log_has_no_head_yet(client, db):
    assert "error" in get_json(client, "/consent-log/heads/latest/", status=404)
    assert "error" in get_json(client, "/consent-log/proof/inclusion/?index=0", status=404)


def test_the_index_names_the_endpoints(client, db):
    index = get_json(client, "/consent-log/")
    assert index["latest_head"] == "/consent-log/heads/latest/"


def write(path, value):
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_command_line_verifier_checks_a_record_with_public_files_only(
    client, two_heads, tmp_path
):
    """An expert's run: the public key, the published JSON, and the record the customer holds."""
    old, new = two_heads
    key = tmp_path / "key.pem"
    key.write_bytes(client.get("/consent-log/key.pem").content)
    head = write(tmp_path / "head.json", get_json(client, "/consent-log/heads/latest/"))
    old_head = write(tmp_path / "old.json", get_json(client, f"/consent-log/heads/{old}/"))
    index = new - 1
    proof = get_json(client, f"/consent-log/proof/inclusion/?index={index}&size={new}")
    receipt = write(
        tmp_path / "receipt.json",
        {"leaf": json.loads(logged_records()[index]), **proof},
    )
    consistency = write(
        tmp_path / "proof.json",
        get_json(client, f"/consent-log/proof/consistency/?first={old}&second={new}"),
    )

    assert run_verifier("head", head, "--key", key)[0] == 0
    code, output = run_verifier("receipt", receipt, "--head", head, "--key", key)
    assert code == 0 and f"leaf {index} of the log of {new} records" in output, output
    code, output = run_verifier("consistency", old_head, head, "--proof", consistency, "--key", key)
    assert code == 0, output

    tampered = json.loads(receipt.read_text())
    tampered["leaf"]["language"] = "ru" if tampered["leaf"]["language"] == "kk" else "kk"
    code, output = run_verifier(
        "receipt", write(tmp_path / "t.json", tampered), "--head", head, "--key", key
    )
    assert code == 1 and "not the one the log holds" in output

    forged = {**json.loads(head.read_text()), "size": new + 1}
    code, output = run_verifier("head", write(tmp_path / "f.json", forged), "--key", key)
    assert code == 1 and "signature does not match" in output

    assert run_verifier("head", tmp_path / "missing.json", "--key", key)[0] == 2


def test_a_receipt_outlives_a_rewritten_history_that_fails_consistency(client, two_heads):
    """The operator rewrites an old acceptance and re-signs a whole new log from it.

    The customer's receipt still verifies against the head published before; the rewritten
    log's newer head cannot be shown consistent with that head.
    """
    old, new = two_heads
    records = logged_records()
    published = get_json(client, f"/consent-log/heads/{old}/")
    index = old - 1
    receipt = {
        "leaf": json.loads(records[index]),
        **get_json(client, f"/consent-log/proof/inclusion/?index={index}&size={old}"),
    }
    key = jetu_verify.load_public_key(client.get("/consent-log/key.pem").content)

    rewritten_leaf = {
        **receipt["leaf"],
        "language": "kk",
        "accepted_at": "2020-01-01T00:00:00.000000Z",
    }
    rewritten = [*records[:index], leaves.encode(rewritten_leaf), *records[index + 1 :]]
    forged_log = Store(rewritten)
    root = merkle.root(new, forged_log.read)
    signed = signing.sign_head(new, root, timezone.now())
    forged_head = {
        **signing.head_fields(signed.size, signed.root_hash, signed.timestamp, signed.key_id),
        "signature": signed.signature.hex(),
    }
    forged_proof = {
        "first": old,
        "second": new,
        "consistency_proof": [p.hex() for p in merkle.consistency_proof(old, new, forged_log.read)],
    }

    jetu_verify.verify_head(forged_head, key)  # the operator's key signs anything it is given
    jetu_verify.verify_receipt(receipt, published, key)
    with pytest.raises(jetu_verify.VerificationError, match="differ from those the older head"):
        jetu_verify.verify_heads_consistent(published, forged_head, forged_proof)
