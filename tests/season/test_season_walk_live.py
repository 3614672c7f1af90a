"""Issue 12's season on a live server, driven as a province would: rounds created with `lec round create`,
templates downloaded over HTTP (and the new year's also written by `lec template --data-dir`, which must
carry the same rows), files sent over HTTP, the books written by `lec consolidate`, and every file sent
judged again by one `lec validate --json` run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from livekit import lec
from seasonkit import NEXT_YEAR
from serverkit import World
from walk import sheet_rows, walk

from validators.fields import SHEETS

pytestmark = pytest.mark.live


class LiveDoor:
    def __init__(self, base: str, world: World, tmp: Path) -> None:
        self.base, self.world, self.tmp = f"{base}/api/v1", world, tmp
        self.data_dir = tmp / "data"
        self.cli_templates = 0

    def lec(self, *args: str) -> str:
        done = lec(self.data_dir, *args)
        assert done.returncode in (0, 1), done.stderr
        return done.stdout

    def _h(self, login: str) -> dict[str, str]:
        return self.world.headers(login)

    def create_round(self, round_id: str, times: dict[str, str], *, correction: bool = False) -> None:
        args = ["round", "create", round_id, *(["--mode", "correction"] if correction else [])]
        for key, value in times.items():
            args += [f"--{key.replace('_', '-')}", value]
        out = self.lec(*args)
        assert round_id in out

    def template(self, code: str, round_id: str) -> bytes:
        resp = requests.get(f"{self.base}/rounds/{round_id}/units/{code}/template", headers=self._h(code), timeout=60)
        assert resp.status_code == 200, resp.text
        if round_id == NEXT_YEAR and len(code) == 10:
            self._same_as_cli(code, round_id, resp.content)
        return resp.content

    def _same_as_cli(self, code: str, round_id: str, downloaded: bytes) -> None:
        """`lec template --data-dir` writes the new year's template from the same data: the same rows."""
        form = "cdc" if code[4] in "456" else "school"
        year, number = round_id.split("-")
        out = self.tmp / f"cli-{code}-{round_id}.xlsx"
        self.lec("template", form, "--unit", code, "--year", year, "--round", number,
                 "--data-dir", str(self.data_dir), "--out", str(out))  # fmt: skip
        for role in ("roster", "removed"):
            assert sheet_rows(out.read_bytes(), SHEETS[form][role]) == sheet_rows(downloaded, SHEETS[form][role])
        self.cli_templates += 1

    def send(self, code: str, round_id: str, data: bytes) -> tuple[int, dict[str, Any]]:
        resp = requests.post(f"{self.base}/rounds/{round_id}/units/{code}/workbook", headers=self._h(code),
                             files={"file": ("sent.xlsx", data)}, timeout=120)  # fmt: skip
        return resp.status_code, resp.json()

    def confirm(self, code: str, round_id: str) -> int:
        url = f"{self.base}/rounds/{round_id}/units/{code}/confirm"
        return requests.post(url, headers=self._h(code), timeout=60).status_code

    def status(self, code: str, round_id: str) -> dict[str, Any]:
        url = f"{self.base}/rounds/{round_id}/units/{code}/status"
        return requests.get(url, headers=self._h(code), timeout=60).json()

    def roster(self, code: str, round_id: str) -> dict[str, Any]:
        url = f"{self.base}/rounds/{round_id}/units/{code}/roster"
        return requests.get(url, headers=self._h(code), timeout=60).json()

    def book(self, unit: str, round_id: str) -> bytes:
        out = self.tmp / f"book-{unit}-{round_id}.xlsx"
        self.lec("consolidate", unit, "--round", round_id, "--out", str(out))
        return out.read_bytes()

    def validate(self, files: list[bytes]) -> list[dict[str, Any]]:
        paths = []
        for i, data in enumerate(files):
            paths.append(self.tmp / f"sent-{i}.xlsx")
            paths[-1].write_bytes(data)
        return json.loads(self.lec("validate", "--json", *map(str, paths)))["files"]


def test_a_province_season_on_a_live_server_and_the_cli(live: tuple[str, World], tmp_path: Path) -> None:
    from walk import same_verdicts

    base, world = live
    door = LiveDoor(base, world, tmp_path)
    same_verdicts(door, walk(door))
    assert door.cli_templates == 3
