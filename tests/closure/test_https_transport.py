"""The HTTPS transport (production's default): the package is POSTed over mutual TLS to CTP's endpoint.

A real TLS server on 127.0.0.1 in a thread, with its own certificate authority, that asks for this service's
client certificate: the package arrives whole with its id and hash; without the client certificate, or to a
server that answers an error, the delivery fails, is recorded, and the case stays where it was.
"""

from __future__ import annotations

import datetime
import hashlib
import http.server
import ipaddress
import ssl
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from audit.models import AuditEvent
from closure.models import TransferStage
from closure.services import transfer_deliver
from closure.services.delivery import TransferDeliveryError

pytestmark = pytest.mark.django_db


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(folder: Path, stem: str, *, issuer=None, ca: bool = False, server: bool = False):  # noqa: ANN001, ANN202
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    subject = _name(f"{stem} (test)")
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer[0].subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        ).add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    else:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()), critical=False
        )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
    certificate = builder.sign(issuer[1] if issuer else key, hashes.SHA256())
    cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate, key, cert_path, key_path


@pytest.fixture
def pki(tmp_path):
    folder = tmp_path / "pki"
    folder.mkdir()
    ca = _certificate(folder, "ca", ca=True)
    server = _certificate(folder, "server", issuer=ca[:2], server=True)
    client = _certificate(folder, "client", issuer=ca[:2])
    return {"ca": ca[2], "server": server[2:], "client": client[2:]}


@pytest.fixture
def ctp_endpoint(pki):
    """CTP's endpoint: TLS with a client certificate required; records what it received; answers `status`."""
    received: list[dict] = []
    state = {"status": 201}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(
                {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            )
            self.send_response(state["status"])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki["ca"]))
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_cert_chain(*(str(p) for p in pki["server"]))
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"https://127.0.0.1:{server.server_address[1]}/packages", "received": received, "state": state}
    server.shutdown()
    server.server_close()


@pytest.fixture
def https_settings(settings, pki, ctp_endpoint):
    settings.TRANSFER_TRANSPORT = "https"
    settings.TRANSFER_HTTPS_URL = ctp_endpoint["url"]
    settings.TRANSFER_HTTPS_CA_FILE = str(pki["ca"])
    settings.TRANSFER_HTTPS_CLIENT_CERT = str(pki["client"][0])
    settings.TRANSFER_HTTPS_CLIENT_KEY = str(pki["client"][1])
    settings.TRANSFER_HTTPS_TIMEOUT_SECONDS = 10
    return settings


def test_the_package_is_posted_over_mutual_tls_with_its_id_and_hash(closed_case, https_settings, ctp_endpoint):
    transfer = transfer_deliver(transfer_id=closed_case.transfer.pk)
    assert transfer.stage == TransferStage.DELIVERED
    assert transfer.transport == "https"
    [request] = ctp_endpoint["received"]
    assert request["path"] == "/packages"
    assert request["body"] == bytes(transfer.package)
    assert request["headers"]["x-transfer-package-id"] == str(transfer.package_id)
    assert request["headers"]["x-transfer-package-sha256"] == hashlib.sha256(request["body"]).hexdigest()
    assert request["headers"]["content-type"] == "application/json"
    drop = Path(https_settings.TRANSFER_DROP_DIR)
    assert not drop.exists() or not any(drop.iterdir())  # nothing goes to a drop folder
    transfer_deliver(transfer_id=closed_case.transfer.pk)
    assert len(ctp_endpoint["received"]) == 1  # a delivered package is never sent twice


def test_without_the_client_certificate_the_endpoint_refuses_and_the_failure_is_recorded(
    closed_case, https_settings, ctp_endpoint
):
    https_settings.TRANSFER_HTTPS_CLIENT_CERT = ""
    https_settings.TRANSFER_HTTPS_CLIENT_KEY = ""
    with pytest.raises(TransferDeliveryError):
        transfer_deliver(transfer_id=closed_case.transfer.pk)
    closed_case.transfer.refresh_from_db()
    assert closed_case.transfer.stage == TransferStage.BUILT
    assert closed_case.transfer.delivered_at is None
    assert closed_case.transfer.delivery_attempts == 1
    assert ctp_endpoint["received"] == []
    assert AuditEvent.objects.filter(action="TRANSFER_DELIVERY_FAILED").count() == 1


def test_an_endpoint_answering_an_error_is_a_failed_delivery_retried_later(closed_case, https_settings, ctp_endpoint):
    ctp_endpoint["state"]["status"] = 503
    with pytest.raises(TransferDeliveryError):
        transfer_deliver(transfer_id=closed_case.transfer.pk)
    closed_case.transfer.refresh_from_db()
    assert closed_case.transfer.stage == TransferStage.BUILT
    ctp_endpoint["state"]["status"] = 200
    assert transfer_deliver(transfer_id=closed_case.transfer.pk).stage == TransferStage.DELIVERED
    assert len(ctp_endpoint["received"]) == 2


def test_a_server_not_signed_by_the_configured_authority_is_not_sent_the_package(
    closed_case, https_settings, ctp_endpoint, tmp_path
):
    other_ca = _certificate(tmp_path, "other-ca", ca=True)
    https_settings.TRANSFER_HTTPS_CA_FILE = str(other_ca[2])
    with pytest.raises(TransferDeliveryError):
        transfer_deliver(transfer_id=closed_case.transfer.pk)
    assert ctp_endpoint["received"] == []
