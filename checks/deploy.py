#!/usr/bin/env python3
"""Checks the deployment files without a Docker engine or a Fly account.

- docker-compose.yml against the Compose Specification's JSON schema, plus what the schema
  cannot know: build targets exist, depends_on health conditions can be met, mounted files exist,
  ports are published on 127.0.0.1 only, no token is committed, ElasticMQ reads our config;
- the containers' commands, run as their image's user on a model of its filesystem
  (checks/containers.py): a machine made through the Fly emulator runs and exits 0, and the
  Temporal dev server creates its database in its volume and turns healthy;
- fly.worker.toml and fly.poller.toml: parse, use only keys Fly documents, build their own target,
  expose no public service, check the apps' /health and /ready and have Fly scrape their /metrics;
  hold every setting their app's code
  requires (derived from its config classes) and no secret; and the app's own config loader
  accepts them; the deploy commands in the README and the Dockerfile use them alone;
- each Dockerfile: the targets others rely on exist and every file it copies is there;
- the node, php and java runtimes run their sample on events with a failing one among them.

Prints one line per check and a closing 'N passed, N failed' line; exits 1 if any failed.
"""
import base64
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import jsonschema
import yaml

import containers
from containers import Container, in_own_network, interpolate, model_root, service_environment, stop, \
    third_party_images

ROOT = Path(__file__).resolve().parent.parent
results = []


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, None))
        except Exception as e:  # a check reports, it does not stop the others
            results.append((name, f"{type(e).__name__}: {e}"))
        return fn
    return wrap


def require(condition, message):
    if not condition:
        raise AssertionError(message)


def dockerfile_targets(path):
    return set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", path.read_text(), re.M | re.I))


def dockerfile_copies(path):
    """Sources of COPY lines that come from the build context (not --from=another stage)."""
    sources = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if not parts or parts[0].upper() != "COPY" or any(p.startswith("--from") for p in parts):
            continue
        args = [p for p in parts[1:] if not p.startswith("--")]
        sources.extend(args[:-1])
    return sources


def schema_path():
    for candidate in [os.environ.get("COMPOSE_SCHEMA"), ROOT / "checks/compose-spec.schema.json"]:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FileNotFoundError("checks/compose-spec.schema.json is missing (and $COMPOSE_SCHEMA is unset)")


COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@check("docker-compose.yml matches the Compose Specification schema")
def compose_schema():
    schema = json.loads(schema_path().read_text())
    jsonschema.validate(COMPOSE, schema, cls=jsonschema.Draft7Validator)


@check("docker-compose.yml runs the whole loop and starts in order")
def compose_semantics():
    services = COMPOSE["services"]
    require({"temporal", "sqs", "fly-emulator", "worker", "poller"} <= services.keys(), f"services: {list(services)}")
    targets = dockerfile_targets(ROOT / "Dockerfile")
    image_health = "HEALTHCHECK" in (ROOT / "Dockerfile").read_text()
    for name, service in services.items():
        build = service.get("build")
        if build:
            require(build["target"] in targets, f"{name}: no Dockerfile target {build['target']}")
        for dep, how in service.get("depends_on", {}).items():
            require(dep in services, f"{name} depends on unknown {dep}")
            if how.get("condition") == "service_healthy":
                has_check = "healthcheck" in services[dep] or (services[dep].get("build") and image_health)
                require(has_check, f"{name} waits for {dep} to be healthy, but {dep} has no health check")
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                require((ROOT / source).exists(), f"{name} mounts missing {source}")
    worker_env = services["worker"]["environment"]
    require("LAMBDO_FLY_TOKEN" in worker_env and "TEMPORAL_ADDRESS" in worker_env, "worker env incomplete")
    require(services["poller"]["environment"]["LAMBDO_SQS_QUEUE_URL"].endswith("/lambdo"), "poller queue")
    conf = (ROOT / "compose/elasticmq.conf").read_text()
    require("lambdo-dlq" in conf and "deadLettersQueue" in conf, "ElasticMQ config lacks the DLQ")


