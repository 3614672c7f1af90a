"""A realistic demo province (Phayao, 56) built through the real services: `lec demo` / `make demo`.

Why through the services and not by inserting rows: the demo's states (uploaded, confirmed, one
conflict, one LAO confirmed) must be the ones a real province would reach, so the registry is imported
with `registry.import_rows`, every roster is a real workbook built by `workbook_templates` and uploaded
with `uploads.upload_workbook`, and confirmations go through `chain.confirm`. The audit log of the demo
therefore reads like a real week of work.

The passwords below are demo-only values, printed by `lec demo` and documented in the README; they are
not secrets and protect nothing but a throw-away data dir.

    DEMO_SPEC                                 the demo province (LAOs, institutions, their states)
    build_demo(data_dir, spec=..., now=..., overrides=...) -> DemoInfo
    workbook_bytes(form, unit_code, unit_name, round_id, rows, removals=None) -> bytes
    demo_round(now) -> (round_id, as_of)      the round a demo built at `now` stands in
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from server.domain import accounts, chain, conflicts, registrars, registry, rounds, spot_checks, uploads
from server.domain.actor import Actor
from server.storage import clock
from validators.context import census_date
from validators.fields import GRADES

GRADE_ORDER = {g: i for i, g in enumerate(GRADES)}

DEMO_PASSWORD = "demo-phayao"
"""Every demo account past its first login uses this (demo-only, printed by `lec demo`)."""
FIRST_PASSWORD = "first-login-56"
"""The issued first password of the demo's one fresh account (demo-only)."""
ADMIN_LOGIN = "admin"
DEMO_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}
"""argon2 cost while building: the demo passwords are published, so their hashes protect nothing, and
the full cost made the build take 10-25 s of hashing. The first real login rehashes at the server's
cost (accounts.authenticate checks `check_needs_rehash`)."""
MARKER = ".lec-demo"
"""A demo data dir carries this file; `lec demo` refuses to wipe a non-empty dir without it."""

# Institution states: none (no upload), uploaded, confirmed, fresh (no upload, account at first login).
# LAO states: none, counts (other-affiliation counts uploaded), confirmed.


@dataclass(frozen=True)
class Inst:
    code: str
    name: str
    kind: str
    state: str = "none"
    size: int | None = None


@dataclass(frozen=True)
class Lao:
    code: str
    name: str
    kind: str
    state: str = "none"
    institutions: tuple[Inst, ...] = ()
    others: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Spec:
    province: tuple[str, str]
    laos: tuple[Lao, ...]
    conflicts: tuple[tuple[str, str], ...] = ()
    """(from, to): one child of `from`'s roster also appears on `to`'s roster (a move not yet cleared)."""
    decided: tuple[tuple[str, str, str], ...] = ()
    """(from, to, keep): like `conflicts`, then decided by the level that sees both, `keep` keeping the child."""
    spot_check: bool = False
    """The province draws a spot-check and records the first institution's results (one child not found)."""
    province_confirmed: bool = False
    records: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(school, grades): a confirmed school with a year of academic records (both terms) for those
    grades (empty: every grade with subjects on its roster); see server/tools/demo_records.py."""
    show: tuple[str, ...] = ()
    """Logins `lec demo` prints, in order."""
    registrars: tuple[tuple[str, str], ...] = ()
    """(school, level): the school and its LAO get registrars (appointed by order, profiles made) and the
    school's registrar submits its graduate report ปพ.3 of `level`; see server/tools/demo_registrars.py."""


@dataclass
class DemoLogin:
    level: str
    login: str
    password: str
    unit_name: str
    note: str


@dataclass
class DemoInfo:
    data_dir: Path
    round_id: str
    logins: list[DemoLogin] = field(default_factory=list)
    previous_round: str | None = None
    """Last academic year's confirmed round (built with `previous_year`); its correction window is
    `correction_round(previous_round)`."""


