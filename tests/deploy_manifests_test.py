#!/usr/bin/env python3
"""deploy/ against the nest-host it deploys.

1. Every YAML document in deploy/kubernetes is a Kubernetes object (apiVersion, kind,
   metadata.name) with the fields its kind needs: a Deployment's selector matches its pods'
   labels, a Service's ports and selector, an Indexed Job with completions = parallelism, every
   container an image (and args, or a command), every volume mount a volume; a kustomization
   names only files that exist (but cluster.key, made at deploy time and ignored by git).
2. Every nest-host command line, in the containers (command + args; the image's ENTRYPOINT
   when there is no command; inside `sh -c` scripts) and in deploy/Containerfile (RUN,
   ENTRYPOINT + CMD), uses only flags the real `nest-host --help` lists, each with its value
   when it takes one. PLANNED flags are allowed, with a note, while --help lacks them. The
   master's --expect-workers is the Job's completions, its --bind port the Service's, and the
   workers dial that Service at that port. The Job's backoffLimit covers every retry its
   backoffLimitPerIndex allows, so failed workers alone never end it.
3. With kubectl: `kubectl kustomize` renders the kustomization (with a placeholder key, then
   with each component), every ConfigMap and Secret the pods use is in the output, and
   `kubectl apply --dry-run=client` takes it; that last needs a cluster's API, so without one
   it is reported as skipped, not failed.

Usage: deploy_manifests_test.py NEST_HOST [SOURCE_DIR]   (exit 1 on any problem)
Needs PyYAML (Debian's python3-yaml); a python3 without it runs the test again with
/usr/bin/python3 when that has it.
"""
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    # PyYAML is Debian's python3-yaml (scripts/install-deps.sh), for /usr/bin/python3; the
    # python3 on PATH may be another (pyenv, a venv) without it: run again with Debian's.
    SYSTEM_PYTHON = "/usr/bin/python3"
    if (os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)
            and os.access(SYSTEM_PYTHON, os.X_OK)
            and subprocess.run([SYSTEM_PYTHON, "-c", "import yaml"],
                               capture_output=True).returncode == 0):
        sys.stdout.flush()
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
    tried = [sys.executable] + [SYSTEM_PYTHON] * (
        os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)
        and os.access(SYSTEM_PYTHON, os.X_OK))
    sys.exit(f"deploy_manifests_test.py: no PyYAML (import yaml) in {' nor '.join(tried)}: "
             f"install Debian's python3-yaml (apt-get install python3-yaml, as "
             f"scripts/install-deps.sh does)")

# Flags a later change adds (docs/distributed.md), and whether each takes a value.
PLANNED = {}
# Files a kustomization may name that exist only at deploy time (and are in .gitignore).
MADE_AT_DEPLOY = {"cluster.key"}
# ConfigMaps and Secrets made outside the kustomization (README.md says how).
EXTERNAL = {"nest-tasksets"}
SHELLS = {"sh", "bash", "dash"}
IMAGE = "nest"  # the image name the manifests use (kustomization.yaml's images: maps it)
API_VERSIONS = {"Deployment": "apps/v1", "Job": "batch/v1", "Service": "v1"}
SUBCOMMANDS = {"capacity", "report", "compare"}

nest_host = sys.argv[1]
source = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else pathlib.Path(__file__).parent.parent)
kube_dir = source / "deploy" / "kubernetes"
containerfile = source / "deploy" / "Containerfile"
problems, notes = [], []
planned_uses = {}  # planned flag -> where it is used


def problem(where, what):
    problems.append(f"{where}: {what}")


# --- nest-host --help: long name -> takes a value; short letter -> long name -------------
try:
    help_text = subprocess.run([nest_host, "--help"], capture_output=True, text=True,
                               check=True).stdout
except (OSError, subprocess.CalledProcessError) as e:
    sys.exit(f"{nest_host} --help: {e}")
long_flags, short_flags = {}, {}
for m in re.finditer(r"^  (?:-(\w) \[ )?--([\w-]+)(?: \])?( arg)?", help_text, re.M):
    long_flags[m[2]] = bool(m[3])
    if m[1]:
        short_flags[m[1]] = m[2]
