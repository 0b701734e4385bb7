"""Google Lighthouse over the public pages, on phones and desktops, in the production configuration.

Usage: .venv/bin/python scripts/lighthouse.py [--releases 2000] [--database FILE]
           [--portraits FOLDER] [--pages senator,release] [--out docs/benchmarks/lighthouse.md]

Lighthouse is an npm package, installed into the project (nothing global, no download at
run time): `npm install --prefix .lighthouse lighthouse`. It drives Debian's Chromium
(CHROME_PATH=/usr/bin/chromium), and needs no network: its throttling is simulated.

The script:
1. makes a throwaway newsroom in /tmp/newsroom-lighthouse/: the demo plus --releases
   synthetic ones (`load_demo`, `generate_newsroom`), or a copy of --database; it is reused
   on the next run when it holds that many releases. --portraits imports senators'
   portraits into it (`import_portraits`), so senator pages are measured with their photos;
2. starts gunicorn with the production settings (DEBUG off, whitenoise for static files,
   collectstatic) on 127.0.0.1, behind nginx with the newsroom's own proxy settings
   (deploy/nginx/proxy.conf) serving /media/ as in production, on plain http (without
   nginx installed, gunicorn alone: uploaded images then answer 404);
3. runs Lighthouse once per page and form factor (mobile: a mid-range phone on a slow 4G
   connection, simulated; desktop: its desktop preset), for the four categories;
4. prints a table of the scores and each page's HTML size, raw and gzipped (what nginx
   sends), and writes it with the audits that cost the most on phones to --out. The
   full reports are kept in /tmp/newsroom-lighthouse/reports/.
"""

import argparse
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from production_server import answering, gunicorn_start, process_stop, production_env

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WORK = Path("/tmp/newsroom-lighthouse")
DATABASE = WORK / "newsroom.sqlite3"
LIGHTHOUSE = ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-background-networking --disable-component-update"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
FORM_FACTORS = ["mobile", "desktop"]
DEMO_RELEASE = (
    "/releases/2014/05/klobuchar-heitkamp-join-with-local-advocates-to-discuss-efforts-to-"
    "combat-sex-trafficking-in-minnesota-and-across-the-world/"
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django_env(extra=None):
    return production_env(WORK, f"sqlite:///{DATABASE}", extra=extra)


def manage(*args, capture=True):
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=django_env(), check=True, text=True,
        capture_output=capture,
    ).stdout  # fmt: skip


def shell(code):
    return manage("shell", "--no-imports", "-c", code).strip()


def release_count():
    return int(shell("from releases.models import Release; print(Release.objects.count())"))


def prepare(releases, database=None, portraits=None):
    """The newsroom to measure: migrated, with static files collected; its probe values."""
    WORK.mkdir(parents=True, exist_ok=True)
    if database:
        shutil.copyfile(database, DATABASE)
        manage("migrate", "--noinput")
    else:
        manage("migrate", "--noinput")
        if release_count() != releases + 1:  # the demo's one, and the synthetic ones
            print(f"making the demo and {releases:,} synthetic releases", flush=True)
            DATABASE.unlink()
            manage("migrate", "--noinput")
            manage("load_demo")
            manage("generate_newsroom", "--releases", str(releases), "--force", "--seed", "1")
    if portraits:
        print(manage("import_portraits", str(portraits)).strip().splitlines()[-1], flush=True)
    manage("collectstatic", "--noinput", "--clear")
    return json.loads(shell(
        "import json; from django.db.models import Count; "
        "from releases.models import Release, Topic; from people.models import Senator; "
        "p = Release.objects.published(); "
        "s = Senator.objects.annotate(n=Count('releases')).order_by('-n').first(); "
        "t = Topic.objects.annotate(n=Count('releases')).order_by('-n').first(); "
        "r = p.order_by('-published_at').first(); "
        "a = p.filter(type=Release.Type.MEDIA_ADVISORY).order_by('-published_at').first(); "
        "print(json.dumps({'senator': s.slug, 'topic': t.slug, "
        "'advisory': a.get_absolute_url() if a else None, "
        "'releases': Release.objects.count(), "
        "'word': r.title.split()[-1].strip('.,').lower()}))"
    ))  # fmt: skip


