"""C9 / I3 acceptance: real Open311 GeoReport v2 clients from PyPI, used unchanged, against
`onegrid demo` (see docs/open311.md).

    georeport 0.3.1  reads: services, service definitions, requests (every filter), one request,
                     in JSON and in XML (it has no discovery, POST or tokens calls)
    civicbot 0.4.0   posts requests (form-encoded, with api_key and attribute[...]), validating
                     them against the live service definition first, and reads tokens

Discovery is read with `requests` (georeport's own HTTP library) since neither client has a call
for it. The script starts `onegrid demo` on a fresh data directory and a free port, issues a key
with `onegrid apikey create`, and checks that the JSON and XML answers agree.

Run it with tests/open311/run.sh (a venv with the pinned clients). Plain asserts; exits non-zero
on the first failure.
"""

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone

import requests
import xmltodict
from civicbot import Endpoint, HttpError, Open311Client, ValidationError
from georeport import GeoReport

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("ONEGRID_BIN") or os.path.join(ROOT, "target", "debug", "onegrid")

STEP = [0]


def step(msg):
    STEP[0] += 1
    print(f"[{STEP[0]:2}] {msg}", flush=True)


# ---- the server ----------------------------------------------------------------------------


class Demo:
    """`onegrid demo` on a fresh SQLite data directory, listening on a port the OS picks."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="onegrid-open311-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ONEGRID_")}
        env["ONEGRID_LOG"] = "warn"
        self.env = env
        self.lines = []
        self.proc = subprocess.Popen(
            [BIN, "demo", "--data-dir", self.dir, "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.base = None
        deadline = time.monotonic() + 600
        reader = threading.Thread(target=self._read, daemon=True)
        reader.start()
        while self.base is None:
            if self.proc.poll() is not None:
                raise SystemExit("onegrid demo exited early:\n" + "".join(self.lines))
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit("onegrid demo did not start in 10 minutes:\n" + "".join(self.lines))
            time.sleep(0.2)
        out = "".join(self.lines)
        m = re.search(r"^OPEN311_KEY key=(\S+)$", out, re.M)
        assert m, "onegrid demo prints an OPEN311_KEY line:\n" + out
        self.demo_key = m.group(1)
        m = re.search(r"^Demo street (\S+) ", out, re.M)
        assert m, out
        self.street = m.group(1)

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            m = re.match(r"OneGrid demo at (http://\S+)", line)
            if m:
                self.base = m.group(1)

    def onegrid(self, *args):
        """Another onegrid command on the same data directory; returns its stdout."""
        r = subprocess.run([BIN, *args, "--data-dir", self.dir], capture_output=True, text=True, env=self.env, timeout=120)
        assert r.returncode == 0, f"onegrid {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
        return r.stdout

    def building(self):
        """A building of the demo street with its point (read-only, from the SQLite file)."""
        db = sqlite3.connect(f"file:{os.path.join(self.dir, 'onegrid.db')}?mode=ro", uri=True)
        try:
            row = db.execute(
                "SELECT code, address, lat, lng FROM buildings WHERE lat IS NOT NULL AND micro_grid_id IS NOT NULL ORDER BY id LIMIT 1"
            ).fetchone()
        finally:
            db.close()
        assert row, "the demo street has buildings"
        return row

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- JSON and XML must say the same ----------------------------------------------------------


def as_list(x, child):
    """xmltodict's view of a container of repeated children, as a list."""
    if x is None:
        return []
    items = x[child]
    return items if isinstance(items, list) else [items]


def same(j, x, where="$"):
    """A JSON value and the xmltodict value of the same XML element agree."""
    if j is None:
        assert x is None, f"{where}: JSON null, XML {x!r}"
    elif isinstance(j, bool):
        assert x == ("true" if j else "false"), f"{where}: JSON {j}, XML {x!r}"
    elif isinstance(j, int):
        assert int(x) == j, f"{where}: JSON {j}, XML {x!r}"
    elif isinstance(j, float):
        assert float(x) == j, f"{where}: JSON {j}, XML {x!r}"
    elif isinstance(j, str):
        assert x == j, f"{where}: JSON {j!r}, XML {x!r}"
    elif isinstance(j, dict):
        assert isinstance(x, dict), f"{where}: JSON object, XML {x!r}"
        assert set(j) == set(x), f"{where}: keys differ: {sorted(j)} vs {sorted(x)}"
        for k in j:
            same(j[k], x[k], f"{where}.{k}")
    elif isinstance(j, list):
        assert isinstance(x, list) and len(x) == len(j), f"{where}: JSON {len(j)} items, XML {x!r}"
        for i, (a, b) in enumerate(zip(j, x)):
            same(a, b, f"{where}[{i}]")
    else:
        raise AssertionError(f"{where}: unexpected JSON value {j!r}")