if "master" not in long_flags or "H" not in short_flags:
    sys.exit(f"{nest_host} --help: no options found in:\n{help_text}")
for name in sorted(PLANNED.keys() & long_flags.keys()):
    notes.append(f"--{name} is in --help now: it may leave PLANNED")


def check_flags(where, argv):
    """Checks one nest-host command line (argv without nest-host); returns {flag: value}."""
    if argv and argv[0] in SUBCOMMANDS:
        notes.append(f"{where}: nest-host {argv[0]}: its flags are not checked")
        return {}
    seen, i = {}, 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if token.startswith("--"):
            name, eq, value = token[2:].partition("=")
        elif re.fullmatch(r"-\w", token):
            if token[1] not in short_flags:
                problem(where, f"{token}: not an option of nest-host --help")
                continue
            name, eq, value = short_flags[token[1]], "", ""
        else:
            problem(where, f"'{token}': not an option, nor the value of one")
            continue
        if name in long_flags:
            takes_value = long_flags[name]
        elif name in PLANNED:
            takes_value = PLANNED[name]
            planned_uses.setdefault(name, []).append(where)
        else:
            problem(where, f"--{name}: not an option of nest-host --help")
            continue
        if takes_value and not eq:
            if i == len(argv) or argv[i].startswith("-"):
                problem(where, f"{token} needs a value")
                continue
            value = argv[i]
            i += 1
        elif eq and not takes_value:
            problem(where, f"{token}: --{name} takes no value")
        seen[name] = value
    return seen


def shell_command_lines(script):
    """The argument lists of each nest-host command in a shell script."""
    lines = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError as e:
            lines.append(("unparsed", f"{e}: {line}"))
            continue
        current, command_starts = None, True  # the next word is a command's name
        for token in tokens:
            if set(token) <= set("();<>|&"):
                if current is not None:
                    lines.append(("args", current))
                current, command_starts = None, True
            elif current is not None:
                current.append(token)
            elif command_starts and (re.match(r"\w+=", token) or token == "exec"):
                pass  # VAR=value nest-host ..., exec nest-host ...
            elif command_starts and os.path.basename(token) == "nest-host":
                current = []
            else:
                command_starts = False
        if current is not None:
            lines.append(("args", current))
    return lines


command_lines = []  # (where, {flag: value})


def check_argv(where, argv):
    """A container's or an instruction's whole command: nest-host itself, or a shell script."""
    if not argv:
        return
    program = os.path.basename(argv[0])
    if program == "nest-host":
        command_lines.append((where, check_flags(where, argv[1:])))
    elif program in SHELLS and "-c" in argv[1:]:
        script = argv[argv.index("-c") + 1] if argv.index("-c") + 1 < len(argv) else ""
        for kind, found in shell_command_lines(script):
            if kind == "unparsed":
                problem(where, f"script not parsed: {found}")
            else:
                command_lines.append((where, check_flags(where, found)))


# --- deploy/Containerfile ---------------------------------------------------------------
entrypoint, cmd = [], []
if not containerfile.is_file():
    problem(containerfile, "missing")
else:
    text = re.sub(r"\\\n", " ", containerfile.read_text())
    for line in text.splitlines():
        instruction, _, rest = line.strip().partition(" ")
        where = f"deploy/Containerfile {instruction}"
        if instruction.upper() == "FROM":
            entrypoint, cmd = [], []  # a stage starts afresh
        elif instruction.upper() in ("ENTRYPOINT", "CMD"):
            rest = rest.strip()
            argv = yaml.safe_load(rest) if rest.startswith("[") else ["/bin/sh", "-c", rest]
            if instruction.upper() == "ENTRYPOINT":
                entrypoint = argv
            else:
                cmd = argv
        elif instruction.upper() == "RUN" and "nest-host" in rest:
            check_argv(where, ["/bin/sh", "-c", rest])
    if not entrypoint or os.path.basename(entrypoint[0]) != "nest-host":
        problem("deploy/Containerfile", f"the image's ENTRYPOINT is {entrypoint}, not nest-host")
    check_argv("deploy/Containerfile ENTRYPOINT + CMD", entrypoint + cmd)

