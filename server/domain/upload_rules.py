"""Findings only the server can make, declared in the shared rule catalogue (validators.findings).

The add-in cannot know who uploads, which round is open, or what other schools hold; these rules can.
Declared here once so their codes appear in docs/rules.md next to the row rules.
"""

from __future__ import annotations

from validators.findings import rule

UNIT_MISMATCH = rule("SERVER_UNIT_MISMATCH", "error", "server",
    "แบบฟอร์มนี้เป็นของหน่วยงาน {value} แต่ส่งเข้าหน่วยงาน {unit} กรุณาใช้แบบฟอร์มของหน่วยงานตนเอง",
    "The workbook's unit is not the unit it was uploaded to")  # fmt: skip
ROUND_MISMATCH = rule("SERVER_ROUND_MISMATCH", "error", "server",
    "แบบฟอร์มนี้เป็นของรอบ {value} แต่ส่งเข้ารอบ {round} กรุณาดาวน์โหลดแบบฟอร์มของรอบนี้",
    "The workbook's year and round are not the round it was uploaded to")  # fmt: skip
FORM_MISMATCH = rule("SERVER_FORM_MISMATCH", "error", "server",
    "หน่วยงาน {unit} ต้องส่งแบบฟอร์ม “{expected}” แต่ไฟล์นี้เป็นแบบฟอร์ม “{value}”",
    "The workbook's form does not fit the unit (roster for institutions, other counts for LAOs)")  # fmt: skip
ID_CONFLICT = rule("SERVER_ID_CONFLICT", "warning", "server",
    "เลขประจำตัว {value} ({name}) อยู่ในรายชื่อของ {other} ด้วย: ต้องตกลงกันว่าเด็กอยู่ที่ใด "
    "อปท. ยืนยันไม่ได้จนกว่าจะแก้ไข",
    "The same ID is on another institution's roster this round (a conflict to resolve)")  # fmt: skip
OTHER_NOT_IN_REGISTRY = rule("SERVER_OTHER_NOT_IN_REGISTRY", "warning", "server",
    "สถานศึกษาสังกัดอื่นรหัส {value} ไม่อยู่ในทะเบียนสถานศึกษาสังกัดอื่นของ {lao} กรุณาตรวจรหัส "
    "ระบบรับข้อมูลไว้และแจ้งจังหวัดให้ตรวจสอบ",
    "An other-affiliation school code that the registry does not list under this LAO")  # fmt: skip
OTHER_MISSING = rule("SERVER_OTHER_MISSING", "error", "server",
    "{name} ({value}) อยู่ในทะเบียนสถานศึกษาสังกัดอื่นของ {lao} แต่ไม่มีในแบบฟอร์มนี้ ต้องส่งทุกโรงเรียนในทะเบียน "
    "หากยุบเลิกแล้วให้เลือก “ใช่” ในช่องยุบเลิกแล้ว และกรอกจำนวนเป็น 0 ทั้งหมด (ดาวน์โหลดแบบฟอร์มใหม่ได้ รายชื่อใส่ไว้ให้แล้ว)",
    "An other-affiliation school of the registry is missing from the LAO's counts")  # fmt: skip
OTHER_UNCHANGED = rule("SERVER_OTHER_UNCHANGED", "warning", "server",
    "จำนวนนักเรียนของ {name} ({value}) เท่ากับที่ยืนยันไว้ในปีการศึกษา {year} ทุกชั้น "
    "กรุณาตรวจว่าเป็นจำนวนของปีนี้ ไม่ได้คัดลอกมาจากปีก่อน",
    "Other-affiliation counts of a school identical, grade by grade, to last year's confirmed ones")  # fmt: skip
DECIDED_ELSEWHERE = rule("SERVER_DECIDED_ELSEWHERE", "error", "server",
    "เลขประจำตัว {value} ({name}): {decider} ตัดสินเมื่อ {at} ว่าเด็กคนนี้นับที่ {keep} ({why}) "
    "จึงนำกลับเข้ารายชื่อของสถานศึกษานี้ไม่ได้: {todo}",
    "A duplicate decision gave this child to another institution: the roster may not bring it back")  # fmt: skip