def same_definition(j, x):
    x = dict(x)
    attrs = as_list(x.pop("attributes"), "attribute")
    for a in attrs:
        if "values" in a:
            a["values"] = as_list(a["values"], "value")
    same(j, dict(x, attributes=attrs))


def error_array(resp, status):
    """The spec's error array, in the format asked for; returns the descriptions."""
    assert resp.status_code == status, f"HTTP {resp.status_code} (wanted {status}): {resp.text}"
    if resp.headers["content-type"].startswith("text/xml"):
        errs = as_list(xmltodict.parse(resp.content)["errors"], "error")
        errs = [{"code": int(e["code"]), "description": e["description"]} for e in errs]
    else:
        assert resp.headers["content-type"] == "application/json; charset=utf-8", resp.headers
        errs = resp.json()
    assert isinstance(errs, list) and errs, resp.text
    for e in errs:
        assert e["code"] == status and e["description"], errs
    return [e["description"] for e in errs]


def http_error(call):
    """Runs a georeport call that must fail; returns its requests.Response."""
    try:
        call()
    except requests.HTTPError as e:
        return e.response
    raise AssertionError("the call did not fail")


def civicbot_error(call):
    try:
        call()
    except HttpError as e:
        return e
    raise AssertionError("the call did not fail")


# ---- the test ----------------------------------------------------------------------------------


def main():
    assert os.access(BIN, os.X_OK), f"no onegrid binary at {BIN}: cargo build -p onegrid"
    step(f"starting {BIN} demo")
    demo = Demo()
    try:
        run(demo)
    except BaseException:
        print("---- onegrid demo output ----\n" + "".join(demo.lines), file=sys.stderr)
        raise
    finally:
        demo.stop()
    print("open311 client test: OK", flush=True)