# --- deploy/kubernetes: load every document -----------------------------------------------
documents = []  # (path, doc)
for path in sorted(kube_dir.rglob("*.y*ml")):
    try:
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict):
                documents.append((path, doc))
            elif doc is not None:
                problem(path.relative_to(source), f"a document that is not a mapping: {doc!r:.60}")
    except yaml.YAMLError as e:
        problem(path.relative_to(source), f"not YAML: {e}")
kustomizations = [(p, d) for p, d in documents if d.get("kind") in ("Kustomization", "Component")]
patch_files = {(p.parent / patch["path"]).resolve() for p, d in kustomizations
               for patch in d.get("patches", []) if "path" in patch}
objects = [(p, d) for p, d in documents
           if (p, d) not in kustomizations and p.resolve() not in patch_files]
patches = [(p, d) for p, d in documents if p.resolve() in patch_files]


def path_of(doc, *keys):
    for key in keys:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc


def container_argv(c):
    """What a container runs: its command, else its image's ENTRYPOINT; then its args."""
    image = str(c.get("image", "")).split(":")[0].split("/")[-1]
    command = c.get("command") or (entrypoint if image == IMAGE else [])
    return list(command) + list(c.get("args", []))


def check_pod(where, spec):
    volumes = {v.get("name") for v in spec.get("volumes", [])}
    for group, need_args in (("initContainers", False), ("containers", True)):
        for c in spec.get(group, []):
            at = f"{where} {group} {c.get('name')}"
            if not c.get("name") or not c.get("image"):
                problem(at, "a container needs a name and an image")
            if need_args and not c.get("args"):
                problem(at, "no args")
            if not c.get("args") and not c.get("command"):
                problem(at, "neither command nor args")
            limits = path_of(c, "resources", "limits") or {}
            if not {"cpu", "memory"} <= limits.keys():
                problem(at, "resources.limits needs cpu and memory")
            requests = path_of(c, "resources", "requests") or {}
            if need_args and not {"cpu", "memory"} <= requests.keys():
                problem(at, "resources.requests needs cpu and memory")
            for m in c.get("volumeMounts", []):
                if m.get("name") not in volumes:
                    problem(at, f"mounts volume {m.get('name')}, which the pod lacks")
            check_argv(at, container_argv(c))


def pod_references(spec):
    for v in spec.get("volumes", []):
        if "configMap" in v:
            yield "ConfigMap", v["configMap"].get("name")
        if "secret" in v:
            yield "Secret", v["secret"].get("secretName")