def pages(probe, base):
    listed = {
        "home": "/",
        "list": "/releases/",
        "filtered list": f"/releases/?senator={probe['senator']}&topic={probe['topic']}",
        "search": f"/releases/?q={urllib.parse.quote(probe['word'])}",
        "release": DEMO_RELEASE,
        "senator": "/senators/amy-klobuchar/",
        "senators": "/senators/",
        "topics": "/topics/",
        "legislation": "/legislation/",
        "organizations": "/organizations/",
        "advisories": "/advisories/",
        "advisory": probe.get("advisory") or "/advisories/",
    }
    there = {}
    for name, path in listed.items():
        try:
            urllib.request.urlopen(base + path, timeout=30)
            there[name] = path
        except OSError as e:  # /advisories/ on a newsroom without them, say
            print(f"skipping {name} ({path}): {e}", flush=True)
    return there


def start_server(port):
    return gunicorn_start(django_env({"GUNICORN_WORKERS": "2"}), port)


NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def nginx_conf(prefix, port, upstream_port):
    """deploy/nginx/newsroom.conf without TLS: the same proxy settings and /media/."""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Started as root, nginx would run its workers as "nobody", who cannot read /tmp/...
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""
{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    gzip on;  # Debian's default: HTML only (whitenoise compresses the static files)
{temp}
    upstream newsroom {{ server 127.0.0.1:{upstream_port}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        include {ROOT}/deploy/nginx/proxy.conf;
        location /media/ {{
            alias {WORK}/media/;
            expires 7d;
            add_header X-Content-Type-Options nosniff;
        }}
    }}
}}
"""


def start_nginx(port, upstream_port):
    prefix = WORK / "nginx"
    shutil.rmtree(prefix, ignore_errors=True)
    prefix.mkdir(parents=True)
    (prefix / "nginx.conf").write_text(nginx_conf(prefix, port, upstream_port))
    proxy = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    if not answering(port, 20, proxy):
        raise SystemExit(f"nginx did not start: {(prefix / 'error.log').read_text()}")
    return proxy


def html_size(url):
    body = urllib.request.urlopen(url, timeout=30).read()
    return len(body), len(gzip.compress(body))


def lighthouse(url, form_factor, report):
    command = [
        str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
    ]  # fmt: skip
    if form_factor == "desktop":
        command.append("--preset=desktop")
    subprocess.run(
        command, env={**os.environ, "CHROME_PATH": CHROME}, check=True, timeout=300,
        capture_output=True,
    )  # fmt: skip
    return json.loads(report.read_text())


def scores(result):
    return {c: round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES}


def costs(result, at_most=4):
    """The performance audits that cost the page the most, with Lighthouse's figures.

    Lighthouse 12 reports most findings twice, as an audit and as an "insight" with the
    same estimate; each is listed once. Findings with neither an estimate nor a figure
    (the network dependency tree) are left out.
    """
    audits = result["audits"]
    found, seen = [], set()
    for ref in result["categories"]["performance"]["auditRefs"]:
        audit = audits[ref["id"]]
        score = audit.get("score")
        if score is None or score >= 0.9 or audit.get("scoreDisplayMode") == "informative":
            continue
        savings = {k: v for k, v in (audit.get("metricSavings") or {}).items() if v}
        shown = audit.get("displayValue", "")
        if not (savings or shown or ref.get("weight")):
            continue
        key = (tuple(sorted(savings.items())), shown)
        if key in seen:
            continue
        seen.add(key)
        found.append((ref.get("weight", 0) * (1 - score), sum(savings.values()), audit))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [
        audit["title"] + (f" ({audit['displayValue']})" if audit.get("displayValue") else "")
        for _, _, audit in found[:at_most]
    ]


def metrics(result):
    audits = result["audits"]
    keys = {
        "FCP": "first-contentful-paint",
        "LCP": "largest-contentful-paint",
        "TBT": "total-blocking-time",
        "CLS": "cumulative-layout-shift",
    }
    return {k: audits[v].get("displayValue", "–").replace("\u00a0", " ") for k, v in keys.items()}


def lcp_element(result):
    items = (result["audits"].get("largest-contentful-paint-element") or {}).get("details", {})
    for item in items.get("items", []):
        for row in item.get("items", []):
            node = row.get("node")
            if node:
                return node.get("snippet", "")[:100]
    return ""


def report(rows, version, releases):
    front = (
        "behind nginx (deploy/nginx/proxy.conf, serving /media/)"
        if NGINX
        else "alone (nginx not installed: uploaded images answered 404)"
    )
    lines = [
        "# Lighthouse",
        "",
        f"Lighthouse {version} on Debian's Chromium, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"against gunicorn with the production settings (DEBUG off, whitenoise) {front} "
        f"on a newsroom of {releases:,} releases (the demo's and synthetic ones), page cache on. "
        "Mobile is Lighthouse's default (a mid-range phone on slow 4G, simulated); desktop "
        "its desktop preset. Made by `scripts/lighthouse.py`; scores vary by a few points "
        "between runs, more on a busy machine.",
        "",
        "| page | form factor | performance | accessibility | best practices | SEO "
        "| FCP | LCP | TBT | CLS | HTML (KB) | gzipped (KB) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        s, m = row["scores"], row["metrics"]
        lines.append(
            f"| {row['page']} | {row['form_factor']} | {s['performance']} | "
            f"{s['accessibility']} | {s['best-practices']} | {s['seo']} | {m['FCP']} | "
            f"{m['LCP']} | {m['TBT']} | {m['CLS']} | {row['html'] / 1024:.1f} | "
            f"{row['gzipped'] / 1024:.1f} |"
        )
    lines += ["", "## What costs the most on phones", ""]
    for row in rows:
        if row["form_factor"] == "mobile":
            found = "; ".join(row["costs"]) or "nothing under 90"
            lcp = f" LCP element: `{row['lcp']}`." if row["lcp"] else ""
            lines.append(f"- **{row['page']}** (`{row['path']}`): {found}.{lcp}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=2000)
    parser.add_argument("--database", help="a SQLite newsroom to copy instead of making one")
    parser.add_argument("--portraits", help="a unitedstates/images folder to import first")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "lighthouse.md"))
    parser.add_argument("--pages", help="only these pages, e.g. 'senator,release'")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Install Lighthouse first: npm install --prefix .lighthouse lighthouse")
    probe = prepare(args.releases, args.database, args.portraits)
    reports = WORK / "reports"
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir()
    port = free_port()
    servers = [start_server(port)]
    if NGINX:
        public_port = free_port()
        servers.append(start_nginx(public_port, port))
    else:
        public_port = port
        print("nginx is not installed: gunicorn alone, so uploaded images answer 404", flush=True)
    base = f"http://127.0.0.1:{public_port}"
    rows, version = [], ""
    try:
        chosen = set(args.pages.split(",")) if args.pages else None
        for name, path in pages(probe, base).items():
            if chosen and name not in chosen:
                continue
            html, gzipped = html_size(base + path)
            for form_factor in FORM_FACTORS:
                file = reports / f"{name.replace(' ', '-')}-{form_factor}.json"
                result = lighthouse(base + path, form_factor, file)
                version = result["lighthouseVersion"]
                row = {
                    "page": name, "path": path, "form_factor": form_factor, "html": html,
                    "gzipped": gzipped, "scores": scores(result), "metrics": metrics(result),
                    "costs": costs(result), "lcp": lcp_element(result),
                }  # fmt: skip
                rows.append(row)
                s = row["scores"]
                print(
                    f"{name:14} {form_factor:8} perf {s['performance']:3}  a11y "
                    f"{s['accessibility']:3}  bp {s['best-practices']:3}  seo {s['seo']:3}  "
                    f"LCP {row['metrics']['LCP']:>7}  HTML {html / 1024:6.1f} KB "
                    f"({gzipped / 1024:.1f} gzipped)",
                    flush=True,
                )
    finally:
        for server in reversed(servers):
            process_stop(server)
    Path(args.out).write_text(report(rows, version, probe["releases"]))
    print(f"Wrote {args.out}; full reports in {reports}/")


if __name__ == "__main__":
    main()
