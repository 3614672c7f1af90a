"""Workbook-level failures: the file as a whole cannot be read as one of our templates.

Row rules live in `validators/`; these are about the container (not a workbook, not ours, metadata
deleted or edited, a version we cannot read). They are declared in the shared rule catalogue so their
codes appear in `docs/rules.md` like every other code, and they surface as a `WorkbookError` that every
caller (CLI, server upload, add-in) turns into one Thai error, never a traceback.
"""

from __future__ import annotations

from validators.findings import Finding, Rule, rule

NOT_A_WORKBOOK = rule(
    "WORKBOOK_NOT_A_WORKBOOK",
    "error",
    "workbook",
    "ไฟล์นี้ไม่ใช่สมุดงาน Excel (.xlsx) หรือไฟล์เสียหาย กรุณาตรวจว่าเลือกไฟล์ถูก หรือดาวน์โหลดแบบฟอร์มใหม่แล้วกรอกอีกครั้ง",
    "The file is not an Excel workbook (or is damaged): {detail}",
)
OTHER_FORMAT = rule(
    "WORKBOOK_OTHER_FORMAT",
    "error",
    "workbook",
    'ไฟล์นี้เป็น{detail} ระบบรับเฉพาะไฟล์ .xlsx กรุณาเปิดไฟล์แล้วเลือก "บันทึกเป็น" (Save As) ชนิด Excel Workbook (.xlsx) แล้วส่งใหม่',
    "Another spreadsheet format (.xls, .ods), which the reader does not open: {detail}",
)
ENCRYPTED = rule(
    "WORKBOOK_ENCRYPTED",
    "error",
    "workbook",
    "ไฟล์นี้ตั้งรหัสผ่านสำหรับเปิดไว้ ระบบอ่านไม่ได้ กรุณาบันทึกใหม่โดยไม่ตั้งรหัสผ่านเปิดไฟล์",
    "The workbook is encrypted with an opening password",
)
NOT_A_TEMPLATE = rule(
    "WORKBOOK_NOT_A_TEMPLATE",
    "error",
    "workbook",
    "ไฟล์นี้ไม่ใช่แบบฟอร์มของระบบ LEC Sheets กรุณาใช้แบบฟอร์มที่ดาวน์โหลดจากระบบหรือสร้างด้วยคำสั่ง lec template",
    "The workbook is not one of our templates (no metadata sheet, no key row)",
)
META_MISSING = rule(
    "WORKBOOK_META_MISSING",
    "error",
    "workbook",
    "แบบฟอร์มนี้ถูกแก้ไขจนข้อมูลกำกับแบบฟอร์ม (ชีตที่ซ่อนไว้) หายไป ระบบจึงไม่รู้ว่าเป็นของหน่วยใด ปีการศึกษาใด "
    "กรุณาดาวน์โหลดแบบฟอร์มใหม่แล้วคัดลอกข้อมูลไปวาง",
    "The template's very-hidden metadata sheet was removed",
)
META_TAMPERED = rule(
    "WORKBOOK_META_TAMPERED",
    "error",
    "workbook",
    "ข้อมูลกำกับแบบฟอร์ม (รหัสหน่วย ปีการศึกษา ครั้งที่) ถูกแก้ไข ({detail}) ระบบจึงไม่รับไฟล์นี้ กรุณาดาวน์โหลดแบบฟอร์มใหม่แล้วคัดลอกข้อมูลไปวาง",
    "The template metadata was edited: {detail}",
)
VERSION_UNSUPPORTED = rule(
    "WORKBOOK_VERSION_UNSUPPORTED",
    "error",
    "workbook",
    "แบบฟอร์มรุ่นที่ {detail} ระบบรุ่นนี้อ่านไม่ได้ กรุณาดาวน์โหลดแบบฟอร์มรุ่นปัจจุบัน หรือปรับปรุงโปรแกรม",
    "Template version {detail} cannot be read by this program",
)
SHEET_MISSING = rule(
    "WORKBOOK_SHEET_MISSING",
    "error",
    "workbook",
    "ไม่พบชีต {detail} ในไฟล์ (อาจถูกลบหรือเปลี่ยนชื่อ) กรุณาดาวน์โหลดแบบฟอร์มใหม่แล้วคัดลอกข้อมูลไปวาง",
    "A data sheet of the template is missing: {detail}",
)
COLUMNS_MISSING = rule(
    "WORKBOOK_COLUMNS_MISSING",
    "error",
    "workbook",
    "ชีต {detail} ไม่มีคอลัมน์ที่แบบฟอร์มกำหนด (แถวหัวตารางถูกลบหรือแก้ไข) กรุณาดาวน์โหลดแบบฟอร์มใหม่",
    "The hidden key row of a sheet lacks columns: {detail}",
)
FILE_NOT_FOUND = rule(
    "WORKBOOK_FILE_NOT_FOUND",
    "error",
    "workbook",
    "ไม่พบไฟล์หรือเปิดไฟล์ไม่ได้: {detail}",
    "The file does not exist or cannot be opened: {detail}",
)
UNREADABLE = rule(
    "WORKBOOK_UNREADABLE",
    "error",
    "workbook",
    "ระบบอ่านไฟล์นี้ไม่สำเร็จ ({detail}) กรุณาส่งไฟล์นี้ให้ผู้ดูแลระบบตรวจสอบ",
    "Reading the workbook failed unexpectedly: {detail}",
)
PREVIOUS_TAMPERED = rule(
    "WORKBOOK_PREVIOUS_TAMPERED",
    "warning",
    "workbook",
    "รายชื่อรอบก่อนที่แนบมากับแบบฟอร์มถูกแก้ไข ระบบจะไม่ใช้รายชื่อนี้ตรวจการนำออก",
    "The previous roster carried in the template was edited; it is ignored",
)
TOO_LARGE = rule(
    "WORKBOOK_TOO_LARGE",
    "error",
    "workbook",
    "ไฟล์นี้เมื่อขยายออกมีขนาดใหญ่ผิดปกติ ({detail}) ระบบจึงไม่เปิดอ่าน แบบฟอร์มที่กรอกตามปกติไม่ใหญ่ขนาดนี้ "
    "กรุณาตรวจว่าเลือกไฟล์ถูก หรือดาวน์โหลดแบบฟอร์มใหม่แล้วคัดลอกเฉพาะข้อมูลไปวาง",
    "The workbook unpacks to an implausible size (a zip bomb?): {detail}",
)
UNSAFE_XML = rule(
    "WORKBOOK_UNSAFE_XML",
    "error",
    "workbook",
    "ไฟล์นี้มีส่วนประกอบ XML ที่ไม่ปลอดภัย ({detail}) ซึ่ง Excel ไม่สร้างขึ้นเอง ระบบจึงไม่เปิดอ่าน "
    "กรุณาเปิดแล้วบันทึกใหม่ด้วย Excel หรือดาวน์โหลดแบบฟอร์มใหม่",
    "An XML part declares a DOCTYPE or entities (an XML bomb?): {detail}",
)
TOO_MANY_ROWS = rule(
    "WORKBOOK_TOO_MANY_ROWS",
    "error",
    "workbook",
    "ไฟล์นี้มีจำนวนแถวเกินกำหนด: {detail} กรุณาตรวจว่าไม่ได้วางข้อมูลซ้ำ หรือจัดรูปแบบแถวว่างไว้จนถึงท้ายชีต",
    "A sheet has more rows than the limit: {detail}",
)
TOO_WIDE = rule(
    "WORKBOOK_TOO_WIDE",
    "error",
    "workbook",
    "ไฟล์นี้มีข้อมูลอยู่นอกพื้นที่ของแบบฟอร์ม: {detail} กรุณาลบข้อมูลหรือการจัดรูปแบบที่อยู่ไกลออกไป "
    "หรือดาวน์โหลดแบบฟอร์มใหม่แล้วคัดลอกเฉพาะข้อมูลไปวาง",
    "A sheet has a cell beyond the template's width: {detail}",
)
WORKER_FAILED = rule(
    "WORKBOOK_WORKER_FAILED",
    "error",
    "workbook",
    "ระบบอ่านไฟล์นี้ไม่สำเร็จ: {detail} ระบบไม่ได้บันทึกข้อมูลใด ๆ กรุณาเปิดไฟล์ด้วย Excel แล้วบันทึกใหม่ "
    "หรือดาวน์โหลดแบบฟอร์มใหม่แล้วคัดลอกเฉพาะข้อมูลไปวาง",
    "The isolated reader failed (crash, memory or time limit): {detail}",
)
CENSUS_DATE_DIFFERS = rule(
    "WORKBOOK_CENSUS_DATE",
    "warning",
    "workbook",
    "แบบฟอร์มนี้สร้างสำหรับข้อมูล ณ วันที่ {value} แต่รอบนี้นับข้อมูล ณ วันที่ {round_date} ระบบตรวจอายุและวันที่"
    "ตามวันที่ของรอบ ครั้งต่อไปกรุณาดาวน์โหลดแบบฟอร์มใหม่",
    "The template carries another census date than the round's; the round's date was used",
)

