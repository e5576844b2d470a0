#!/usr/bin/env python3
"""Checks deploy/ against the binaries it runs.

usage: check_deploy.py REPO_DIR BUILD_DIR

Parses every Kubernetes manifest, compose.yaml, the systemd units and their environment file and
the Dockerfile; every --flag and IBASHO_* variable they give an ibasho binary must appear in that
binary's --help. Also checks their structure (selectors match pods, probes use declared ports,
hardening in the units, a multi-stage debian:12-slim image with a production build) and that an
installed tree finds its dictionaries. Prints one line per problem; exit status 1 when any.
"""
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

import yaml

BINARIES = {
    "ibasho-registry": "services/ibasho-registry",
    "ibasho-search": "services/ibasho-search",
    "ibasho-gateway": "services/gateway/ibasho-gateway",
    "ibashoctl": "clients/ibashoctl",
    "ibasho-sync": "clients/sync/ibasho-sync",
    "ibasho-line": "clients/line/ibasho-line",
}
FLAG = re.compile(r"(?<![\w-])--([a-z][a-z0-9_-]*)")
ENV = re.compile(r"\bIBASHO_[A-Z0-9_]+\b")

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


class Helps:
    def __init__(self, build):
        self.flags, self.envs = {}, {}
        for name, rel in BINARIES.items():
            out = subprocess.run([str(build / rel), "--help"], capture_output=True, text=True, timeout=30)
            if out.returncode != 0:
                problem(name, f"--help exited {out.returncode}: {out.stderr.strip()[:200]}")
            text = out.stdout + out.stderr
            self.flags[name] = {f.replace("-", "_") for f in FLAG.findall(text)}
            self.envs[name] = set(ENV.findall(text))

    def check(self, where, binary, flags, envs):
        if binary not in BINARIES:
            return
        for f in flags:
            if f.replace("-", "_") not in self.flags[binary]:
                problem(where, f"{binary} has no flag --{f} (see its --help)")
        for e in envs:
            if e not in self.envs[binary]:
                problem(where, f"{binary} reads no {e} (see its --help)")


def commands_in(words):
    """(binary, flags) for each ibasho binary named in a command line (also inside sh -c)."""
    out = []
    for i, word in enumerate(words):
        base = pathlib.PurePosixPath(word).name
        if base in BINARIES:
            flags = []
            for w in words[i + 1:]:
                if pathlib.PurePosixPath(w).name in BINARIES or w in ("&&", "||", ";", "|"):
                    break
                flags += FLAG.findall(w)
            out.append((base, flags))
        elif " " in word:  # a script: sh -c "…"
            try:
                out += commands_in(shlex.split(word))
            except ValueError:
                pass
    return out


def pod_specs(doc):
    kind = doc.get("kind")
    spec = doc.get("spec", {})
    if kind in ("Deployment", "StatefulSet", "DaemonSet"):
        return [spec.get("template", {})]
    if kind == "CronJob":
        return [spec.get("jobTemplate", {}).get("spec", {}).get("template", {})]
    return []


