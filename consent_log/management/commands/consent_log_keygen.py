from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand, CommandError

from consent_log.signing import generate_key_file, key_id


class Command(BaseCommand):
    help = (
        "Generate the consent log's Ed25519 signing key into a new file (owner-only), for "
        "CONSENT_LOG_SIGNING_KEY_FILE. Never overwrites a key: heads signed with it would no "
        "longer verify against the published public key."
    )
    requires_system_checks = []  # the check it satisfies would otherwise stop it

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        if not generate_key_file(path):
            raise CommandError(f"{path} exists; a signing key is never overwritten.")
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        self.stdout.write(f"Wrote {path} (key id {key_id(key.public_key())}).")
        self.stdout.write(f"Set CONSENT_LOG_SIGNING_KEY_FILE={path.resolve()}")