# What the README's one-time step writes to .env; generated here, never printed.
DOTENV = {"LAMBDO_EMULATOR_TOKEN": secrets.token_hex(16)}


@check("docker-compose.yml publishes every port on 127.0.0.1 only")
def compose_ports():
    for name, service in COMPOSE["services"].items():
        for port in service.get("ports", []):
            host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).split(":")[0]
            require(host_ip == "127.0.0.1" and (isinstance(port, dict) or str(port).count(":") == 2),
                    f"{name} publishes {port} beyond this machine; write 127.0.0.1:HOST:CONTAINER")


@check("docker-compose.yml commits no emulator token: both sides read it from .env, and without one Compose says how")
def compose_token():
    services = COMPOSE["services"]
    sides = {"fly-emulator": "LAMBDO_EMULATOR_TOKEN", "worker": "LAMBDO_FLY_TOKEN"}
    for name, variable in sides.items():
        raw = str(services[name]["environment"][variable])
        require(interpolate(raw, DOTENV) == DOTENV["LAMBDO_EMULATOR_TOKEN"],
                f"{name}.{variable} is not ${{LAMBDO_EMULATOR_TOKEN...}}: a token is committed")
        try:
            interpolate(raw, {})
            raise AssertionError(f"{name}.{variable} has a default: a missing .env must stop Compose")
        except ValueError as e:
            require(".env" in str(e), f"{name}.{variable}: the error should say how to make .env: {e}")
    require(re.search(r"^/?\.env$", (ROOT / ".gitignore").read_text(), re.M), ".env is not in .gitignore")
    require(re.search(r"^\.env$", (ROOT / ".dockerignore").read_text(), re.M), ".env is not in .dockerignore")
    require("LAMBDO_EMULATOR_TOKEN=$(openssl rand -hex 16)" in (ROOT / "README.md").read_text(),
            "the README does not show how to make .env")


@check("ElasticMQ reads compose/elasticmq.conf, and only the ports it serves are published")
def compose_elasticmq():
    sqs = COMPOSE["services"]["sqs"]
    image = third_party_images()[sqs["image"]]
    require("command" not in sqs, f"sqs: the image's entrypoint ends with -jar, so command {sqs.get('command')} "
            "only passes program arguments ElasticMQ ignores")
    mounts = {v.split(":")[1]: v.split(":")[0] for v in sqs.get("volumes", [])}
    require(mounts.get(image.config_file) == "./compose/elasticmq.conf",
            f"sqs: the image reads {image.config_file}, mounted are {mounts}")
    published = {int(str(p).split(":")[-1]) for p in sqs.get("ports", [])}
    require(published <= image.ports, f"sqs publishes {published - image.ports}, which {sqs['image']} does not serve")
    conf = (ROOT / "compose/elasticmq.conf").read_text()
    queue = urllib.parse.urlsplit(COMPOSE["services"]["poller"]["environment"]["LAMBDO_SQS_QUEUE_URL"])
    require(re.search(rf"host\s*=\s*\"?{queue.hostname}\"?", conf), f"queue URLs name host {queue.hostname}")