DEMO_SPEC = Spec(
    province=("56", "พะเยา"),
    laos=(
        Lao(
            "02560001",
            "องค์การบริหารส่วนจังหวัดพะเยา",
            "pao",
            "confirmed",
            (
                Inst("3056100001", "โรงเรียนบ้านต๋อมวิทยา", "school", "confirmed", 240),
                Inst("3056100002", "โรงเรียนแม่ใจวิทยาคม", "school", "confirmed", 310),
                Inst("3056100003", "วิทยาลัยเทคโนโลยีองค์การบริหารส่วนจังหวัดพะเยา", "college", "confirmed", 180),
                Inst("3056400001", "ศูนย์พัฒนาเด็กเล็กองค์การบริหารส่วนจังหวัดพะเยา", "cdc", "confirmed", 45),
            ),
            (("1056100101", "โรงเรียนพะเยาพิทยาคม"),),
        ),
        Lao(
            "04560101",
            "เทศบาลเมืองพะเยา",
            "town",
            "counts",
            (
                Inst("3056200101", "โรงเรียนเทศบาล 1 ประตูชัย", "school", "confirmed", 420),
                Inst("3056200102", "โรงเรียนเทศบาล 2 แม่ต๋ำ", "school", "confirmed", 260),
                Inst("3056200103", "โรงเรียนเทศบาล 3 ท่ากว๊าน", "school", "confirmed", 150),
                Inst("3056500101", "ศูนย์พัฒนาเด็กเล็กเทศบาลเมืองพะเยา", "cdc", "confirmed", 60),
            ),
            (("1056100102", "โรงเรียนอนุบาลพะเยา"), ("1056100103", "โรงเรียนบ้านร่องห้า")),
        ),
        Lao(
            "04560701",
            "เทศบาลเมืองดอกคำใต้",
            "town",
            "none",
            (
                Inst("3056200701", "โรงเรียนเทศบาลดอกคำใต้", "school", "uploaded", 230),
                Inst("3056500701", "ศูนย์พัฒนาเด็กเล็กเทศบาลเมืองดอกคำใต้", "cdc", "none", 40),
            ),
            (("1056100701", "โรงเรียนบ้านสันป่าม่วง"),),
        ),
        Lao(
            "05560102",
            "เทศบาลตำบลบ้านต๋อม",
            "subdistrict",
            "counts",
            (
                Inst("3056200201", "โรงเรียนเทศบาลบ้านต๋อม", "school", "uploaded", 130),
                Inst("3056500201", "ศูนย์พัฒนาเด็กเล็กเทศบาลตำบลบ้านต๋อม", "cdc", "confirmed", 35),
            ),
            (("1056100201", "โรงเรียนบ้านต๋อมดอนไชย"),),
        ),
        Lao(
            "05560201",
            "เทศบาลตำบลจุน",
            "subdistrict",
            "counts",
            (
                Inst("3056200301", "โรงเรียนเทศบาลจุน", "school", "confirmed", 110),
                Inst("3056500301", "ศูนย์พัฒนาเด็กเล็กเทศบาลตำบลจุน", "cdc", "uploaded", 28),
            ),
            (("1056100301", "โรงเรียนจุนวิทยาคม"), ("1056100302", "โรงเรียนบ้านห้วยงิ้ว")),
        ),
        Lao(
            "05560601",
            "เทศบาลตำบลแม่ใจ",
            "subdistrict",
            "none",
            (Inst("3056200601", "โรงเรียนเทศบาลแม่ใจ", "school", "none", 95),),
            (("1056100601", "โรงเรียนบ้านแม่ใจ"),),
        ),
        Lao(
            "06560103",
            "องค์การบริหารส่วนตำบลบ้านตุ่น",
            "sao",
            "none",
            (
                Inst("3056300101", "โรงเรียนบ้านตุ่นวิทยา (อบต.)", "school", "uploaded", 85),
                Inst("3056600101", "ศูนย์พัฒนาเด็กเล็กบ้านตุ่น", "cdc", "fresh", 30),
            ),
            (("1056100104", "โรงเรียนบ้านตุ่น"),),
        ),
        Lao(
            "06560204",
            "องค์การบริหารส่วนตำบลห้วยข้าวก่ำ",
            "sao",
            "counts",
            (Inst("3056600201", "ศูนย์พัฒนาเด็กเล็กบ้านห้วยข้าวก่ำ", "cdc", "confirmed", 32),),
            (("1056100204", "โรงเรียนบ้านห้วยข้าวก่ำ"),),
        ),
        Lao(
            "06560305",
            "องค์การบริหารส่วนตำบลร่มเย็น",
            "sao",
            "counts",
            (),
            (("1056100305", "โรงเรียนบ้านร่มเย็น"), ("1056100306", "โรงเรียนบ้านทุ่งกล้วย")),
        ),
        Lao(
            "06560602",
            "องค์การบริหารส่วนตำบลแม่สุก",
            "sao",
            "none",
            (Inst("3056600601", "ศูนย์พัฒนาเด็กเล็กบ้านแม่สุก", "cdc", "none", 25),),
            (("1056100602", "โรงเรียนบ้านแม่สุก"),),
        ),
    ),
    conflicts=(("3056200201", "3056300101"),),
    decided=(("3056200301", "3056200701", "3056200301"),),
    spot_check=True,
    records=(("3056200103", ()),),
    registrars=(("3056200103", "p6"),),
    show=(
        "56",
        "04560101",
        "05560102",
        "02560001",
        "3056600101",
        "3056200701",
        "3056200201",
        "3056200101",
        "3056200103",
        "3056200103-reg",
        "04560101-reg",
        "3056500301",
        ADMIN_LOGIN,
    ),
)