WORKBOOK_RULES = {
    r.code: r
    for r in (
        NOT_A_WORKBOOK,
        OTHER_FORMAT,
        ENCRYPTED,
        NOT_A_TEMPLATE,
        META_MISSING,
        META_TAMPERED,
        VERSION_UNSUPPORTED,
        SHEET_MISSING,
        COLUMNS_MISSING,
        FILE_NOT_FOUND,
        UNREADABLE,
        PREVIOUS_TAMPERED,
        TOO_LARGE,
        UNSAFE_XML,
        TOO_MANY_ROWS,
        TOO_WIDE,
        WORKER_FAILED,
        CENSUS_DATE_DIFFERS,
    )
}


class WorkbookError(Exception):
    """The file cannot be read as one of our templates.

    `code` is a stable rule code, `message_th` what a clerk reads, `detail` English for logs (and the
    `detail` field of an API error).
    """

    def __init__(self, code: str, message_th: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail or message_th}")
        self.code = code
        self.message_th = message_th
        self.detail = detail

    def to_finding(self) -> Finding:
        """The error as an ordinary finding, so reports show it in the same table as row errors."""
        return Finding(code=self.code, severity="error", column=None, message=self.message_th)


def workbook_error(r: Rule, detail: str = "", detail_th: str | None = None) -> WorkbookError:
    """Build the error for rule `r`; `detail_th` fills the Thai template, `detail` is for logs."""
    th = detail_th if detail_th is not None else detail
    return WorkbookError(r.code, r.th.format(detail=th), detail or r.en.format(detail=th))
