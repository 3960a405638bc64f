"""A private Virtuoso for tests: free 127.0.0.1 ports, its own temporary database and ini.

Never touches a system instance (ports 1111/8890): the ini is a copy of Debian's default
with every path pointed into ``workdir`` (DESIGN §11, "Starting a private instance").

>>> sorted(VirtuosoServer.ini_overrides(Path("/tmp/v"), 4000, 4001, 100)["Parameters"])
['DirsAllowed', 'ServerPort', 'VADInstallDir']
"""

from __future__ import annotations

import configparser
import ctypes
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from kg.config import Settings

DEFAULT_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
#: Seconds to wait for a new instance to answer (it takes about 7 s on 2 cores).
START_TIMEOUT = 60.0


def available() -> str | None:
    """None when Virtuoso can be started here, else the reason it cannot."""
    if shutil.which(VIRTUOSO) is None:
        return f"{VIRTUOSO} is not installed (Debian package virtuoso-opensource)"
    if shutil.which(ISQL) is None:
        return f"{ISQL} is not installed (Debian package virtuoso-opensource)"
    if not DEFAULT_INI.exists():
        return f"{DEFAULT_INI} is missing"
    return None


def _die_with_parent() -> None:
    """In the child: ask Linux to stop it when the test process dies (PR_SET_PDEATHSIG),
    so a killed test run never leaves a Virtuoso behind."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except OSError:
        return


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class VirtuosoServer:
    """One ``virtuoso-t +foreground`` process with a database in ``workdir``."""

    def __init__(self, workdir: Path, *, result_set_max_rows: int = 10_000) -> None:
        self.workdir = workdir
        self.load_dir = workdir / "load"
        self.sql_port = _free_port()
        self.http_port = _free_port()
        self.result_set_max_rows = result_set_max_rows
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def sparql_url(self) -> str:
        """The public query endpoint."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def store_spec(self) -> str:
        """The kg store spec for this server."""
        return f"sparql+{self.sparql_url}"

    @staticmethod
    def ini_overrides(
        workdir: Path, sql_port: int, http_port: int, max_rows: int
    ) -> dict[str, dict[str, str]]:
        """The ini values that make an instance private."""
        db = workdir / "db"
        return {
            "Database": {
                "DatabaseFile": str(db / "virtuoso.db"),
                "ErrorLogFile": str(db / "virtuoso.log"),
                "LockFile": str(db / "virtuoso.lck"),
                "TransactionFile": str(db / "virtuoso.trx"),
                "xa_persistent_file": str(db / "virtuoso.pxa"),
            },
            "TempDatabase": {
                "DatabaseFile": str(db / "virtuoso-temp.db"),
                "TransactionFile": str(db / "virtuoso-temp.trx"),
            },
            "Parameters": {
                "ServerPort": f"127.0.0.1:{sql_port}",
                "DirsAllowed": f"., /usr/share/virtuoso-opensource-7/vad, {workdir / 'load'}",
                # An empty folder: a new database then skips installing the Conductor
                # (its web admin UI), which is most of the start-up time.
                "VADInstallDir": str(workdir / "vad"),
            },
            "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}"},
            "SPARQL": {"ResultSetMaxRows": str(max_rows)},
        }

    def write_ini(self) -> Path:
        """Copy Debian's default ini with the private values; return its path."""
        parser = configparser.ConfigParser(
            strict=False, inline_comment_prefixes=(";",), interpolation=None
        )
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(DEFAULT_INI)
        # Hosting plugins (wikis, ...) only slow the start; tests need none of them.
        parser.remove_section("Plugins")
        overrides = self.ini_overrides(
            self.workdir, self.sql_port, self.http_port, self.result_set_max_rows
        )
        for section, values in overrides.items():
            for key, value in values.items():
                parser[section][key] = value
        (self.workdir / "db").mkdir(parents=True, exist_ok=True)
        (self.workdir / "vad").mkdir(parents=True, exist_ok=True)
        self.load_dir.mkdir(parents=True, exist_ok=True)
        ini = self.workdir / "virtuoso.ini"
        with ini.open("w") as f:
            parser.write(f)
        return ini

    def start(self) -> VirtuosoServer:
        """Start the server and wait until both SQL and HTTP answer."""
        ini = self.write_ini()
        with (self.workdir / "stdout.log").open("wb") as log:
            self.process = subprocess.Popen(
                [VIRTUOSO, "+configfile", str(ini), "+foreground"],
                cwd=self.workdir / "db",
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited: {self.log_tail()}")
            if self._sql_ready() and self._http_ready():
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"virtuoso-t did not answer in {START_TIMEOUT} s: {self.log_tail()}")

    def _sql_ready(self) -> bool:
        return self.isql("select 1;", check=False, timeout=10).returncode == 0

    def _http_ready(self) -> bool:
        import urllib.request

        try:
            with urllib.request.urlopen(f"{self.sparql_url}?query=ASK%7B%7D", timeout=5) as resp:
                return bool(resp.status == 200)
        except OSError:
            return False

    def isql(
        self, sql: str, *, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """Run SQL through ``isql-vt`` as dba."""
        return subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
        )

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server (terminate, then kill after 20 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server's log, for error messages."""
        log = self.workdir / "db" / "virtuoso.log"
        if not log.exists():
            return "(no log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


#: The test server's result cap (far below Virtuoso's default 10,000), so the small data
#: set proves that a capped result fails loudly, and kg's page size under it.
SERVER_MAX_ROWS = 1000
PAGE_SIZE = 400
USER = PASSWORD = "dba"


def remote_settings(server: VirtuosoServer, **overrides: object) -> Settings:
    """Settings for a kg store on ``server``, with the dba credentials."""
    values: dict[str, object] = {
        "store": server.store_spec,
        "base_uri": "http://127.0.0.1:5000/",
        "remote_user": USER,
        "remote_password": PASSWORD,
        "remote_page_size": PAGE_SIZE,
        "remote_timeout": 20.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