SMALL_SPEC = Spec(
    province=("56", "พะเยา"),
    laos=(
        Lao(
            "04560101",
            "เทศบาลเมืองพะเยา",
            "town",
            "confirmed",
            (Inst("3056200101", "โรงเรียนเทศบาล 1 ประตูชัย", "school", "confirmed", 40),),
            (("1056100102", "โรงเรียนอนุบาลพะเยา"),),
        ),
        Lao(
            "05560102",
            "เทศบาลตำบลบ้านต๋อม",
            "subdistrict",
            "counts",
            (
                Inst("3056200201", "โรงเรียนเทศบาลบ้านต๋อม", "school", "confirmed", 40),
                Inst("3056200202", "โรงเรียนเทศบาลบ้านต๋อมใหม่", "school", "fresh"),
            ),
            (("1056100201", "โรงเรียนบ้านต๋อมดอนไชย"),),
        ),
    ),
    records=(("3056200101", ("ป.6", "ม.1")),),
    show=("56", "05560102", "3056200202", "3056200201"),
)
"""Two LAOs, one institution at its first login: the browser and page tests walk the whole chain on it."""

_NOTES = {
    "56": "ตรวจทุก อปท. และยืนยันจังหวัดเมื่อทุก อปท. ยืนยันแล้ว",
    "04560101": "สถานศึกษายืนยันครบ: ยืนยัน อปท. หรือยกเลิกของสถานศึกษา",
    "05560102": "มีเด็กชื่อซ้ำกับ อบต.บ้านตุ่น: ยังยืนยันไม่ได้",
    "02560001": "ยืนยัน อปท. แล้ว: จังหวัดยกเลิกให้ได้",
    "3056600101": "บัญชีใหม่: เข้าครั้งแรกต้องกรอกข้อมูลผู้รับผิดชอบ",
    "3056200701": "ส่งแฟ้มแล้ว: กดยืนยันสถานศึกษาได้",
    "3056200201": "มีเด็กชื่อซ้ำกับสถานศึกษาอื่น",
    "3056200101": "ยืนยันแล้ว",
    "3056200103": "มีผลการเรียนทั้งปี: ทะเบียนผลการเรียน ผลรายชั้น ผลรายคน และดาวน์โหลด ปพ.1",
    "3056200103-reg": "นายทะเบียนโรงเรียน: ส่งรายงานผู้สำเร็จการศึกษา ปพ.3 ชั้น ป.6 แล้ว รอ อปท. ตรวจสอบ",
    "04560101-reg": "เจ้าพนักงานทะเบียน อปท.: อนุมัติหรือส่งคืน ปพ.3 ของโรงเรียนเทศบาล 3 ท่ากว๊าน",
    "3056500301": "ศพด. ยังไม่ส่งข้อมูลพื้นฐาน: ยืนยันไม่ได้จนกว่าจะส่ง",
    ADMIN_LOGIN: "ผู้ดูแลระบบระดับกรมฯ",
}
_POSITIONS = {"institution": ("ครู", "ผู้อำนวยการสถานศึกษา", "ครูผู้ดูแลเด็ก"),
              "lao": ("นักวิชาการศึกษา", "ผู้อำนวยการกองการศึกษา"),
              "province": ("นักวิชาการส่งเสริมการปกครองท้องถิ่น",), "national": ("เจ้าหน้าที่ กสศ.",)}  # fmt: skip


def demo_round(now: datetime) -> tuple[str, date]:
    """The round a date falls in: round 1 (as of 10 June) from 16 May, round 2 (as of 10 Nov) from October."""
    today = now.astimezone(clock.BANGKOK).date()
    if (today.month, today.day) < (5, 16):
        year, number = today.year - 1 + 543, 2
    elif today.month >= 10:
        year, number = today.year + 543, 2
    else:
        year, number = today.year + 543, 1
    return f"{year}-{number}", census_date(year, number)


OTHER_SPANS = {"1056100101": "p1-m3", "1056100301": "k1-m3", "1056100305": "k1-m3"}
"""Extended-opportunity schools of the demo (ขยายโอกาส); every other other-affiliation school is อ.1–ป.6."""
NO_BASIC_DATA = {"3056500301"}
"""A centre that uploaded its children but not its basic data: its page shows why it cannot confirm."""


HEADS = ("นางสาวนงลักษณ์ ใจดี", "นางพรทิพย์ คำแสน", "นางสาววิไลวรรณ ปัญญาดี", "นางสุภาพร อินทร์แก้ว")