def run(demo):
    root = f"{demo.base}/open311/v2"
    street = demo.street

    step("onegrid apikey create --data-dir DIR --name NAME prints the new key as its last line")
    r = subprocess.run([BIN, "apikey", "create", "--data-dir", demo.dir, "--name", "civicbot test"],
                       capture_output=True, text=True, env=demo.env, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    key = out.strip().splitlines()[-1]
    assert re.fullmatch(r"[0-9a-f]{64}", key), out
    assert "civicbot test" in demo.onegrid("apikey", "list")

    step("discovery.json and discovery.xml (read with requests: neither client has a call for it)")
    dj = requests.get(f"{root}/discovery.json", timeout=30)
    dx = requests.get(f"{root}/discovery.xml", timeout=30)
    assert dj.status_code == dx.status_code == 200
    assert dx.headers["content-type"] == "text/xml; charset=utf-8", dx.headers
    assert dx.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), dx.content[:80]
    d = dj.json()
    for k in ("changeset", "contact", "key_service", "endpoints"):
        assert d.get(k), f"discovery.{k}: {d}"
    ep = d["endpoints"][0]
    assert ep["url"] == root and ep["specification"] == "http://wiki.open311.org/GeoReport_v2", ep
    assert "text/xml" in ep["formats"] and "application/json" in ep["formats"], ep
    x = xmltodict.parse(dx.content)["discovery"]
    x["endpoints"] = as_list(x["endpoints"], "endpoint")
    for e in x["endpoints"]:
        e["formats"] = as_list(e["formats"], "format")
    same(d, x)

    gj = GeoReport(root, jurisdiction=street, output_format="json")
    gx = GeoReport(root, jurisdiction=street, output_format="xml")
    bare = GeoReport(root)  # one street: jurisdiction_id may be left out

    step("georeport: service list, JSON and XML agree")
    services = gj.get_service_list()
    assert len(services) > 50, len(services)
    same(services, gx.get_service_list())
    assert bare.get_service_list() == services
    by_code = {s["service_code"]: s for s in services}
    for code in ("E0102", "C0101", "S0101"):
        s = by_code[code]
        assert s["type"] == "realtime" and s["metadata"] is True and s["service_name"] and s["group"], s
    assert "E01" not in by_code, "groups are not services"

    step("georeport: service definitions, JSON and XML agree")
    for code in ("E0102", "C0101", "S0101"):
        same_definition(gj.get_service_definition(code), gx.get_service_definition(code))
    social = {a["code"]: a for a in gj.get_service_definition("S0101")["attributes"]}
    assert social["location_detail"]["required"] is True, social
    component = {a["code"]: a for a in gj.get_service_definition("C0101")["attributes"]}
    assert "component_id" in component and component["component_id"]["required"] is False, component

    step("georeport: errors are the spec's array with 404 / 400, in JSON and XML")
    for g in (gj, gx):
        r = http_error(lambda: g.get_service_definition("NOPE"))
        assert any(e.startswith("service_code:") for e in error_array(r, 404))
        r = http_error(lambda: g.get_service_requests(status="pending"))
        assert any(e.startswith("status:") for e in error_array(r, 400))
        r = http_error(lambda: g.get_service_requests(start_date="2026-01-01T00:00:00"))
        assert any(e.startswith("start_date:") for e in error_array(r, 400))
        r = http_error(lambda: g.get_service_request("999999999"))
        error_array(r, 404)
    r = http_error(lambda: GeoReport(root, jurisdiction="000000-000").get_service_list())
    assert any(e.startswith("jurisdiction_id:") for e in error_array(r, 404))

    code, address, lat, lng = demo.building()
    endpoint = Endpoint(id="onegrid-demo", name="OneGrid demo street", base_url=root, write=True)
    bot = Open311Client(endpoint, jurisdiction_id=street)

    step("civicbot: posting with a bad key is refused with 403 and the error array")
    e = civicbot_error(
        lambda: bot.create_request("E0102", dry_run=False, confirm="SEND", api_key="not-a-key",
                                   lat=lat, lng=lng, description="门口垃圾")
    )
    assert e.status == 403, e
    assert "api_key" in e.body and e.body.startswith("[{"), e.body

    step("civicbot: an unknown service is refused by the client (live list) and by the server (404)")
    try:
        bot.create_request("NOPE", dry_run=False, confirm="SEND", api_key=key, validate_remote=True,
                           lat=lat, lng=lng, description="x")
        raise AssertionError("civicbot accepted an unknown service")
    except ValidationError as v:
        assert "NOPE" in str(v), v
    e = civicbot_error(
        lambda: bot.create_request("NOPE", dry_run=False, confirm="SEND", api_key=key, lat=lat, lng=lng, description="x")
    )
    assert e.status == 404 and "service_code" in e.body, e

    step("civicbot: a missing required attribute is caught from the live definition, and by the server (400)")
    try:
        bot.create_request("S0101", dry_run=False, confirm="SEND", api_key=key, validate_remote=True,
                           lat=lat, lng=lng, description="邻里噪音纠纷")
        raise AssertionError("civicbot sent a request without a required attribute")
    except ValidationError as v:
        assert "location_detail" in str(v), v
    e = civicbot_error(
        lambda: bot.create_request("S0101", dry_run=False, confirm="SEND", api_key=key,
                                   lat=lat, lng=lng, description="邻里噪音纠纷")
    )
    assert e.status == 400 and "attribute[location_detail]" in e.body, e
    e = civicbot_error(
        lambda: bot.create_request("E0102", dry_run=False, confirm="SEND", api_key=key, lat=lat, lng=lng)
    )
    assert e.status == 400 and "description" in e.body, "the server requires a description: " + e.body

    step("civicbot: posting requests (validated against the live definition first)")
    sent = bot.create_request(
        "E0102", dry_run=False, confirm="SEND", api_key=key, validate_remote=True,
        lat=lat, lng=lng, description="小区门口垃圾堆放三天无人清理",
        attributes={"location_detail": "东门岗亭旁"}, first_name="小明", last_name="王",
        phone="13800001111", email="wang@example.org", device_id="test-device",
        media_url="https://photos.example.org/rubbish.jpg",
    )
    resp = sent.response
    assert isinstance(resp, list) and len(resp) == 1, resp
    first = resp[0]["service_request_id"]
    token = resp[0]["token"]
    assert isinstance(first, int) and re.fullmatch(r"[0-9a-f]{64}", token), resp
    assert resp[0]["account_id"] is None and resp[0]["service_notice"], resp
    sent = bot.create_request(
        "C0101", dry_run=False, confirm="SEND", api_key=demo.demo_key, validate_remote=True,
        address_id=code, description="井盖松动有异响", attributes={"component_id": "SS-0042"},
    )
    second = sent.response[0]["service_request_id"]
    sent = bot.create_request(
        "S0101", dry_run=False, confirm="SEND", api_key=key, validate_remote=True,
        lat=lat, lng=lng, description="楼上邻居长期噪音纠纷", attributes={"location_detail": "2号楼3单元502"},
    )
    third = sent.response[0]["service_request_id"]
    assert len({first, second, third}) == 3

    step("civicbot: the token resolves to the request")
    assert bot.get_token(token) == [{"service_request_id": first, "token": token}]
    e = civicbot_error(lambda: bot.get_token("0" * 64))
    assert e.status == 404, e

    step("georeport: reading the requests back, JSON and XML agree, no personal data")
    one = gj.get_service_request(str(first))
    same(one, gx.get_service_request(str(first)))
    assert one["service_request_id"] == first and one["status"] == "open" and one["service_code"] == "E0102", one
    assert one["description"] == "小区门口垃圾堆放三天无人清理" and one["address"] == "东门岗亭旁", one
    assert (one["lat"], one["long"]) == (lat, lng), one
    assert one["media_url"] == "https://photos.example.org/rubbish.jpg", one
    for f in ("requested_datetime", "updated_datetime", "expected_datetime"):
        t = datetime.fromisoformat(one[f])
        assert t.utcoffset() == timedelta(hours=8), (f, one[f])
    for fmt in ("json", "xml"):
        body = requests.get(f"{root}/requests.{fmt}", timeout=30).text
        for secret in ("13800001111", "wang@example.org", "王小明", "test-device"):
            assert secret not in body, f"requests.{fmt} shows {secret}"
    comp = gj.get_service_request(str(second))
    assert "SS-0042" in comp["description"] and comp["address"] == address, comp
    hidden = gj.get_service_request(str(third))
    assert hidden["description"] is None and hidden["lat"] is None and hidden["address"] is None, hidden
    same(hidden, gx.get_service_request(str(third)))

    step("georeport: request lists with every filter, JSON and XML agree")

    def both(**kw):
        j = gj.get_service_requests(**kw)
        assert isinstance(j, list), j
        if j:  # georeport cannot read an empty XML list (xmltodict gives None)
            x = gx.get_service_requests(**kw)
            same(j, x if isinstance(x, list) else [x])
        return [r["service_request_id"] for r in j]

    ours = {first, second, third}
    everything = both()
    assert ours <= set(everything) and len(everything) <= 1000, everything
    assert both(service_request_id=f"{first},{third}") == [third, first]
    assert both(service_request_id=str(second), status="closed") == [second], "ids override the other filters"
    assert set(both(service_code="C0101")) & ours == {second}
    assert set(both(service_code="E0102,S0101")) & ours == {first, third}
    # The demo holds a year of cases and a list stops at 1000, so compare over the last week.
    week = datetime.now(timezone.utc) - timedelta(days=7)
    since = week.isoformat(timespec="seconds").replace("+00:00", "Z")
    recent = both(start_date=since)
    assert len(recent) < 1000, "the last week should fit in one list"
    opened = both(status="open", start_date=since)
    assert ours <= set(opened)
    closed = both(status="closed", start_date=since)
    assert not (ours & set(closed))
    assert set(opened) | set(closed) == set(recent)
    now = datetime.now(timezone.utc)
    w3c = lambda t: t.isoformat(timespec="seconds").replace("+00:00", "Z")
    assert ours <= set(both(start_date=w3c(now - timedelta(minutes=30)), end_date=w3c(now + timedelta(minutes=5))))
    assert not ours & set(both(end_date=w3c(now - timedelta(days=1))))
    assert both(start_date=w3c(now + timedelta(hours=1))) == []
    cst = timezone(timedelta(hours=8))
    local = (now - timedelta(minutes=30)).astimezone(cst).isoformat(timespec="seconds")
    assert ours <= set(both(start_date=local)), local
    r = http_error(lambda: gj.get_service_requests(start_date=w3c(now - timedelta(days=120)), end_date=w3c(now)))
    assert any(e.startswith("end_date:") for e in error_array(r, 400))

    step("the same request through civicbot's reader")
    listed = bot.list_requests(service_request_ids=[first])
    assert listed == [one], (listed, one)
    assert bot.get_request(first) == one

    step("a revoked key is refused")
    out = demo.onegrid("apikey", "list", "--json")
    ids = [k["id"] for k in json.loads(out) if k["name"] == "civicbot test"]
    demo.onegrid("apikey", "revoke", str(ids[0]))
    e = civicbot_error(
        lambda: bot.create_request("E0102", dry_run=False, confirm="SEND", api_key=key, lat=lat, lng=lng, description="x")
    )
    assert e.status == 403, e


if __name__ == "__main__":
    main()