services, jobs = {}, []
for path, doc in objects:
    where = f"{path.relative_to(source)} {doc.get('kind')} {path_of(doc, 'metadata', 'name')}"
    if not all(isinstance(doc.get(k), str) for k in ("apiVersion", "kind")):
        problem(where, "not a Kubernetes object (apiVersion, kind)")
        continue
    if not path_of(doc, "metadata", "name"):
        problem(where, "no metadata.name")
    kind = doc["kind"]
    if API_VERSIONS.get(kind, doc["apiVersion"]) != doc["apiVersion"]:
        problem(where, f"apiVersion {doc['apiVersion']}, not {API_VERSIONS[kind]}")
    if kind in ("Deployment", "Job"):
        template = path_of(doc, "spec", "template") or {}
        labels = path_of(template, "metadata", "labels") or {}
        spec = template.get("spec") or {}
        if not spec.get("containers"):
            problem(where, "no containers")
        check_pod(where, spec)
    if kind == "Deployment":
        wanted = path_of(doc, "spec", "selector", "matchLabels") or {}
        if not wanted or any(labels.get(k) != v for k, v in wanted.items()):
            problem(where, f"spec.selector {wanted} does not match the pods' labels {labels}")
    elif kind == "Job":
        s = doc["spec"]
        if s.get("completionMode") != "Indexed":
            problem(where, "completionMode is not Indexed")
        completions, parallelism = s.get("completions"), s.get("parallelism")
        if not isinstance(completions, int) or completions != parallelism:
            problem(where, f"completions {completions} != parallelism {parallelism}")
        if spec.get("restartPolicy") not in ("Never", "OnFailure"):
            problem(where, "restartPolicy must be Never or OnFailure")
        if not isinstance(s.get("backoffLimit"), int):
            problem(where, "no backoffLimit")
        if "backoffLimitPerIndex" in s and spec.get("restartPolicy") != "Never":
            problem(where, "backoffLimitPerIndex needs restartPolicy Never")
        # Failed workers alone must never end the Job, which would stop the others.
        per_index = s.get("backoffLimitPerIndex")
        if (isinstance(completions, int) and isinstance(per_index, int)
                and isinstance(s.get("backoffLimit"), int)
                and s["backoffLimit"] < completions * (per_index + 1)):
            problem(where, f"backoffLimit {s['backoffLimit']} < completions x "
                           f"(backoffLimitPerIndex + 1) = {completions * (per_index + 1)}")
        jobs.append(doc)
    elif kind == "Service":
        ports = path_of(doc, "spec", "ports") or []
        if not ports or not all(isinstance(p.get("port"), int) and 0 < p["port"] < 65536
                                for p in ports):
            problem(where, "spec.ports needs ports from 1 to 65535")
        selector = path_of(doc, "spec", "selector") or {}
        selected = [d for _, d in objects if d.get("kind") == "Deployment" and selector and all(
            (path_of(d, "spec", "template", "metadata", "labels") or {}).get(k) == v
            for k, v in selector.items())]
        if len(selected) != 1:
            problem(where, f"its selector {selector} picks {len(selected)} Deployments, not 1")
        for p in ports:
            named = p.get("targetPort")
            if isinstance(named, str) and not any(
                    named == cp.get("name") for d in selected
                    for c in path_of(d, "spec", "template", "spec", "containers") or []
                    for cp in c.get("ports", [])):
                problem(where, f"targetPort {named} is no container port of its pods")
        services[doc["metadata"]["name"]] = [p.get("port") for p in ports]

# --- kustomizations: files that exist, patches of objects that exist ----------------------
ignored = set()
if (kube_dir / ".gitignore").is_file():
    ignored = {line.strip() for line in (kube_dir / ".gitignore").read_text().splitlines()}
object_keys = {(d.get("kind"), path_of(d, "metadata", "name")) for _, d in objects}
generated = set(EXTERNAL)
for path, doc in kustomizations:
    where = path.relative_to(source)
    for entry in doc.get("resources", []) + doc.get("components", []):
        target = path.parent / entry
        if not (target.is_file() or (target / "kustomization.yaml").is_file()):
            problem(where, f"{entry}: no such file, nor a kustomization folder")
    for patch in doc.get("patches", []):
        if not (path.parent / patch.get("path", "")).is_file():
            problem(where, f"patch {patch.get('path')}: no such file")
    for generator in doc.get("configMapGenerator", []) + doc.get("secretGenerator", []):
        generated.add(generator.get("name"))
        for entry in generator.get("files", []):
            file = entry.split("=")[-1]
            if file in MADE_AT_DEPLOY:
                if file not in ignored:
                    problem(where, f"{file} is made at deploy time but not in .gitignore")
            elif not (path.parent / file).is_file():
                problem(where, f"{file}: no such file")
for path, doc in patches:
    key = (doc.get("kind"), path_of(doc, "metadata", "name"))
    if key not in object_keys:
        problem(path.relative_to(source), f"patches {key[0]} {key[1]}, which no manifest defines")
for path, doc in documents:
    spec = path_of(doc, "spec", "template", "spec") or {}
    for kind, name in pod_references(spec):
        if name not in generated:
            problem(path.relative_to(source), f"{kind} {name} is neither generated nor external")

# --- the run's shape: one master, its workers, one address ------------------------------
masters = [(w, f) for w, f in command_lines if "master" in f]
workers = [(w, f) for w, f in command_lines if "worker" in f]
if len(masters) != 1 or not workers:
    problem("deploy/kubernetes", f"{len(masters)} master and {len(workers)} worker command lines")