def basic_data(inst: Inst) -> dict[str, Any]:
    """A centre's basic data as its head would type it: a caregiver per 20 children, a classroom per 25."""
    size = inst.size or 30
    return {
        "caregivers": -(-size // 20),
        "assistants": 1 + size // 40,
        "classrooms": -(-size // 25),
        "capacity": size + 10 - size % 10,
        "head_name": HEADS[int(inst.code) % len(HEADS)],
        "head_phone": f"054-{int(inst.code[-6:]) % 900000 + 100000:06d}",
    }


def other_rows(db: sqlite_utils.Database, lao: Lao, seed: int) -> list[dict[str, Any]]:
    """The LAO's pre-filled rows (the registry's schools, locked to their spans, as its template shows
    them), with the counts an officer types into the open cells."""
    from server.domain.prefill import with_registry
    from validators.fields import span_count_keys
    from validators.synthetic import make_other_counts

    rows = with_registry(db, lao.code, [])
    for row, counts in zip(rows, make_other_counts(len(rows), seed=seed, closed_share=0), strict=True):
        row.update({k: counts[k] for k in span_count_keys(row["grades"])})
    return rows


def workbook_bytes(
    form: str,
    unit_code: str,
    unit_name: str,
    round_id: str,
    rows: Sequence[dict[str, Any]],
    removals: Sequence[dict[str, Any]] | None = None,
    basic: dict[str, Any] | None = None,
    pupils: Sequence[dict[str, Any]] | None = None,
) -> bytes:
    """A filled template exactly as a clerk would send it back (capacity kept small: demo speed)."""
    from workbook_templates import build_template

    year, number = rounds.parse_round_id(round_id)
    buf = io.BytesIO()
    build_template(
        form,
        unit_code=unit_code,
        unit_name=unit_name,
        year=year,
        round_no=number,
        rows=list(rows),
        removals=list(removals) if removals is not None else None,
        out=buf,
        capacity=len(rows) + 50,
        basic=basic,
        pupils=list(pupils) if pupils else None,
    )
    return buf.getvalue()


def other_pupil_list(round_id: str, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pupil list (letter 003 §5.2(1)) of an LAO's first other-affiliation school, one pupil per child
    counted, grade by grade and sex by sex: the demo shows the optional sheet filled and cross-checked."""
    from validators.fields import GRADE_KEYS, span_count_keys
    from validators.synthetic import make_roster

    if not rows:
        return []
    school = rows[0]
    grade_of = {key: grade for grade, key in GRADE_KEYS.items()}
    year, _ = rounds.parse_round_id(round_id)
    out: list[dict[str, Any]] = []
    for n, key in enumerate(span_count_keys(school["grades"])):
        want = int(school.get(key) or 0)
        sex = "ชาย" if key.endswith("_m") else "หญิง"
        grade = grade_of[key.rsplit("_", 1)[0]]
        kids = make_roster("school", want * 3 + 6, year=year, unit_code=school["other_school_code"], seed=700 + n,
                           grades=[grade])  # fmt: skip
        out += [{"other_school_code": school["other_school_code"], "citizen_id": k["citizen_id"],
                 "prefix": k["prefix"], "first_name": k["first_name"], "last_name": k["last_name"], "grade": grade}
                for k in kids if k["sex"] == sex][:want]  # fmt: skip
    return out


def registry_rows(spec: Spec) -> list[dict[str, str]]:
    code, name = spec.province
    rows = [{"code": code, "name": name, "parent": "", "kind": "province"}]
    for lao in spec.laos:
        rows.append({"code": lao.code, "name": lao.name, "parent": code, "kind": lao.kind})
        rows += [{"code": i.code, "name": i.name, "parent": lao.code, "kind": i.kind} for i in lao.institutions]
        rows += [
            {"code": c, "name": n, "parent": lao.code, "kind": "other_school",
             "grades": OTHER_SPANS.get(c, "k1-p6"), "affiliation": "สพฐ."}
            for c, n in lao.others
        ]  # fmt: skip
    return rows


def _wipe(data_dir: Path) -> None:
    """Remove an old demo dir; refuse a non-empty dir that is not one (a mistyped --data-dir)."""
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / MARKER).exists():
            raise SystemExit(f"{data_dir} ไม่ใช่โฟลเดอร์ของ lec demo (ไม่มีไฟล์ {MARKER}): ไม่ลบให้ กรุณาเลือกโฟลเดอร์อื่น")
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("built by `lec demo`; wiped and rebuilt by it\n", encoding="utf-8")


def _user_id(db: sqlite_utils.Database, login: str) -> int:
    return int(db.execute("SELECT id FROM users WHERE login = ?", [login]).fetchone()[0])


def _set_first_password(db: sqlite_utils.Database, login: str, password: str) -> None:
    """Give one issued account a known first password (the service only issues random ones)."""
    from server.storage.db import transaction

    with transaction(db):
        db.execute(
            "UPDATE users SET password_hash = ?, must_complete_profile = 1 WHERE login = ?",
            [accounts.hash_password(password), login],
        )


def _people(count: int) -> list[tuple[str, str]]:
    from faker import Faker

    fake = Faker("th_TH")
    fake.seed_instance(56)
    return [(fake.first_name(), fake.last_name()) for _ in range(count)]


def _complete(
    db: sqlite_utils.Database, login: str, level: str, person: tuple[str, str], n: int, at: datetime
) -> Actor:
    actor = accounts.actor_for_user(db, _user_id(db, login))
    positions = _POSITIONS[level]
    return accounts.complete_profile(
        db,
        actor,
        first_name=person[0],
        last_name=person[1],
        position=positions[n % len(positions)],
        phone=f"08{(56_000_000 + n * 7919) % 100_000_000:08d}",
        new_password=DEMO_PASSWORD,
        now=at,
    )


def _roster(inst: Inst, round_id: str, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A roster for an institution and, for schools, two children already taken off it."""
    from validators.synthetic import COLLEGE_GRADES, make_removals, make_roster

    year, number = rounds.parse_round_id(round_id)
    form = "cdc" if inst.kind == "cdc" else "school"
    grades = COLLEGE_GRADES if inst.kind == "college" else None
    size = inst.size or 60
    rows = make_roster(
        form,
        size + (2 if form == "school" else 0),
        year=year,
        unit_code=inst.code,
        seed=seed,
        grades=grades,
        round_no=number,
    )
    if form == "cdc":
        return rows, []
    removed = make_removals(rows, 2, seed=seed)
    gone = {r["citizen_id"] for r in removed}
    start = date(year - 543, 5, 20)
    for i, r in enumerate(removed):
        r["removed_on"] = start + timedelta(days=30 + 17 * i)
    return [r for r in rows if r["citizen_id"] not in gone], removed


def _create_round(db: sqlite_utils.Database, round_id: str, as_of: date, now: datetime) -> None:
    """The demo round: opened weeks ago, deadlines 10, 12 and 14 days from today (so it is open)."""
    today = now.astimezone(clock.BANGKOK).date()
    opens = min(clock.parse_datetime(as_of - timedelta(days=40), default_time=time(8, 30)), now - timedelta(days=20))
    rounds.create_round(
        db,
        round_id,
        as_of=as_of,
        opens=opens,
        institution_deadline=datetime.combine(today + timedelta(days=10), time(17, 0), clock.BANGKOK),
        lao_deadline=datetime.combine(today + timedelta(days=12), time(17, 0), clock.BANGKOK),
        province_deadline=datetime.combine(today + timedelta(days=14), time(17, 0), clock.BANGKOK),
    )


def _fresh(spec: Spec) -> set[str]:
    """The institutions left at their first password (the demo's first-login walk-through)."""
    return {i.code for lao in spec.laos for i in lao.institutions if i.state == "fresh"}


def _sign_in_everyone(db: sqlite_utils.Database, spec: Spec, day0: datetime) -> dict[str, Actor]:
    """Every account but the "fresh" institutions' completes its profile; those keep a known first password."""
    fresh = _fresh(spec)
    units = [("province", spec.province[0]), ("national", ADMIN_LOGIN)]
    units += [("lao", lao.code) for lao in spec.laos]
    units += [("institution", i.code) for lao in spec.laos for i in lao.institutions if i.code not in fresh]
    people = _people(len(units))
    actors: dict[str, Actor] = {}
    for n, (level, login) in enumerate(units):
        actors[login] = _complete(db, login, level, people[n], n, day0 + timedelta(minutes=7 * n))
    for login in fresh:
        _set_first_password(db, login, FIRST_PASSWORD)
    return actors


def build_demo(
    data_dir: str | Path,
    *,
    spec: Spec = DEMO_SPEC,
    now: datetime | None = None,
    overrides: dict[str, Any] | None = None,
    progress: Any = None,
    previous_year: bool = False,
) -> DemoInfo:
    """Wipe `data_dir` and build the demo in it; returns the round and the logins to print.

    `overrides` go to `create_app` (after DEMO_HASH). `progress(text)` is told each step.
    `previous_year` (what `lec demo` builds) adds last academic year's round, confirmed by everyone, and
    a correction window on it that is open now (`_previous_year`); this year's rosters are then last
    year's promoted (`_moved_up`), and the templates of units that have not sent yet come promoted.
    Tests of the current round alone build without it (a smaller, faster demo).
    """
    from server.storage.db import connect
    from server.web.app import create_app

    say = progress or (lambda _text: None)
    data_dir = Path(data_dir).resolve()
    _wipe(data_dir)
    app = create_app({"DATA_DIR": data_dir, **DEMO_HASH, **(overrides or {})})
    db, files_dir = connect(app.config["DB_PATH"]), app.config["FILES_DIR"]
    now = now or clock.now()
    round_id, as_of = demo_round(now)
    today = now.astimezone(clock.BANGKOK).date()
    try:
        say("ทะเบียนหน่วยงาน")
        result = registry.import_rows(db, registry_rows(spec))
        if result.errors:
            raise RuntimeError("; ".join(result.errors))
        say("บัญชีผู้ใช้")
        accounts.issue_accounts(db)
        accounts.make_admin(db, ADMIN_LOGIN)
        _create_round(db, round_id, as_of, now)
        day0 = datetime.combine(today - timedelta(days=7), time(9, 0), clock.BANGKOK)  # office hours
        actors = _sign_in_everyone(db, spec, day0)
        last_year = _previous_year(db, spec, actors, files_dir, round_id, now, say) if previous_year else {}

        say("ส่งแฟ้มทะเบียนนักเรียน")
        rosters: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
        insts = {i.code: i for lao in spec.laos for i in lao.institutions}
        for n, inst in enumerate(insts.values()):
            if inst.state in ("uploaded", "confirmed"):
                rosters[inst.code] = (
                    _moved_up(inst, last_year[inst.code], round_id, seed=n)
                    if inst.code in last_year
                    else _roster(inst, round_id, seed=n)
                )
        for source, target in (*spec.conflicts, *((a, b) for a, b, _keep in spec.decided)):
            moved = dict(rosters[source][0][len(rosters[source][0]) // 2])
            moved["room"] = "1"
            rosters[target][0].append(moved)
        at = day0 + timedelta(days=1)
        for n, (code, (rows, removed)) in enumerate(rosters.items()):
            inst = insts[code]
            form = "cdc" if inst.kind == "cdc" else "school"
            basic = basic_data(inst) if form == "cdc" and code not in NO_BASIC_DATA else None
            data = workbook_bytes(form, code, inst.name, round_id, rows, removed, basic)
            uploads.upload_workbook(
                db,
                actors[code],
                round_id,
                code,
                data,
                filename=f"ทะเบียน_{code}.xlsx",
                files_dir=files_dir,
                now=at + timedelta(minutes=23 * n),
            )

        _decide(db, actors, round_id, rosters, spec, at + timedelta(hours=6), say)

        say("ส่งจำนวนนักเรียนสถานศึกษาสังกัดอื่น")
        for n, lao in enumerate(spec.laos):
            if lao.state in ("counts", "confirmed"):
                rows = other_rows(db, lao, seed=n)
                listed = other_pupil_list(round_id, rows) if n == 0 else None  # one LAO attaches its list
                data = workbook_bytes("other", lao.code, lao.name, round_id, rows, pupils=listed)
                uploads.upload_workbook(
                    db,
                    actors[lao.code],
                    round_id,
                    lao.code,
                    data,
                    filename=f"สังกัดอื่น_{lao.code}.xlsx",
                    files_dir=files_dir,
                    now=at + timedelta(hours=20, minutes=11 * n),
                )

        say("ยืนยันข้อมูล")
        _confirm_and_check(db, actors, round_id, spec, list(insts.values()), day0 + timedelta(days=3), say)
        _records(db, actors, spec, round_id, files_dir, day0 + timedelta(days=4), say)
    finally:
        db.close()
    return DemoInfo(data_dir, round_id, _logins(spec, _fresh(spec)), previous_round=previous_round_id(round_id)
                    if previous_year else None)  # fmt: skip


def _confirm_and_check(db: sqlite_utils.Database, actors: dict[str, Actor], round_id: str, spec: Spec,
                       insts: list[Inst], at: datetime, say: Any) -> None:  # fmt: skip
    """Confirmations bottom-up in the spec's states, with the province's spot-check between LAOs and province."""
    for n, inst in enumerate(i for i in insts if i.state == "confirmed"):
        chain.confirm(db, actors[inst.code], round_id, inst.code, now=at + timedelta(minutes=17 * n))
    for n, lao in enumerate(lao for lao in spec.laos if lao.state == "confirmed"):
        chain.confirm(db, actors[lao.code], round_id, lao.code, now=at + timedelta(days=1, minutes=9 * n))
    if spec.spot_check:
        say("สุ่มตรวจสอบ")
        _spot_check(db, actors[spec.province[0]], round_id, spec.province[0], at + timedelta(days=1, hours=3))
    if spec.province_confirmed:
        chain.confirm(db, actors[spec.province[0]], round_id, spec.province[0], now=at + timedelta(days=2))


Rosters = dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]


def _decide(db: sqlite_utils.Database, actors: dict[str, Actor], round_id: str, rosters: Rosters, spec: Spec,
            at: datetime, say: Any) -> None:  # fmt: skip
    """Decide each `spec.decided` conflict as the level that sees both sides (a province, an LAO or DLA)."""
    if spec.decided:
        say("ตัดสินเด็กซ้ำซ้อน")
    for source, target, keep in spec.decided:
        cid = rosters[target][0][-1]["citizen_id"]
        decider = conflicts.decider_of(db, [source, target])
        actor = actors[ADMIN_LOGIN if decider["level"] == "national" else decider["code"]]
        conflicts.decide(db, actor, round_id, cid, keep=keep, kind="present",
                         reason="ตรวจทะเบียนบ้านและสอบถามผู้ปกครองแล้ว เด็กเรียนอยู่ที่นี่", now=at)  # fmt: skip


def _records(db: sqlite_utils.Database, actors: dict[str, Actor], spec: Spec, round_id: str, files_dir: Path,
             at: datetime, say: Any) -> None:  # fmt: skip
    """A year of academic records (curriculum, both terms' results, assessments) for `spec.records`, then
    the registrars of `spec.registrars` and their graduate reports built from those results."""
    from server.tools.demo_records import add_school_records

    names = {i.code: i.name for lao in spec.laos for i in lao.institutions}
    year, _ = rounds.parse_round_id(round_id)
    for code, grades in spec.records:
        say(f"ส่งผลการเรียนทั้งปีของ {names[code]}")
        add_school_records(db, actors[code], code, names[code], year, files_dir=files_dir, at=at, grades=grades)
    _register_and_history(db, actors, spec, round_id, files_dir, at + timedelta(days=1), say)
    _registrars(db, spec, round_id, files_dir, at + timedelta(days=1), say)  # their ปพ.3 stands on these results


def _register_and_history(db: sqlite_utils.Database, actors: dict[str, Actor], spec: Spec, round_id: str,
                          files_dir: Path, at: datetime, say: Any) -> None:  # fmt: skip
    """The records schools' registrar's pupil register and one LocalSchool import with one failed row."""
    from server.tools.demo_lsq import add_register_and_history

    names = {i.code: i.name for lao in spec.laos for i in lao.institutions}
    year, _ = rounds.parse_round_id(round_id)
    for code, _grades in spec.records:
        say(f"ส่งทะเบียนนักเรียนและผลการเรียนย้อนหลัง (LocalSchool) ของ {names[code]}")
        add_register_and_history(db, actors[code], code, names[code], year, files_dir=files_dir, at=at)


def _registrars(db: sqlite_utils.Database, spec: Spec, round_id: str, files_dir: Path, at: datetime,
                say: Any) -> None:  # fmt: skip
    """Registrars for `spec.registrars`' schools and their LAOs, and each school's ปพ.3 submitted."""
    from server.tools.demo_registrars import add_registrars

    parents = {i.code: lao.code for lao in spec.laos for i in lao.institutions}
    year, _ = rounds.parse_round_id(round_id)
    for n, (code, level) in enumerate(spec.registrars):
        say(f"แต่งตั้งนายทะเบียนและส่ง ปพ.3 ของ {code}")
        add_registrars(db, code, parents[code], year, files_dir=files_dir, at=at + timedelta(hours=3 * n),
                       password=DEMO_PASSWORD, level=level)  # fmt: skip


def _spot_check(db: sqlite_utils.Database, actor: Actor, round_id: str, province: str, at: datetime) -> None:
    """A spot-check in progress: three institutions drawn, the first visited, one child not found."""
    check = spot_checks.draw(db, actor, round_id, province, institutions=3, children=5, seed=2567, now=at)
    kids = check["institutions"][0]["children"]
    results = [{"citizen_id": k["citizen_id"], "found": True, "note": ""} for k in kids[:-1]]
    results.append({"citizen_id": kids[-1]["citizen_id"], "found": False, "note": "ไม่พบตัว ครูแจ้งว่าย้ายไปต่างจังหวัด"})
    spot_checks.record(db, actor, round_id, province, check["id"], results, now=at + timedelta(hours=5))


def _logins(spec: Spec, fresh: set[str]) -> list[DemoLogin]:
    names = {r["code"]: r["name"] for r in registry_rows(spec)}
    names[ADMIN_LOGIN] = "กรมส่งเสริมการปกครองท้องถิ่น"
    levels = {spec.province[0]: "จังหวัด", ADMIN_LOGIN: "กรมฯ"}
    levels.update({lao.code: "อปท." for lao in spec.laos})
    out = []
    for login in spec.show:
        unit = login.removesuffix(registrars.LOGIN_SUFFIX)
        level = levels.get(unit, "สถานศึกษา")
        if unit != login:  # a registrar's login: the unit's code and -reg
            level = "เจ้าพนักงานทะเบียน (อปท.)" if level == "อปท." else "นายทะเบียน (สถานศึกษา)"
        out.append(
            DemoLogin(
                level, login, FIRST_PASSWORD if login in fresh else DEMO_PASSWORD, names[unit], _NOTES.get(login, "")
            )
        )
    return out


def logins_markdown(spec: Spec = DEMO_SPEC) -> str:
    """The README's table of demo logins, from the same list `lec demo` prints (so the two cannot drift)."""
    lines = ["| level | login | password | unit | try |", "|---|---|---|---|---|"]
    for x in _logins(spec, _fresh(spec)):
        lines.append(f"| {x.level} | `{x.login}` | `{x.password}` | {x.unit_name} | {x.note} |")
    return "\n".join(lines) + "\n"


# --- last academic year: a confirmed round, a correction window on it, this year promoted from it ---------


def previous_round_id(round_id: str) -> str:
    """Last academic year's round 2 (the November census), whose confirmations froze the allocation basis."""
    year, _number = rounds.parse_round_id(round_id)
    return f"{year - 1}-2"


def correction_round(previous: str) -> str:
    """The correction window on `previous` (letter 002): round 3 of the same academic year."""
    year, _number = rounds.parse_round_id(previous)
    return f"{year}-3"


def _previous_year(db: sqlite_utils.Database, spec: Spec, actors: dict[str, Actor], files_dir: Any, round_id: str,
                   now: datetime, say: Any) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """Last year's round 2, sent and confirmed by every unit up to the province in its own November (so its
    snapshot is an allocation basis), then a correction window on it, open now. Returns each institution's
    confirmed roster, from which this year's is promoted.

    An institution whose account is at its first login this year had last year's clerk: that person completes
    a profile, sends and confirms, and the account is then handed over (its first password issued again), as
    a change of responsible person does."""
    previous = previous_round_id(round_id)
    year, _n = rounds.parse_round_id(previous)
    ce = year - 543
    say(f"ปีการศึกษาก่อน ({previous}) และรอบแก้ไขข้อมูล")
    rounds.create_round(db, previous, as_of=census_date(year, 2), opens=f"{ce}-10-01T08:30",
                        institution_deadline=f"{ce}-11-11T17:00", lao_deadline=f"{ce}-11-11T17:00",
                        province_deadline=f"{ce}-11-12T17:00")  # fmt: skip
    at = datetime(ce, 11, 4, 9, 0, tzinfo=clock.BANGKOK)
    fresh = _fresh(spec)
    for n, login in enumerate(sorted(fresh)):
        actors[login] = _complete(db, login, "institution", _people(1 + n)[-1], 90 + n, at)
    insts = [i for lao in spec.laos for i in lao.institutions]
    sent: dict[str, list[dict[str, Any]]] = {}
    for n, inst in enumerate(insts):
        rows, _removed = _roster(inst, previous, seed=100 + n)
        form = "cdc" if inst.kind == "cdc" else "school"
        data = workbook_bytes(
            form, inst.code, inst.name, previous, rows, [], basic_data(inst) if form == "cdc" else None
        )
        uploads.upload_workbook(db, actors[inst.code], previous, inst.code, data, filename=f"ทะเบียน_{inst.code}.xlsx",
                                files_dir=files_dir, now=at + timedelta(minutes=13 * n))  # fmt: skip
        chain.confirm(db, actors[inst.code], previous, inst.code, now=at + timedelta(days=1, minutes=13 * n))
        sent[inst.code] = rows
    for n, lao in enumerate(spec.laos):
        if lao.others:
            data = workbook_bytes("other", lao.code, lao.name, previous, other_rows(db, lao, seed=200 + n))
            uploads.upload_workbook(db, actors[lao.code], previous, lao.code, data, filename=f"สังกัดอื่น_{lao.code}.xlsx",
                                    files_dir=files_dir, now=at + timedelta(days=2, minutes=11 * n))  # fmt: skip
        chain.confirm(db, actors[lao.code], previous, lao.code, now=at + timedelta(days=3, minutes=9 * n))
    chain.confirm(db, actors[spec.province[0]], previous, spec.province[0], now=at + timedelta(days=5))
    for login in fresh:  # handed over: this year's clerk logs in for the first time
        _set_first_password(db, login, FIRST_PASSWORD)
    _open_correction(db, previous, now)
    return sent


def _open_correction(db: sqlite_utils.Database, previous: str, now: datetime) -> None:
    """The window on last year's round, open now like the current round (its census date: 10 January)."""
    year, _n = rounds.parse_round_id(previous)
    today = now.astimezone(clock.BANGKOK).date()
    rounds.create_round(
        db,
        correction_round(previous),
        mode="correction",
        basis=previous,
        as_of=date(year - 543 + 1, 1, 10),
        opens=now - timedelta(days=20),
        institution_deadline=datetime.combine(today + timedelta(days=10), time(17, 0), clock.BANGKOK),
        lao_deadline=datetime.combine(today + timedelta(days=12), time(17, 0), clock.BANGKOK),
        province_deadline=datetime.combine(today + timedelta(days=14), time(17, 0), clock.BANGKOK),
    )


def _moved_up(inst: Inst, last_year: list[dict[str, Any]], round_id: str, seed: int
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    """This year's roster from last year's, as a clerk sends back the promoted template: everyone one grade
    up, the leavers in the register with their reasons, newcomers in the lowest grade, and two children
    taken off since the year began (as `_roster`)."""
    from validators.context import census_date as census
    from validators.promotion import promote
    from validators.synthetic import make_removals, make_roster

    year, number = rounds.parse_round_id(round_id)
    cdc = inst.kind == "cdc"
    moved = promote(last_year, year=year, cdc=cdc, as_of=census(year, number))
    known = {r["citizen_id"] for r in last_year}
    lowest = None if cdc else next(r["grade"] for r in sorted(last_year, key=lambda r: GRADE_ORDER[r["grade"]]))
    newcomers = make_roster("cdc" if cdc else "school", len(moved.leavers) + 4, year=year, unit_code=inst.code,
                            seed=seed, grades=None if cdc else (lowest,), round_no=number)  # fmt: skip
    rows = [*moved.rows, *(r for r in newcomers if r["citizen_id"] not in known)]
    if cdc:
        return rows, moved.leavers
    removed = make_removals(rows, 2, seed=seed)
    gone = {r["citizen_id"] for r in removed}
    start = date(year - 543, 5, 20)
    for i, r in enumerate(removed):
        r["removed_on"] = start + timedelta(days=30 + 17 * i)
    return [r for r in rows if r["citizen_id"] not in gone], [*moved.leavers, *removed]