def http(method, url, token=None, body=None, timeout=70):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def wait_listening(url, process, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        require(process.poll() is None, f"exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered on {url} within {seconds} s")


def tail(text, lines=15):
    return "\n       ".join(text.strip().splitlines()[-lines:])


def run_a_machine(emulator, worker):
    """Starts the emulator's command and has it run a machine the way the worker asks for one."""
    local = lambda url: re.sub(r"//[^:/]+", "//127.0.0.1", url)  # the service's host name is this host
    machines = f"{local(worker['LAMBDO_FLY_API_URL'])}/v1/apps/{worker['LAMBDO_FLY_APP']}/machines"
    logs = f"{local(worker['LAMBDO_FLY_LOGS_URL'])}/api/v1/apps/{worker['LAMBDO_FLY_APP']}/logs"
    token = worker["LAMBDO_FLY_TOKEN"]
    events = json.dumps([{"hello": "world"}])
    process = emulator.start()
    try:
        wait_listening(machines, process, 45)
        require(http("GET", machines, token="wrong")[0] == 401, "the emulator accepts any token")
        status, machine = http("POST", machines, token, {"config": {
            "image": "alpine:3",  # its command comes from LAMBDO_EMULATOR_IMAGES, as in the README's example
            "env": {"EVENTS_PATH": "/tmp/events.json"},
            "files": [{"guest_path": "/tmp/events.json", "raw_value": base64.b64encode(events.encode()).decode()}]}})
        require(status == 200, f"create: {status} {machine}")
        status, waited = http("GET", f"{machines}/{machine['id']}/wait?state=stopped&timeout=60", token)
        require(status == 200, f"wait: {status} {waited}")
        _, history = http("GET", f"{machines}/{machine['id']}/events", token)
        exits = [e["request"]["exit_event"]["exit_code"] for e in history if e["type"] == "exit"]
        _, page = http("GET", f"{logs}?instance={machine['id']}", token)
        lines = [item["attributes"]["message"] for item in page["data"]]
        require(exits == [0], f"the machine exited {exits}: {lines}")
        require(events in lines, f"the machine did not print its events file: {lines}")
    except AssertionError as e:
        raise AssertionError(f"{e}\n       emulator output:\n       {tail(stop(process))}") from None
    finally:
        stop(process)


@check("fly-emulator container (its image's user): a machine made with the worker's settings runs and exits 0")
def emulator_container():
    worker = service_environment(COMPOSE["services"]["worker"], DOTENV)
    with model_root() as root:
        emulator = Container(COMPOSE, "fly-emulator", root, DOTENV, third_party_images())
        in_own_network(lambda: run_a_machine(emulator, worker))


def prepare_and_start_until_healthy(server, preparers, seconds=45):
    """Runs the one-shot services the server waits for, then the server until its health check passes."""
    for preparer in preparers:
        done = preparer.run()
        require(done.returncode == 0, f"{preparer.name} exited {done.returncode}: {done.stdout}{done.stderr}")
    test = server.service["healthcheck"]["test"]
    require(test[0] == "CMD", f"{server.name}: the health check is not in exec form")
    process = server.start()
    try:
        deadline = time.monotonic() + seconds
        while True:
            require(process.poll() is None, f"the server exited with {process.returncode}")
            health = server.run(server.command_line(test[1:]), timeout=10)
            if health.returncode == 0:
                return
            require(time.monotonic() < deadline, f"not healthy within {seconds} s: {health.stdout}{health.stderr}")
            time.sleep(1)
    except AssertionError as e:
        raise AssertionError(f"{e}\n       server output:\n       {tail(stop(process))}") from None
    finally:
        stop(process)


@check("temporal container (uid 1000): the dev server creates its database in its volume and turns healthy")
def temporal_container():
    images = third_party_images()
    service = COMPOSE["services"]["temporal"]
    database = next(a.split("=", 1)[1] for a in service["command"] if a.startswith("--db-filename="))
    with model_root() as root:
        temporal = Container(COMPOSE, "temporal", root, DOTENV, images)
        preparers = [Container(COMPOSE, name, root, DOTENV, images) for name, how in service.get("depends_on", {}).items()
                     if how.get("condition") == "service_completed_successfully"]
        in_own_network(lambda: prepare_and_start_until_healthy(temporal, preparers))
        require(temporal.host(database).is_file(), f"no database at {database}")


FLY_TOP_KEYS = {"app", "primary_region", "kill_signal", "kill_timeout", "swap_size_mb", "console_command",
                "build", "deploy", "env", "http_service", "services", "checks", "vm", "mounts", "processes",
                "statics", "experimental", "restart", "files", "metrics"}
FLY_BUILD_KEYS = {"builder", "args", "buildpacks", "image", "settings", "builtin", "dockerfile", "ignorefile",
                  "build-target"}  # flyctl's appconfig.Build
FLY_CHECK_KEYS = {"type", "port", "path", "method", "interval", "timeout", "grace_period", "protocol",
                  "tls_skip_verify", "headers", "processes", "tls_server_name", "kind"}
FLY_METRICS_KEYS = {"port", "path", "processes", "https"}
# What the apps serve on LAMBDO_HEALTH_PORT (HealthServer): liveness and readiness.
HEALTH_PATHS = {"/health", "/live", "/ready"}
FLY_APPS = {"worker": "fly.worker.toml", "poller": "fly.poller.toml"}  # Dockerfile target → its config
CONFIG_JAVA = ROOT / "shared/src/main/java/dev/lambdo/config"
# Read by Temporal's environment configuration and the AWS SDK rather than by Lambdo's classes.
LIBRARY_SETTINGS = {"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_PROFILE", "TEMPORAL_CONFIG_FILE",
                    "TEMPORAL_TLS", "TEMPORAL_TLS_SERVER_NAME", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION",
                    "AWS_REGION", "AWS_ENDPOINT_URL_SQS", "JAVA_TOOL_OPTIONS"}
LIBRARY_SECRETS = {"TEMPORAL_API_KEY", "TEMPORAL_TLS_CLIENT_CERT_DATA", "TEMPORAL_TLS_CLIENT_KEY_DATA",
                   "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}
# Settings whose defaults never hold on Fly, so the config must give them, keyed by the class
# whose use brings them in: localhost:7233 and namespace "default"; the SDK finds no region there.
DEPLOY_REQUIRED = {"TemporalSettings": {"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE"}, "SqsClients": {"AWS_REGION"}}
# What Fly sets in every machine, the alternatives some settings fall back to.
FLY_PROVIDED = {"FLY_APP_NAME", "FLY_REGION"}


def fly_config(app):
    path = ROOT / FLY_APPS[app]
    require(path.is_file(), f"{FLY_APPS[app]} is missing: each app has its own config")
    return tomllib.loads(path.read_text())


def app_settings(app):
    """What the app's code reads from env, derived from its sources: the config class its main
    loads (`XConfig.fromEnv(System.getenv())`) and the settings classes that class reads.

    Returns (config class, required, secrets, read): required holds, per `env.required(a, b…)`,
    its first name (the others are what Fly sets); secrets the names read by `env.secret`.
    """
    mains = "".join(f.read_text() for f in (ROOT / app / "src/main/java").rglob("*Main.java"))
    config = re.search(r"(\w+Config)\.fromEnv\(System\.getenv\(\)\)", mains).group(1)
    required, secrets_, read, seen = set(), set(), set(), set()
    # (class, optional): a settings class read only when a setting asks for it
    # (`Optional.ofNullable(FlySettings.read(env))`, a poller given Fly's token) requires nothing.
    classes = [(config, False)]
    while classes:
        name, optional = classes.pop()
        seen.add(name)
        source = (CONFIG_JAVA / f"{name}.java").read_text()
        for method, names in re.findall(r"env\.(\w+)\(\s*((?:\"\w+\"\s*,?\s*)+)", source):
            names = re.findall(r"\"(\w+)\"", names)
            read.update(names)
            if method == "required" and not optional:
                required.add(names[0])
            elif method == "secret":
                secrets_.add(names[0])
        # Settings named by a constant: env.flag(POLLS, …) with POLLS = "LAMBDO_WORKER_POLLS", or by
        # another config class's: env.decimal(WorkerConfig.CREATES_PER_SECOND, …).
        constants = dict(re.findall(r"static final String (\w+) = \"(\w+)\";", source))
        for method, owner, c in re.findall(r"env\.(\w+)\(\s*(?:(\w+)\.)?([A-Z_]+)\s*[,)]", source):
            owner_java = CONFIG_JAVA / f"{owner}.java"
            if owner and owner_java.is_file():
                names = re.findall(rf"static final String {c} = \"(\w+)\";", owner_java.read_text())
            else:
                names = [constants[c]] if not owner and c in constants else []
            read.update(names)
            if names and method == "required" and not optional:
                required.add(names[0])
            elif names and method == "secret":
                secrets_.add(names[0])
        classes += [(c, optional or bool(maybe)) for maybe, c
                    in re.findall(r"(Optional\.ofNullable\()?(\w+Settings)\.read\(", source) if c not in seen]
        # Another app's config read when a setting asks for it (a worker that polls): what it
        # reads is read here too, required only then (fly_one_app checks that case).
        for other in set(re.findall(r"(\w+Config)\.fromEnv\(", source)) - {config} - seen:
            seen.add(other)
            other_source = (CONFIG_JAVA / f"{other}.java").read_text()
            read.update(re.findall(r"env\.\w+\(\s*\"(\w+)\"", other_source))
    for user, names in DEPLOY_REQUIRED.items():
        if user in seen or user in mains:
            required |= names
    return f"dev.lambdo.config.{config}", required, secrets_, read


@check("fly.worker.toml, fly.poller.toml: documented keys, their own build target, no public service, /ready checked, /metrics scraped")
def fly_tomls():
    targets = dockerfile_targets(ROOT / "Dockerfile")
    sizes = {f"shared-cpu-{n}x" for n in (1, 2, 4, 6, 8)} | {f"performance-{n}x" for n in (1, 2, 4, 6, 8, 10, 12, 14, 16)}
    apps = {}
    for app, path in FLY_APPS.items():
        fly = fly_config(app)
        require(set(fly) <= FLY_TOP_KEYS, f"{path}: unknown keys {set(fly) - FLY_TOP_KEYS}")
        require(set(fly["build"]) <= FLY_BUILD_KEYS, f"{path}: unknown [build] keys {set(fly['build']) - FLY_BUILD_KEYS}")
        require(fly["build"].get("build-target") == app and app in targets, f"{path}: [build] build-target = \"{app}\"")
        require((ROOT / fly["build"]["dockerfile"]).is_file(), f"{path}: build.dockerfile missing")
        require("http_service" not in fly and "services" not in fly, f"{path}: worker and poller take no traffic")
        require(fly["kill_signal"] == "SIGTERM", f"{path}: the apps stop cleanly on SIGTERM")
        require(all(isinstance(v, str) for v in fly["env"].values()), f"{path}: [env] values are strings")
        port = int(fly["env"]["LAMBDO_HEALTH_PORT"])
        for name, chk in fly["checks"].items():
            require(set(chk) <= FLY_CHECK_KEYS, f"{path}: check {name}: unknown keys {set(chk) - FLY_CHECK_KEYS}")
            require(chk["type"] == "http" and chk["port"] == port and chk["path"] in HEALTH_PATHS, f"{path}: check {name}")
        paths = {chk["path"] for chk in fly["checks"].values()}
        require("/ready" in paths, f"{path}: no check asks /ready: a deploy would go on with a token Fly or AWS refuses")
        metrics = fly.get("metrics", {})
        require(set(metrics) <= FLY_METRICS_KEYS, f"{path}: unknown [metrics] keys {set(metrics) - FLY_METRICS_KEYS}")
        require(metrics.get("port") == port and metrics.get("path") == "/metrics",
                f"{path}: [metrics] port = {port}, path = \"/metrics\": Fly's Prometheus scrapes the app there")
        for vm in fly["vm"]:
            require(vm["size"] in sizes, f"{path}: vm size {vm['size']}")
        apps[app] = fly["app"]
    require(len(set(apps.values())) == len(apps), f"each app its own Fly app: {apps}")
    require(fly_config("worker")["env"]["LAMBDO_FLY_APP"] != apps["worker"],
            "the machines need an app of their own: a deploy of the worker's app would replace them")


@check("fly.worker.toml, fly.poller.toml hold every setting their app's code requires (from its config classes), and no secret")
def fly_settings():
    for app, path in FLY_APPS.items():
        fly = fly_config(app)
        config, required, secret_names, read = app_settings(app)
        env = fly.get("env", {})
        require(required <= env.keys(), f"{path} lacks {sorted(required - env.keys())}, which {config} requires")
        secret_names |= LIBRARY_SECRETS
        require(not env.keys() & secret_names, f"{path} holds secrets in [env]: {sorted(env.keys() & secret_names)}")
        unknown = env.keys() - read - LIBRARY_SETTINGS - FLY_PROVIDED
        require(not unknown, f"{path}: [env] {sorted(unknown)} is read by nothing in the {app}")
        comments = "".join(l for l in (ROOT / path).read_text().splitlines(keepends=True) if l.lstrip().startswith("#"))
        named = {name for name in secret_names if name in comments}
        require(named >= secret_names - LIBRARY_SECRETS, f"{path}: say which secrets to set: {sorted(secret_names - named)}")
    require(not (ROOT / "fly.toml").exists(), "fly.toml is gone: `fly deploy` without --config would take it for either app")


@check("fly.worker.toml, fly.poller.toml: each app's own config loader accepts its [env] with the secrets set")
def fly_settings_load():
    java = containers.java_home() / "bin/java"
    for app, path in FLY_APPS.items():
        jars = sorted((ROOT / app / "target").glob(f"lambdo-{app}-*-app.jar"))
        require(jars, f"{app} is not built: ./mvnw -B -DskipTests package")
        config, _, secret_names, _ = app_settings(app)
        with tempfile.TemporaryDirectory() as home:
            env = {"PATH": os.environ["PATH"], "HOME": home, **fly_config(app)["env"],
                   **{name: "placeholder" for name in secret_names}}
            done = subprocess.run([str(java), "-cp", str(jars[-1]), str(ROOT / "checks/LoadConfig.java"), config],
                                  env=env, capture_output=True, text=True, timeout=60)
        require(done.returncode == 0, f"{path}: {config} refuses it: {done.stdout.strip()} {done.stderr.strip()[-300:]}")


@check("one app (README, Deploy to Fly): fly.worker.toml with LAMBDO_WORKER_POLLS and fly.poller.toml's settings loads, and needs them")
def fly_one_app():
    java = containers.java_home() / "bin/java"
    jars = sorted((ROOT / "worker/target").glob("lambdo-worker-*-app.jar"))
    require(jars, "worker is not built: ./mvnw -B -DskipTests package")
    config, _, secret_names, read = app_settings("worker")
    require("LAMBDO_WORKER_POLLS" in (ROOT / FLY_APPS["worker"]).read_text(), "fly.worker.toml: say how to run one app")
    poller_env = fly_config("poller")["env"]
    one_app = {**fly_config("worker")["env"], **poller_env, "LAMBDO_WORKER_POLLS": "true"}
    unknown = one_app.keys() - read - LIBRARY_SETTINGS - FLY_PROVIDED
    require(not unknown, f"one app: [env] {sorted(unknown)} is read by nothing in the worker")

    def load(env):
        with tempfile.TemporaryDirectory() as home:
            return subprocess.run([str(java), "-cp", str(jars[-1]), str(ROOT / "checks/LoadConfig.java"), config],
                                  env={"PATH": os.environ["PATH"], "HOME": home, **env,
                                       **{name: "placeholder" for name in secret_names}},
                                  capture_output=True, text=True, timeout=60)
    done = load(one_app)
    require(done.returncode == 0, f"one app: {config} refuses it: {done.stdout.strip()} {done.stderr.strip()[-300:]}")
    without_queue = {k: v for k, v in one_app.items() if k != "LAMBDO_SQS_QUEUE_URL"}
    done = load(without_queue)
    require(done.returncode != 0 and "LAMBDO_SQS_QUEUE_URL" in done.stdout + done.stderr,
            "one app: a worker that polls must refuse to start without the poller's queue")


@check("the README and the Dockerfile deploy with fly.<app>.toml alone: no --build-target, no --env")
def fly_commands():
    for path in ("README.md", "Dockerfile"):
        commands = re.findall(r"fly deploy(?:\\\n|[^\n])*", (ROOT / path).read_text())
        require(commands, f"{path}: no fly deploy command")
        for command in commands:
            require("--build-target" not in command and "--env" not in command,
                    f"{path}: `{command}` sets what fly.<app>.toml holds")
            require(re.search(r"--config fly\.(worker|poller)\.toml", command), f"{path}: `{command}` names no fly.<app>.toml")


DOCKERFILES = {  # Dockerfile → its build context
    ROOT / "Dockerfile": ROOT,
    ROOT / "runtimes/node/Dockerfile": ROOT / "runtimes/node",
    ROOT / "runtimes/node/sample/Dockerfile": ROOT / "runtimes/node/sample",
    ROOT / "runtimes/php/Dockerfile": ROOT / "runtimes/php",
    ROOT / "runtimes/php/sample/Dockerfile": ROOT / "runtimes/php/sample",
    ROOT / "runtimes/java/Dockerfile": ROOT,
}


@check("Dockerfiles: targets exist and every copied path is there")
def dockerfiles():
    require({"build", "worker", "poller", "fly-emulator"} <= dockerfile_targets(ROOT / "Dockerfile"), "targets")
    text = (ROOT / "Dockerfile").read_text()
    require("USER lambdo" in text and "MaxRAMPercentage" in text and "HEALTHCHECK" in text, "non-root, memory, health")
    require('ENTRYPOINT ["java"' in text, "exec-form entrypoint so SIGTERM reaches java")
    for dockerfile, context in DOCKERFILES.items():
        for source in dockerfile_copies(dockerfile):
            require((context / source).exists(), f"{dockerfile.relative_to(ROOT)} copies missing {source}")
    ignored = (ROOT / ".dockerignore").read_text()
    require("target" in ignored, ".dockerignore keeps build output out of the context")


EVENTS = [{"name": "ada"}, {"name": "bob", "fail": True}, {"name": "cy"}]


def run_shim(command, env):
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events.json"
        events.write_text(json.dumps(EVENTS))
        done = subprocess.run(command, env={**os.environ, **env, "EVENTS_PATH": str(events)},
                              capture_output=True, text=True, timeout=120)
    lines = [l for l in done.stdout.splitlines() if l.startswith("LAMBDO_RESULT ")]
    require(len(lines) == 1, f"one result line, got {done.stdout!r} {done.stderr!r}")
    result = json.loads(lines[0][len("LAMBDO_RESULT "):])
    require(done.returncode == 1, f"exit code {done.returncode}, want 1 when an event failed")
    require(result["events"] == 3 and result["succeeded"] == 2, f"result {result}")
    require([f["index"] for f in result["failed"]] == [1] and "bob" in result["failed"][0]["error"], f"failed {result}")
    require("hello, cy" in done.stdout, "the event after the failed one still ran")


@check("node runtime runs every event and reports the failed one")
def node_shim():
    run_shim(["node", str(ROOT / "runtimes/node/shim.js")], {"LAMBDO_HANDLER": str(ROOT / "runtimes/node/sample/index.js")})


@check("php runtime runs every event and reports the failed one")
def php_shim():
    run_shim(["php", str(ROOT / "runtimes/php/shim.php")], {"LAMBDO_HANDLER": str(ROOT / "runtimes/php/sample/index.php")})


@check("java runtime runs the sample handler on every event and reports the failed one")
def java_runner():
    jars = sorted((ROOT / "runtimes/java/target").glob("lambdo-runtime-java-*-app.jar"))
    require(jars, "build runtimes/java first (./mvnw package)")
    java_home = Path(os.environ.get("JAVA_HOME", "/usr"))
    with tempfile.TemporaryDirectory() as tmp:
        sources = [str(p) for p in (ROOT / "runtimes/java/sample/src/main/java").rglob("*.java")]
        subprocess.run([str(java_home / "bin/javac"), "-cp", str(jars[0]), "-d", tmp, *sources], check=True)
        resources = ROOT / "runtimes/java/sample/src/main/resources"
        run_shim([str(java_home / "bin/java"), "-cp", os.pathsep.join([str(jars[0]), tmp, str(resources)]),
                  "dev.lambdo.runtime.Runner"], {})


for name, failure in results:
    print(("PASS " if failure is None else "FAIL ") + name + ("" if failure is None else f"\n     {failure}"))
passed = sum(1 for _, f in results if f is None)
print(f"deploy checks: {passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
