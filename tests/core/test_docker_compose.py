"""docker-compose.yml is valid (Debian's docker-compose) and every command names a real entry point."""

from __future__ import annotations

import importlib
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

REPO = Path(__file__).resolve().parents[2]
DJANGO_SERVICES = {"migrate", "web", "worker", "beat"}
# Distinct values, so a test can tell which credential reached which container.
PASSWORDS = {
    "POSTGRES_PASSWORD": "superuser-pw-check",
    "POSTGRES_OWNER_PASSWORD": "owner-pw-check",
    "POSTGRES_APP_PASSWORD": "app-pw-check",
}


@pytest.fixture(scope="module")
def compose(tmp_path_factory) -> dict:
    """The file as docker-compose itself resolves it (anchors merged, variables filled in).

    Checked in a fresh temporary folder: a fixed folder in the checkout is shared by every pytest
    run there, and a concurrent run's cleanup removed the file mid-check."""
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: `make test` installs Debian's docker-compose package"
    workdir = tmp_path_factory.mktemp("compose_check")
    try:
        shutil.copy(REPO / "docker-compose.yml", workdir / "docker-compose.yml")
        shutil.copy(REPO / ".env.example", workdir / ".env")
        # The operator's .env holds every password: env_file hands them all to each Django container.
        with (workdir / ".env").open("a") as dotenv:
            dotenv.writelines(f"{name}={value}\n" for name, value in PASSWORDS.items())
        env = {"PATH": "/usr/bin:/bin", **PASSWORDS}
        quiet = subprocess.run(
            [binary, "-f", "docker-compose.yml", "config", "-q"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert quiet.returncode == 0, quiet.stderr
        full = subprocess.run(
            [binary, "-f", "docker-compose.yml", "config"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert full.returncode == 0, full.stderr
        return yaml.safe_load(full.stdout)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.parametrize("missing", sorted(PASSWORDS))
def test_compose_refuses_to_start_without_a_database_password(tmp_path, missing):
    shutil.copy(REPO / "docker-compose.yml", tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text("")
    result = subprocess.run(
        [shutil.which("docker-compose") or "docker-compose", "config", "-q"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", **{k: v for k, v in PASSWORDS.items() if k != missing}},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert missing in result.stderr


def test_migrate_alone_connects_as_the_owner_and_then_grants_the_application_role(compose):
    migrate = compose["services"]["migrate"]
    owner_url = f"postgres://prevent_owner:{PASSWORDS['POSTGRES_OWNER_PASSWORD']}@postgres:5432/prevent"
    assert migrate["environment"]["DATABASE_MIGRATE_URL"] == owner_url
    assert migrate["command"] == [
        "sh",
        "-c",
        "python manage.py migrate --noinput && python manage.py grant_app_role",
    ]


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_long_running_services_connect_as_the_application_role_and_never_hold_the_owners_password(compose, name):
    environment = compose["services"][name]["environment"]
    app_url = f"postgres://prevent_app:{PASSWORDS['POSTGRES_APP_PASSWORD']}@postgres:5432/prevent"
    assert environment["DATABASE_URL"] == app_url
    assert environment.get("DATABASE_MIGRATE_URL", "") == ""
    values = " ".join(str(value) for value in environment.values())
    assert PASSWORDS["POSTGRES_OWNER_PASSWORD"] not in values
    assert PASSWORDS["POSTGRES_PASSWORD"] not in values
    assert "prevent_owner" not in values


def test_postgres_creates_the_owner_and_the_application_role_on_a_new_volume(compose):
    postgres = compose["services"]["postgres"]
    mounts = {
        (v.split(":")[0], v.split(":")[1]) if isinstance(v, str) else (v["source"], v["target"])
        for v in postgres["volumes"]
    }
    sources = {source for source, target in mounts if target == "/docker-entrypoint-initdb.d/10-init-roles.sh"}
    assert [Path(source).relative_to(Path(source).parents[2]) for source in sources] == [
        Path("docker/postgres/init-roles.sh")
    ]
    script = REPO / "docker" / "postgres" / "init-roles.sh"
    assert postgres["environment"]["POSTGRES_USER"] == "postgres"
    for name in ("POSTGRES_OWNER_PASSWORD", "POSTGRES_APP_PASSWORD"):
        assert postgres["environment"][name] == PASSWORDS[name]
    text = script.read_text()
    assert "prevent_owner" in text
    assert "prevent_app" in text


def test_the_image_never_carries_the_env_file_or_development_keys():
    ignored = {entry.rstrip("/") for entry in (REPO / ".dockerignore").read_text().split()}
    assert {".env", ".devkeys", "db.sqlite3", "media"} <= ignored


def test_compose_has_the_five_services_and_named_volumes(compose):
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    assert {"postgres-data", "encrypted-media"} <= set(compose["volumes"])
    assert "postgres-data" in _volume_sources(services["postgres"])
    for name in ("web", "worker", "beat"):
        assert "encrypted-media" in _volume_sources(services[name])


def _volume_sources(service: dict) -> set[str]:
    """Named-volume sources, whether docker-compose prints volumes as strings or as mappings."""
    return {v.split(":")[0] if isinstance(v, str) else v.get("source") for v in service.get("volumes", [])}


def test_django_service_is_defined_once_and_reused(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in DJANGO_SERVICES}
    assert images == {"prevent-service:latest"}
    for name in DJANGO_SERVICES:
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    raw = (REPO / "docker-compose.yml").read_text()
    assert raw.count("build: .") == 1
    assert "<<: *django" in raw


def test_every_long_running_service_has_a_health_check(compose):
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert compose["services"][name]["healthcheck"]["test"], name


def test_web_waits_for_migrations_and_healthy_backends(compose):
    depends = compose["services"]["web"]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"


def _check_entry_point(command: list[str]) -> None:
    program = command[0]
    if program == "gunicorn":
        module_name, attribute = command[1].split(":")
        module = importlib.import_module(module_name)
        assert callable(getattr(module, attribute))
    elif program == "celery":
        app_module = command[command.index("--app") + 1]
        from celery import Celery

        assert isinstance(importlib.import_module(app_module).celery_app, Celery)
        assert command[command.index("--app") + 2] in {"worker", "beat", "inspect"}
    elif program == "python":
        assert command[1] == "manage.py"
        assert command[2] in get_commands()
    elif program == "sh":
        assert command[1] == "-c"
        for step in command[2].split("&&"):
            _check_entry_point(shlex.split(step))
        return
    else:
        pytest.fail(f"unexpected program {program}")
    if program != "python":
        assert (Path(sys.executable).parent / program).exists(), f"{program} is not installed by requirements"


def test_every_django_service_command_names_a_real_entry_point(compose):
    for name in DJANGO_SERVICES:
        _check_entry_point(compose["services"][name]["command"])
    _check_entry_point(compose["services"]["worker"]["healthcheck"]["test"][1:])


def test_dockerfile_runs_as_a_non_root_user():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "\nUSER prevent\n" in dockerfile
    assert "config.settings.build python manage.py collectstatic" in dockerfile