def check_k8s(repo, helps):
    docs = []
    for path in sorted((repo / "deploy/k8s").glob("*.yaml")):
        if path.name == "kustomization.yaml":
            kust = yaml.safe_load(path.read_text())
            for r in kust.get("resources", []):
                if not (path.parent / r).exists():
                    problem(path.name, f"resource {r} does not exist")
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((path.name, doc))
    labels = []
    for where, doc in docs:
        for key in ("apiVersion", "kind"):
            if key not in doc:
                problem(where, f"a document without {key}")
        if not doc.get("metadata", {}).get("name"):
            problem(where, f"{doc.get('kind')} without metadata.name")
        for template in pod_specs(doc):
            labels.append(template.get("metadata", {}).get("labels", {}))
            for c in template.get("spec", {}).get("containers", []):
                at = f"{where} {doc['kind']}/{doc['metadata']['name']}/{c.get('name')}"
                words = list(c.get("command", [])) + list(c.get("args", []))
                envs = [e["name"] for e in c.get("env", []) if e.get("name", "").startswith("IBASHO_")]
                found = commands_in(words)
                if not found:
                    problem(at, "runs no ibasho binary")
                for binary, flags in found:
                    helps.check(at, binary, flags, envs)
                ports = {p.get("containerPort") for p in c.get("ports", [])} | {p.get("name") for p in c.get("ports", [])}
                for probe in ("readinessProbe", "livenessProbe"):
                    for how in c.get(probe, {}).values():
                        if isinstance(how, dict) and "port" in how and how["port"] not in ports:
                            problem(at, f"{probe} uses port {how['port']}, which the container does not declare")
    for where, doc in docs:
        if doc.get("kind") == "Service":
            selector = doc.get("spec", {}).get("selector", {})
            if not any(all(l.get(k) == v for k, v in selector.items()) for l in labels):
                problem(where, f"Service {doc['metadata']['name']} selects no pod ({selector})")
    kinds = {d.get("kind") for _, d in docs}
    for needed in ("StatefulSet", "Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "NetworkPolicy"):
        if needed not in kinds:
            problem("deploy/k8s", f"no {needed}")


def check_compose(repo, helps):
    path = repo / "deploy/compose.yaml"
    doc = yaml.safe_load(path.read_text())
    for name, svc in doc.get("services", {}).items():
        command = svc.get("command", [])
        words = command if isinstance(command, list) else shlex.split(command)
        envs = [e for e in (svc.get("environment") or {}) if e.startswith("IBASHO_")]
        found = commands_in(words)
        if not found:
            problem(f"compose.yaml {name}", "runs no ibasho binary")
        for binary, flags in found:
            helps.check(f"compose.yaml {name}", binary, flags, envs)


def check_systemd(repo, helps):
    folder = repo / "deploy/systemd"
    env_vars = set()
    for line in (folder / "ibasho.env").read_text().splitlines():
        if line and not line.startswith("#"):
            env_vars.add(line.split("=", 1)[0])
    used = set()
    for unit in sorted(folder.glob("*.service")):
        text = unit.read_text()
        for section in ("[Unit]", "[Service]"):
            if section not in text:
                problem(unit.name, f"no {section}")
        exec_start = [l.split("=", 1)[1] for l in text.splitlines() if l.startswith("ExecStart=")]
        if len(exec_start) != 1:
            problem(unit.name, "needs exactly one ExecStart")
            continue
        found = commands_in(shlex.split(exec_start[0]))
        for binary, flags in found:
            # Every variable of the shared file is read by some unit's binary; each unit's are checked.
            readable = {e for e in env_vars if e in helps.envs.get(binary, set())}
            used |= readable
            helps.check(unit.name, binary, flags, [])
        if "[Install]" in text or "Type=oneshot" not in text:
            for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "DynamicUser=yes"):
                if option not in text:
                    problem(unit.name, f"missing {option}")
    for e in sorted(env_vars - used):
        problem("ibasho.env", f"no unit's binary reads {e}")


def check_dockerfile(repo):
    text = (repo / "deploy/docker/Dockerfile").read_text()
    if len(re.findall(r"^FROM debian:12-slim", text, re.M)) < 2:
        problem("Dockerfile", "not a multi-stage build on debian:12-slim")
    for needed in ("-DIBASHO_BUILD_TESTS=OFF", "install_deps.sh --production", "cmake --install", "USER "):
        if needed not in text:
            problem("Dockerfile", f"missing {needed}")


def check_install(build):
    with tempfile.TemporaryDirectory() as prefix:
        out = subprocess.run(["cmake", "--install", str(build), "--prefix", prefix], capture_output=True, text=True)
        if out.returncode != 0:
            problem("install", out.stderr.strip()[:300])
            return
        root = pathlib.Path(prefix)
        for rel in list(BINARIES) + []:
            if not (root / "bin" / rel).exists():
                problem("install", f"bin/{rel} not installed")
        for rel in ("share/ibasho/dict/synonyms.tsv", "share/ibasho/ibasho_user.dic", "share/ibasho/sample/groups.json",
                    "share/ibasho/web/index.html"):
            if not (root / rel).exists():
                problem("install", f"{rel} not installed")
        help_text = subprocess.run([str(root / "bin/ibasho-search"), "--help"], capture_output=True, text=True).stdout
        if f"default: {prefix}/share/ibasho/dict" not in help_text:
            problem("install", "an installed ibasho-search does not default to the installed dictionaries")
        help_text = subprocess.run([str(root / "bin/ibasho-gateway"), "--help"], capture_output=True, text=True).stdout
        if f"default: {prefix}/share/ibasho/web" not in help_text:
            problem("install", "an installed ibasho-gateway does not default to the installed web page")


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    repo, build = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    helps = Helps(build)
    check_k8s(repo, helps)
    check_compose(repo, helps)
    check_systemd(repo, helps)
    check_dockerfile(repo)
    check_install(build)
    for p in problems:
        print(p)
    print(f"deploy: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
