"""Issue 12's season, walked through the API in-process: round 1, round 2, a correction window and the next
year's round 1, with the books' figures against hand-computed ones and `lec validate` beside every upload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from serverkit import World
from walk import same_verdicts, walk

from server.cli import main
from server.domain import rounds


class ApiDoor:
    """The Flask test client for HTTP, the service for creating rounds, `lec validate` in-process."""

    def __init__(self, world: World, tmp: Path) -> None:
        self.world = world
        self.tmp = tmp

    def create_round(self, round_id: str, times: dict[str, str], *, correction: bool = False) -> None:
        rounds.create_round(self.world.db, round_id, mode="correction" if correction else "confirm", **times)

    def template(self, code: str, round_id: str) -> bytes:
        resp = self.world.get(code, f"/rounds/{round_id}/units/{code}/template")
        assert resp.status_code == 200, resp.get_json()
        return resp.data

    def send(self, code: str, round_id: str, data: bytes) -> tuple[int, dict[str, Any]]:
        resp = self.world.send(code, code, data, round_id=round_id)
        return resp.status_code, resp.get_json()

    def confirm(self, code: str, round_id: str) -> int:
        return self.world.confirm(code, round_id=round_id).status_code

    def status(self, code: str, round_id: str) -> dict[str, Any]:
        return self.world.status(code, round_id=round_id).get_json()

    def roster(self, code: str, round_id: str) -> dict[str, Any]:
        return self.world.get(code, f"/rounds/{round_id}/units/{code}/roster").get_json()

    def book(self, unit: str, round_id: str) -> bytes:
        resp = self.world.get(unit, f"/rounds/{round_id}/units/{unit}/consolidated")
        assert resp.status_code == 200
        return resp.data

    def validate(self, files: list[bytes]) -> list[dict[str, Any]]:
        paths = []
        for i, data in enumerate(files):
            paths.append(self.tmp / f"sent-{i}.xlsx")
            paths[-1].write_bytes(data)
        result = CliRunner().invoke(main, ["validate", "--json", *map(str, paths)])
        return json.loads(result.output)["files"]


def test_a_province_season_through_the_api(world: World, tmp_path: Path) -> None:
    door = ApiDoor(world, tmp_path)
    same_verdicts(door, walk(door))