for where, flags in masters:
    port = flags.get("bind", "").rpartition(":")[2]
    if not any(port == str(p) for ports in services.values() for p in ports):
        problem(where, f"--bind {flags.get('bind')}: no Service has port {port}")
    if [str(j["spec"].get("completions")) for j in jobs] != [flags.get("expect-workers")]:
        problem(where, f"--expect-workers {flags.get('expect-workers')}: not the Job's completions")
for where, flags in workers:
    host, port = flags.get("master-host"), flags.get("master-port", "5557")
    if host not in services or port not in map(str, services[host]):
        problem(where, f"dials {host}:{port}, which is no Service's name and port")

# --- kubectl: the kustomization renders; a client dry run takes it where a cluster answers
skipped = []
kubectl = shutil.which("kubectl")
if not kubectl:
    skipped.append("kubectl is not on PATH: kustomize rendering and the dry run")
else:
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "kubernetes"
        shutil.copytree(kube_dir, copy)
        for file in MADE_AT_DEPLOY:
            (copy / file).write_text("placeholder, made by deploy_manifests_test.py\n")
        components = [p.parent.relative_to(kube_dir).as_posix() for p, d in kustomizations
                      if d.get("kind") == "Component"]
        variants = [("as committed", None)] + [(f"with component {c}", c) for c in components]
        for label, component in variants:
            if component:
                base = yaml.safe_load((kube_dir / "kustomization.yaml").read_text())
                base["components"] = base.get("components", []) + [component]
                (copy / "kustomization.yaml").write_text(yaml.safe_dump(base))
            run = subprocess.run([kubectl, "kustomize", str(copy)], capture_output=True, text=True)
            if run.returncode != 0:
                problem(f"kubectl kustomize ({label})", run.stderr.strip())
                continue
            rendered = [d for d in yaml.safe_load_all(run.stdout) if d]
            names = {(d["kind"], d["metadata"]["name"]) for d in rendered}
            for d in rendered:  # the flags again, as patches left them
                spec = path_of(d, "spec", "template", "spec") or {}
                for c in spec.get("initContainers", []) + spec.get("containers", []):
                    check_argv(f"kubectl kustomize ({label}) {d['kind']} {d['metadata']['name']} "
                               f"{c.get('name')}", container_argv(c))
                for kind, name in pod_references(spec):
                    if (kind, name) not in names and name not in EXTERNAL:
                        problem(f"kubectl kustomize ({label})", f"{d['kind']} "
                                f"{d['metadata']['name']} uses {kind} {name}, not in the output")
            out = pathlib.Path(tmp) / "rendered.yaml"
            out.write_text(run.stdout)
            dry = subprocess.run([kubectl, "apply", "--dry-run=client", "--validate=false",
                                  "--request-timeout=10s", "-f", str(out), "-o", "name"],
                                 capture_output=True, text=True)
            no_cluster = re.search(r"connection refused|couldn't get current server API|"
                                   r"Unable to connect|no configuration has been provided|"
                                   r"dial tcp|i/o timeout", dry.stderr)
            if dry.returncode == 0:
                notes.append(f"kubectl apply --dry-run=client ({label}): "
                             f"{len(dry.stdout.split())} objects")
            elif no_cluster:
                skipped.append(f"kubectl apply --dry-run=client ({label}): no cluster answers "
                               f"(it needs the API's resource list)")
            else:
                problem(f"kubectl apply --dry-run=client ({label})", dry.stderr.strip())
            notes.append(f"kubectl kustomize ({label}): {len(rendered)} objects")

for name, uses in planned_uses.items():
    notes.insert(0, f"not yet in --help: --{name} (planned), used {len(uses)} times, "
                    f"first in {uses[0]}")
for n in notes:
    print(f"note: {n}")
for s in skipped:
    print(f"skipped: {s}")
for p in problems:
    print(f"FAILED: {p}")
print(f"{len(objects)} objects, {len(command_lines)} nest-host command lines, "
      f"{len(problems)} problems, {len(skipped)} skipped")
sys.exit(1 if problems else 0)
