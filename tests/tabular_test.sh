#!/usr/bin/env bash
# What schools have (issue 29): the tabular profile read and written by `import` and
# `export` (docs/import-formats.md). Round trips over data/ and the corpus compare the
# databases table by table; workbooks written by another program (openpyxl), a Russian
# Excel CSV (Windows-1251, `;`), and hostile files (refused with a message, never a crash
# or a stall). Run by ctest: tabular_test.sh BINARY SOURCE_DIR
set -uo pipefail
bin=$1 src=$2
. "$src/tests/check.sh"
require_tools sqlite3 /usr/bin/python3
# Debian's python3 has openpyxl and xlwt (scripts/install-deps --tests); another python3
# first on PATH may not.
py=/usr/bin/python3
$py -c 'import openpyxl' 2>/dev/null || { echo "skip: python3-openpyxl is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every table of two databases' only dataset equal, row for row (sorted: the input order
# is stored in the tables' seq columns, and a guardian's children or an event's classes
# are kept as sets, store/model.cc); the dataset's export time and settings equal; the
# same warnings by kind (those of the regulation checks).
same_db() {
  local a=$1 b=$2 t q
  for t in $(sqlite3 "$a" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN
             ('datasets','import_warnings','guardian_access','build_files','builds','access_epochs','new_since') ORDER BY name"); do
    q="SELECT * FROM \"$t\""
    if ! cmp -s <(sqlite3 "$a" "$q" | sort) <(sqlite3 "$b" "$q" | sort); then
      echo "table $t differs:"; diff <(sqlite3 "$a" "$q" | sort) <(sqlite3 "$b" "$q" | sort) | head -5; return 1
    fi
  done
  q="SELECT school_id, year_label, exported_at, settings FROM datasets"
  cmp -s <(sqlite3 "$a" "$q") <(sqlite3 "$b" "$q") || { echo "datasets differ"; return 1; }
  # The warnings about the input's form (unknown fields and sections, zero-width and control
  # characters) were about the JSON: what the database keeps has none of them.
  q="SELECT code, count(*) FROM import_warnings WHERE code NOT IN ('unknown-field',
     'unknown-section', 'zero-width', 'control-character') GROUP BY code ORDER BY code"
  cmp -s <(sqlite3 "$a" "$q") <(sqlite3 "$b" "$q") || { echo "warnings differ:"; diff <(sqlite3 "$a" "$q") <(sqlite3 "$b" "$q"); return 1; }
}

# round_trip NAME PATH...: JSON import, export (CSV, --xlsx, OneRoster), import of each,
# compared.
round_trip() {
  local name=$1; shift
  local d=$tmp/rt-$name
  mkdir -p "$d"
  "$bin" import "$@" --db "$d/json.db" >"$d/json.log" 2>&1 || return 2  # a case that is refused
  "$bin" export --db "$d/json.db" --format tabular --out "$d/csv" >/dev/null 2>"$d/err" || { bad "round-trip $name: export failed"; cat "$d/err"; return 1; }
  "$bin" export --db "$d/json.db" --format tabular --xlsx --out "$d/xlsx" >/dev/null 2>"$d/err" || { bad "round-trip $name: export --xlsx failed"; cat "$d/err"; return 1; }
  "$bin" import "$d/csv" --db "$d/csv.db" >"$d/csv.log" 2>&1 || { bad "round-trip $name: import of the CSV export refused"; tail -5 "$d/csv.log"; return 1; }
  "$bin" import "$d/xlsx/journal.xlsx" --db "$d/xlsx.db" >"$d/xlsx.log" 2>&1 || { bad "round-trip $name: import of the xlsx export refused"; tail -5 "$d/xlsx.log"; return 1; }
  "$bin" export --db "$d/json.db" --format oneroster --out "$d/or" >/dev/null 2>"$d/err" || { bad "round-trip $name: export --format oneroster failed"; cat "$d/err"; return 1; }
  "$bin" import "$d/or" --db "$d/or.db" >"$d/or.log" 2>&1 || { bad "round-trip $name: import of the OneRoster export refused"; tail -5 "$d/or.log"; return 1; }
  same_db "$d/json.db" "$d/or.db" || { bad "round-trip $name: the OneRoster export imports as another journal"; return 1; }
  "$bin" export --db "$d/or.db" --format oneroster --out "$d/or2" >/dev/null 2>&1
  diff -r "$d/or" "$d/or2" >/dev/null || { bad "round-trip $name: a second OneRoster export differs"; return 1; }
  same_db "$d/json.db" "$d/csv.db" || { bad "round-trip $name: the CSV export imports as another journal"; return 1; }
  same_db "$d/json.db" "$d/xlsx.db" || { bad "round-trip $name: the xlsx export imports as another journal"; return 1; }
  # The same journal exports the same bytes.
  "$bin" export --db "$d/csv.db" --format tabular --out "$d/csv2" >/dev/null 2>&1
  "$bin" export --db "$d/xlsx.db" --format tabular --xlsx --out "$d/xlsx2" >/dev/null 2>&1
  diff -r "$d/csv" "$d/csv2" >/dev/null || { bad "round-trip $name: a second CSV export differs"; return 1; }
  cmp -s "$d/xlsx/journal.xlsx" "$d/xlsx2/journal.xlsx" || { bad "round-trip $name: a second xlsx export differs"; return 1; }
  return 0
}

if round_trip data "$src/data"; then ok "round-trip data/ (CSV, xlsx and OneRoster; byte-identical re-export)"; fi

n=0 refused=0 failed=0
for c in "$src"/tests/corpus/[0-9]*/; do
  name=$(basename "$c")
  round_trip "$name" "$src/tests/corpus/base" "$c"
  case $? in 0) n=$((n + 1)) ;; 2) refused=$((refused + 1)) ;; *) failed=$((failed + 1)) ;; esac
done
((failed == 0 && n > 10)) && ok "round-trip corpus: $n cases the same journal after CSV, xlsx and OneRoster ($refused cases refused by the JSON import itself)" ||
  bad "round-trip corpus: $failed cases differ, $n the same"

# ---- the OneRoster export's columns: the 1.2 CSV binding's, in its order ----------------
# As 1EdTech's "OneRoster: CSV Binding" 1.2.1 Final Release lists them (section 3, a table
# per file), written out here apart from ingest/oneroster's lists; then only extension
# columns (metadata.*).
declare -A or_cols=(
  [academicSessions]=sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
  [categories]=sourcedId,status,dateLastModified,title,weight
  [classes]=sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
  [courses]=sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
  [demographics]=sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus
  [enrollments]=sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
  [lineItems]=sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,academicSessionSourcedId,resultValueMin,resultValueMax,schoolSourcedId
  [orgs]=sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
  [results]=sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment,textScore,classSourcedId,inProgress,incomplete,late,missing
  [roles]=sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId
  [users]=sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns
)
wrong=""
for f in "${!or_cols[@]}"; do
  head=$(head -1 "$tmp/rt-data/or/$f.csv" | tr -d '\r')
  spec=${head%%,metadata.*}
  [[ $spec == "${or_cols[$f]}" && ${head#"$spec"} =~ ^(,metadata\.[A-Za-z_.]+)*$ ]] || wrong+=" $f.csv"
done
[[ -z $wrong && ${#or_cols[@]} == 11 ]] && ok "oneroster export: the 11 files' columns those of the 1.2.1 binding, in its order" ||
  bad "oneroster export columns differ from the 1.2.1 binding:$wrong"
# What 1.2 added to the gradebook is filled where the journal has it: a line item's school,
# its academic session and the scale's range; a result's class, and a mark that is no
# number as its textScore: the corpus base with two more marks, н/а and осв (exempt), which
# go round as the rest.
$py - "$src/tests/corpus/base/journal.json" "$tmp/text-marks.json" <<'PYEOF2'
import json, sys
m = json.load(open(sys.argv[1]))["marks"][0]
marks = [dict(m, id="m-na", value="н/а"), dict(m, id="m-osv", value="осв")]
json.dump({"format": "journalpress/1", "marks": marks}, open(sys.argv[2], "w"), ensure_ascii=False)
PYEOF2
round_trip text-marks "$src/tests/corpus/base" "$tmp/text-marks.json" && ok "round-trip: marks н/а and осв through CSV, xlsx and OneRoster" || bad "round-trip text-marks: refused or differs ($?)"
rt=$tmp/rt-text-marks
$py - "$rt/or" "$(sqlite3 "$rt/json.db" "SELECT count(*) FROM marks WHERE value GLOB '*[^0-9.]*'")" <<'PYEOF2' && ok "oneroster export: lineItems' schoolSourcedId, academicSessionSourcedId, resultValueMin/Max; results' classSourcedId, textScore" || bad "oneroster export: the 1.2 gradebook columns are not filled"
import csv, sys
d, text_marks = sys.argv[1], int(sys.argv[2])
items = list(csv.DictReader(open(f"{d}/lineItems.csv", newline="")))
results = list(csv.DictReader(open(f"{d}/results.csv", newline="")))
sessions = {r["sourcedId"] for r in csv.DictReader(open(f"{d}/academicSessions.csv", newline=""))}
school = next(csv.DictReader(open(f"{d}/orgs.csv", newline="")))["sourcedId"]
item_class = {i["sourcedId"]: i["classSourcedId"] for i in items}
assert items and results and text_marks > 0
assert all(i["schoolSourcedId"] == school and i["academicSessionSourcedId"] in sessions for i in items)
assert all((i["resultValueMin"], i["resultValueMax"]) == ("1", "5") for i in items)
assert all(r["classSourcedId"] == item_class[r["lineItemSourcedId"]] for r in results)
for r in results:
    v = r["metadata.journalpress.value"]
    assert (r["score"], r["textScore"]) == ((v, "") if v.replace(".", "").isdigit() else ("", v)), r
assert sum(1 for r in results if r["textScore"]) == text_marks == 2
assert sum(1 for r in results if r["scoreStatus"] == "exempt") == 1
PYEOF2

# ---- a workbook written by another program (openpyxl) --------------------------------
$py - "$tmp/book.xlsx" "$tmp/merged.xlsx" "$tmp/formula.xlsx" <<'PYEOF2'
import datetime, sys, openpyxl
def book():
    wb = openpyxl.Workbook()
    ws = wb.active; ws.title = "school"
    ws.append(["id", "name", "director.last_name", "director.first_name", "timezone"])
    ws.append(["s1", "Школа № 1", "Иванова", "Анна", "Asia/Yekaterinburg"])
    ws = wb.create_sheet("Учебный год")
    ws.append(["Учебный год", "Начало", "Конец"])
    ws.append(["2024/2025", datetime.date(2024, 9, 2), datetime.date(2025, 5, 26)])
    ws = wb.create_sheet("subjects"); ws.append(["id", "name", "order"])
    ws.append(["math", "Математика", 1]); ws.append(["rus", "Русский язык", 2])
    ws = wb.create_sheet("teachers"); ws.append(["id", "Фамилия", "Имя", "Отчество"])
    ws.append(["t1", "Петров", "Пётр", None])
    ws = wb.create_sheet("classes"); ws.append(["id", "name", "grade", "homeroom_teacher"])
    ws.append(["c5a", "5А", 5, "t1"])
    ws = wb.create_sheet("Ученики"); ws.append(["id", "Фамилия", "Имя", "Класс", "birth_date"])
    ws.append(["p1", "Сидоров", "Иван", "c5a", datetime.date(2013, 4, 1)])
    ws.append(["p2", "Ёлкина", "Олеся", "c5a", None])
    ws = wb.create_sheet("lessons")
    ws.append(["id", "class", "subject", "teacher", "date", "number", "topic"])
    ws.append(["l1", "c5a", "math", "t1", datetime.date(2024, 9, 3), 1, "Натуральные числа"])
    ws = wb.create_sheet("marks"); ws.append(["id", "student", "lesson", "value", "weight"])
    ws.append(["m1", "p1", "l1", 5, 1.5]); ws.append(["m2", "p2", "l1", "4", None])
    return wb
book().save(sys.argv[1])
wb = book(); wb["marks"].merge_cells("D2:D3"); wb.save(sys.argv[2])
wb = book(); wb["marks"]["D3"] = "=2+2"; wb.save(sys.argv[3])
PYEOF2
check openpyxl-workbook 0 "2 students (2 enrollments), 0 guardians, 1 lessons, 0 individual homework, 2 marks" -- "$bin" import "$tmp/book.xlsx" --db "$tmp/book.db"
[[ $out == *"read journalpress-tabular/1, 1 workbook:"* ]] && ok "import says what it detected" || bad "import's detected line: $out"
[[ $(sqlite3 "$tmp/book.db" "SELECT value, weight FROM marks ORDER BY id") == $'5|1.5\n4|' ]] && ok "openpyxl: numbers as marks and weights" || bad "openpyxl marks: $(sqlite3 "$tmp/book.db" "SELECT * FROM marks")"
[[ $(sqlite3 "$tmp/book.db" "SELECT birth_date FROM students WHERE id='p1'") == 2013-04-01 ]] && ok "openpyxl: a date cell is a date" || bad "openpyxl birth date"
check xlsx-merged 1 "$tmp/merged.xlsx: marks!D2: merged cells D2:D3: a record sheet holds one value per cell; unmerge them" -- "$bin" import "$tmp/merged.xlsx" --db "$tmp/m.db"
check xlsx-formula 1 "$tmp/formula.xlsx: marks!D3: a formula without a saved value" -- "$bin" import "$tmp/formula.xlsx" --db "$tmp/m.db"
[[ ! -e $tmp/m.db ]] && ok "refused workbooks leave no database" || bad "a refused workbook made a database"

# ---- Russian Excel's CSV: Windows-1251, `;`, Russian titles, ДД.ММ.ГГГГ, 4,5 ----------
mkdir -p "$tmp/cp1251"
$py - "$tmp/cp1251" <<'PYEOF2'
import sys, pathlib
d = pathlib.Path(sys.argv[1])
files = {
  "school.csv": "id;name;director.last_name;director.first_name\ns1;\"Школа; № 1\";Иванова;Анна\n",
  "year.csv": "Учебный год;Начало;Конец\n2024/2025;02.09.2024;26.05.2025\n",
  "Предметы.csv": "Код;Название\nmath;Математика\n",
  "Учителя.csv": "Код;Фамилия;Имя;Отчество\nt1;Петров;Пётр;Ильич\n",
  "Классы.csv": "Код;Название;Параллель\nc5a;5А;5\n",
  "Ученики.csv": "Код;Фамилия;Имя;Класс;Дата рождения\np1;Сидоров;Иван;c5a;01.04.2013\np2;Ёлкина;Олеся;c5a;\n",
  "work_types.csv": "Код;Название;Вес;control\nw1;Контрольная работа;2,5;да\n",
  "Уроки.csv": "Код;Класс;Предмет;Учитель;Дата;Номер;Тема\nl1;c5a;math;t1;03.09.2024;1;\"Числа, \"\"натуральные\"\"\"\n",
  "Отметки.csv": "Код;Ученик;Урок;Отметка;Вид работы\nm1;p1;l1;5;w1\n",
}
for name, text in files.items():
    (d / name).write_bytes(text.replace("\n", "\r\n").encode("cp1251"))
PYEOF2
check cp1251-csv 0 "2 students" -- "$bin" import "$tmp/cp1251" --db "$tmp/cp.db"
[[ $out == *"9 CSV files (Windows-1251, delimiter ';')"* ]] && ok "cp1251: encoding and delimiter detected and said" || bad "cp1251 detected line: $out"
[[ $(sqlite3 "$tmp/cp.db" "SELECT last_name FROM students ORDER BY id") == $'Сидоров\nЁлкина' ]] && ok "cp1251: names decoded" || bad "cp1251 names: $(sqlite3 "$tmp/cp.db" "SELECT last_name FROM students")"
[[ $(sqlite3 "$tmp/cp.db" "SELECT weight, control FROM work_types; SELECT topic FROM lessons; SELECT name FROM schools") == $'2.5|1\nЧисла, "натуральные"\nШкола; № 1' ]] && ok "cp1251: decimal comma, да, quoted fields" || bad "cp1251 values: $(sqlite3 "$tmp/cp.db" "SELECT weight, control FROM work_types; SELECT topic FROM lessons; SELECT name FROM schools")"
check cp1251-as-utf8 1 "byte 0xCA is not UTF-8" -- "$bin" import "$tmp/cp1251" --db "$tmp/cp2.db" --encoding utf-8

# A bad cell is named by file, row and column.
cp -r "$tmp/cp1251" "$tmp/badcell"
printf 'Код;Название;Параллель\r\nc5a;5А;пятый\r\n' | iconv -f utf-8 -t cp1251 >"$tmp/badcell/Классы.csv"
check csv-bad-cell 1 "$tmp/badcell/Классы.csv: row 2, column C (grade) (id c5a): expected an integer, got \"пятый\"" -- "$bin" import "$tmp/badcell" --db "$tmp/bad.db"

# ---- the journal grid: .xls written by xlwt, .xlsx by openpyxl, beside a tabular roster --
# The same grid «5А Математика» saved by each program, in a folder of its own beside the same
# roster (CSV files): each imports, and as the same journal. xlwt is one of the test
# packages (scripts/install-deps --tests): without it the .xls reader would go untested.
$py -c 'import xlwt' 2>/dev/null || bad "python3-xlwt is missing (scripts/install-deps --tests): the .xls grid is not tested"
mkdir -p "$tmp/grid" "$tmp/gridx"
cp "$tmp/cp1251"/{school.csv,year.csv,Предметы.csv,Учителя.csv,Классы.csv,Ученики.csv} "$tmp/grid/"
printf 'id,kind,name,start,end\nq1,quarter,1 четверть,2024-09-02,2024-10-27\n' >"$tmp/grid/periods.csv"
cp "$tmp/grid"/*.csv "$tmp/gridx/"
$py - "$tmp/grid" "$tmp/gridx" <<'PYEOF2'
import sys, openpyxl
xls_dir, xlsx_dir = sys.argv[1], sys.argv[2]
rows = [
    ["Учитель: Петров Пётр Ильич"],
    ["№", "ФИО", "03.09", "05.09", "10.09", "1 четверть"],
    [None, None, "Натуральные числа", "Сложение", None, None],
    [1, "Сидоров  Иван", 5, "4/5", "н", 5],
    [2, "Елкина Олеся", None, "осв", "Б", "4"],
]
try:
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8"); ws = wb.add_sheet("5А Математика")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None: ws.write(r, c, v)
    wb.save(f"{xls_dir}/journal.xls")
except ImportError:
    pass
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "5А Математика"
for r in rows: ws.append(r)
wb.save(f"{xlsx_dir}/journal.xlsx")
bad = [r[:] for r in rows]; bad[3][1] = "Сидоров Пётр"; bad[4][4] = "7+"
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "5А Математика"
for r in bad: ws.append(r)
wb.save(f"{xls_dir}/../bad-grid.xlsx")
PYEOF2
grid_rows() {
  sqlite3 "$1" "SELECT date, number, teacher, coalesce(topic, '') FROM lessons ORDER BY date;
    SELECT student, value FROM marks ORDER BY student, id; SELECT student, status, reason FROM attendance ORDER BY student;
    SELECT student, period, value FROM final_marks ORDER BY student"
}
want_grid=$'2024-09-03|1|t1|Натуральные числа\n2024-09-05|1|t1|Сложение\n2024-09-10|1|t1|\np1|5\np1|4\np1|5\np2|осв\np1|absent|unexcused\np2|absent|illness\np1|q1|5\np2|q1|4'
for g in grid gridx; do
  [[ $g == grid ]] && file=journal.xls || file=journal.xlsx
  [[ -e $tmp/$g/$file ]] || continue
  check "grid-$file" 0 "3 lessons, 0 individual homework, 4 marks, 2 attendance entries, 2 final marks" -- "$bin" import "$tmp/$g" --db "$tmp/$g.db"
  [[ $out == *"with 1 journal grid"* ]] && ok "grid $file: detected and said" || bad "grid $file detected line: $out"
  [[ $(grid_rows "$tmp/$g.db") == "$want_grid" ]] &&
    ok "grid $file: lessons from the columns (the year from the roster, topics, the teacher named above); marks 4/5, н and Б, осв, period marks; ё/е and spaces in names" ||
    bad "grid $file records: $(grid_rows "$tmp/$g.db")"
done
[[ -e $tmp/grid.db && -e $tmp/gridx.db ]] && same_db "$tmp/grid.db" "$tmp/gridx.db" &&
  ok "grid: the .xls (xlwt) and the .xlsx (openpyxl) import as the same journal" || bad "grid: the .xls and .xlsx grids differ or did not both import"
rm -f "$tmp/grid"/journal.xls*; cp "$tmp/bad-grid.xlsx" "$tmp/grid/"
check grid-unknown-name 1 "$tmp/grid/bad-grid.xlsx: 5А Математика!B4: no pupil named \"Сидоров Пётр\" in 5А" -- "$bin" import "$tmp/grid" --db "$tmp/grid2.db"
[[ $out == *"5А Математика!E5: expected marks (5, 4, 3, 2, 1; two as 4/5), an attendance code"*'got "7+"'* ]] && ok "grid: a cell that is no mark is named" || bad "grid bad cell: $out"
# Two pupils the grid's name fits (one with a middle name): ambiguous, refused by cell.
rm -f "$tmp/grid/bad-grid.xlsx"
mkdir -p "$tmp/grid3"; cp "$tmp/grid"/*.csv "$tmp/grid3/"
$py - "$tmp/grid3" <<'PYEOF2'
import sys, openpyxl
d = sys.argv[1]
with open(f"{d}/Ученики.csv", "ab") as f:
    f.write("p3;Сидоров;Иван;c5a;\r\n".encode("cp1251"))
with open(f"{d}/Ученики.csv", "rb") as f:
    text = f.read().decode("cp1251").replace("Код;Фамилия;Имя;Класс;Дата рождения", "Код;Фамилия;Имя;Класс;Дата рождения;Отчество")
    text = text.replace("p3;Сидоров;Иван;c5a;\r\n", "p3;Сидоров;Иван;c5a;;Петрович\r\n")
with open(f"{d}/Ученики.csv", "wb") as f:
    f.write(text.encode("cp1251"))
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "5А Математика"
for r in [["Учитель: Петров П. И."], ["№", "ФИО", "03.09"], [1, "Сидоров Иван", 5]]: ws.append(r)
wb.save(f"{d}/grid.xlsx")
PYEOF2
check grid-ambiguous-name 1 '5А Математика!B3: "Сидоров Иван" is ambiguous in 5А: pupils p1 and p3; add the middle name' -- "$bin" import "$tmp/grid3" --db "$tmp/grid3.db"

# ---- the template workbook: the shipped file is what `export --template` writes, and a
# school that fills it in (here openpyxl, its grid sheet too) imports it ----------------
check template-written 0 "wrote the template workbook" -- "$bin" export --template --out "$tmp/tpl"
cmp -s "$tmp/tpl/template.xlsx" "$src/data/examples/template.xlsx" && ok "data/examples/template.xlsx is up to date" ||
  bad "data/examples/template.xlsx differs from \`journalpress export --template\`: regenerate it"
$py - "$src/data/examples/template.xlsx" "$tmp/tpl/filled.xlsx" <<'PYEOF2'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
def put(sheet, row):
    ws = wb[sheet]; cols = [c.value for c in ws[1]]
    ws.append([row.get(c) for c in cols])
put("school", {"id": "s1", "name": "Школа", "director.last_name": "Иванова", "director.first_name": "Анна"})
put("year", {"label": "2024/2025", "start": "02.09.2024", "end": "26.05.2025"})
put("periods", {"id": "q1", "kind": "quarter", "name": "1 четверть", "start": "2024-09-02", "end": "2024-10-27"})
put("subjects", {"id": "math", "name": "Математика"})
put("teachers", {"id": "t1", "last_name": "Петров", "first_name": "Пётр", "middle_name": "Ильич"})
put("classes", {"id": "c5a", "name": "5А", "grade": 5, "homeroom_teacher": "t1"})
put("students", {"id": "p1", "last_name": "Сидоров", "first_name": "Иван"})
put("enrollments", {"student": "p1", "class": "c5a", "from": "2024-09-02"})
g = wb["5А Математика"]
g.append([1, "Сидоров Иван", 5, "4/5", None, "Н", None, 5])
wb.save(sys.argv[2])
PYEOF2
check template-filled 0 "1 students (1 enrollments), 0 guardians, 5 lessons, 0 individual homework, 3 marks, 1 attendance entries, 1 final marks" -- "$bin" import "$tmp/tpl/filled.xlsx" --db "$tmp/tpl/t.db"

# ---- OneRoster: a 1.1 set with guardians linked both ways and a gradebook, as a folder
# and as a .zip; a 1.2 set with roles.csv; a roster alone; messy exports, by place ---------
mkdir -p "$tmp/or"
$py - "$tmp/or" <<'PYEOF2'
import csv, sys, pathlib
d = pathlib.Path(sys.argv[1])
def w(name, rows):
    with open(d / name, "w", newline="") as f: csv.writer(f).writerows(rows)
w("manifest.csv", [["propertyName","value"],["manifest.version","1.0"],["oneroster.version","1.1"],
  ["file.academicSessions","bulk"],["file.orgs","bulk"],["file.courses","bulk"],["file.classes","bulk"],
  ["file.users","bulk"],["file.enrollments","bulk"],["file.demographics","absent"],
  ["file.categories","bulk"],["file.lineItems","bulk"],["file.results","bulk"]])
w("orgs.csv", [["sourcedId","status","dateLastModified","name","type","identifier","parentSourcedId"],
  ["sch1","active","","Школа № 5","school","",""]])
w("academicSessions.csv", [["sourcedId","status","dateLastModified","title","type","startDate","endDate","parentSourcedId","schoolYear"],
  ["y","","","2024/2025","schoolYear","2024-09-02","2025-05-26","","2025"],
  ["q1","","","1 четверть","gradingPeriod","2024-09-02","2024-10-27","y","2025"],
  ["q2","","","2 четверть","gradingPeriod","2024-11-05","2024-12-28","y","2025"],
  ["q3","","","3 четверть","gradingPeriod","2025-01-09","2025-03-21","y","2025"],
  ["q4","","","4 четверть","gradingPeriod","2025-03-31","2025-05-26","y","2025"]])
w("courses.csv", [["sourcedId","status","dateLastModified","schoolYearSourcedId","title","courseCode","grades","orgSourcedId","subjects","subjectCodes"],
  ["math","","","y","Математика","мат","05","sch1","",""]])
w("classes.csv", [["sourcedId","status","dateLastModified","title","grades","courseSourcedId","classCode","classType","location","schoolSourcedId","termSourcedIds","subjects","subjectCodes","periods"],
  ["c5a","","","5А","05","math","","homeroom","","sch1","y","","",""],
  ["c5a-math","","","5А Математика","05","math","","scheduled","","sch1","y","","",""]])
w("users.csv", [["sourcedId","status","dateLastModified","enabledUser","orgSourcedIds","role","username","userIds","givenName","familyName","middleName","identifier","email","sms","phone","agentSourcedIds","grades","password"],
  ["dir","","","true","sch1","administrator","","","Анна","Иванова","Петровна","","","","","","",""],
  ["t1","","","true","sch1","Teacher","","","Пётр","Петров","Ильич","","","","","","",""],
  ["p1","","","true","sch1","student","","","Иван","Сидоров","","","","","","g1","05",""],
  ["p2","","","true","sch1","student","","","Олеся","Ёлкина","","","","","","","05",""],
  ["g1","","","true","sch1","parent","","","Мария","Сидорова","","","m@example.ru","","","","",""],
  ["g2","","","true","sch1","guardian","","","Ольга","Ёлкина","","","","","+7 900 000-00-00","p2","",""]])
w("enrollments.csv", [["sourcedId","status","dateLastModified","classSourcedId","schoolSourcedId","userSourcedId","role","primary","beginDate","endDate"],
  ["e1","","","c5a","sch1","p1","student","false","2024-09-02",""],
  ["e2","","","c5a","sch1","p2","student","false","",""],
  ["e3","","","c5a","sch1","t1","teacher","true","",""],
  ["e4","","","c5a-math","sch1","t1","teacher","true","",""],
  ["e5","","","c5a-math","sch1","p1","student","false","",""]])
w("categories.csv", [["sourcedId","status","dateLastModified","title","weight"],["test","","","Контрольная работа","2"]])
w("lineItems.csv", [["sourcedId","status","dateLastModified","title","description","assignDate","dueDate","classSourcedId","categorySourcedId","gradingPeriodSourcedId","resultValueMin","resultValueMax"],
  ["li1","","","Натуральные числа","","2024-09-10T00:00:00Z","2024-09-10","c5a-math","test","q1","1","5"]])
w("results.csv", [["sourcedId","status","dateLastModified","lineItemSourcedId","studentSourcedId","scoreStatus","score","scoreDate","comment"],
  ["r1","","","li1","p1","fully graded","5.0","2024-09-10","молодец"],
  ["r2","","","li1","p2","exempt","","2024-09-10",""],
  ["r3","","","li1","p2","not submitted","","",""]])
PYEOF2
check oneroster-1.1 0 "2 guardians, 1 lessons, 0 individual homework, 2 marks" -- "$bin" import "$tmp/or" --db "$tmp/or.db"
[[ $out == *"read OneRoster 1.1 CSV set"* && $out == *'users.csv: row 3, column F (role): warning: "Teacher" in the wrong case: read as "teacher"'* ]] &&
  ok "oneroster: detected and said; vocabulary in the wrong case warned by place" || bad "oneroster detected/warned: $out"
[[ $out != *"a column OneRoster does not have"* ]] && ok "oneroster 1.1: every column of the 1.1 files known (users' role, lineItems' gradingPeriodSourcedId)" || bad "oneroster 1.1 columns warned: $out"
[[ $(sqlite3 "$tmp/or.db" "SELECT guardian, student FROM guardian_children ORDER BY guardian; SELECT student, value, work_type, coalesce(comment, '') FROM marks ORDER BY id; SELECT director_last_name FROM schools") == $'g1|p1\ng2|p2\np1|5|test|молодец\np2|осв|test|\nИванова' ]] &&
  ok "oneroster: guardians by agentSourcedIds both ways, results as marks (exempt as осв), the director" ||
  bad "oneroster records: $(sqlite3 "$tmp/or.db" "SELECT * FROM guardian_children; SELECT * FROM marks; SELECT * FROM schools")"
(cd "$tmp/or" && $py -c "import sys, zipfile, glob; z = zipfile.ZipFile('../or.zip', 'w'); [z.write(f) for f in sorted(glob.glob('*.csv'))]")
check oneroster-zip 0 "from 1 .zip archive" -- "$bin" import "$tmp/or.zip" --db "$tmp/orzip.db"
# 1.2: roles in roles.csv, no role column; the gradebook with 1.2's columns (a line item's
# academicSessionSourcedId and schoolSourcedId, a result's textScore and classSourcedId).
cp -r "$tmp/or" "$tmp/or12"
$py - "$tmp/or12" <<'PYEOF2'
import csv, sys, pathlib
d = pathlib.Path(sys.argv[1])
rows = list(csv.reader(open(d / "users.csv")))
roles = [["sourcedId","status","dateLastModified","userSourcedId","roleType","role","beginDate","endDate","orgSourcedId","userProfileSourcedId"]]
for r in rows[1:]:
    roles.append(["r-" + r[0], "", "", r[0], "primary", r[5].lower(), "", "", "sch1", ""])
users = [[c for i, c in enumerate(r) if i not in (4, 5)] for r in rows]
csv.writer(open(d / "users.csv", "w", newline="")).writerows(users)
csv.writer(open(d / "roles.csv", "w", newline="")).writerows(roles)
m = [r for r in csv.reader(open(d / "manifest.csv"))]
m = [["oneroster.version", "1.2"] if r[0] == "oneroster.version" else r for r in m] + [["file.roles", "bulk"]]
csv.writer(open(d / "manifest.csv", "w", newline="")).writerows(m)
csv.writer(open(d / "lineItems.csv", "w", newline="")).writerows([
  ["sourcedId","status","dateLastModified","title","description","assignDate","dueDate","classSourcedId","categorySourcedId","academicSessionSourcedId","resultValueMin","resultValueMax","schoolSourcedId"],
  ["li1","","","Натуральные числа","","2024-09-10","2024-09-10","c5a-math","test","q1","","","sch1"]])
csv.writer(open(d / "results.csv", "w", newline="")).writerows([
  ["sourcedId","status","dateLastModified","lineItemSourcedId","studentSourcedId","scoreStatus","score","scoreDate","comment","textScore","classSourcedId","inProgress","incomplete","late","missing"],
  ["r1","","","li1","p1","fully graded","5","2024-09-10","","","c5a-math","false","false","false","false"],
  ["r2","","","li1","p2","fully graded","","2024-09-10","","зач","c5a-math","","","",""],
  ["r3","","","li1","p2","not submitted","","","","","c5a-math","","","",""]])
PYEOF2
check oneroster-1.2-roles 0 "2 students (2 enrollments), 2 guardians, 1 lessons, 0 individual homework, 2 marks" -- "$bin" import "$tmp/or12" --db "$tmp/or12.db"
[[ $out != *"a column OneRoster does not have"* ]] && ok "oneroster 1.2: every column of the 1.2 files known" || bad "oneroster 1.2 columns warned: $out"
[[ $(sqlite3 "$tmp/or12.db" "SELECT student, value FROM marks ORDER BY id") == $'p1|5\np2|зач' ]] &&
  ok "oneroster 1.2: a result's textScore is its mark" || bad "oneroster 1.2 marks: $(sqlite3 "$tmp/or12.db" "SELECT * FROM marks")"
# A roster alone (no gradebook) is the first day of school.
cp -r "$tmp/or" "$tmp/orroster"; rm "$tmp/orroster"/{categories,lineItems,results}.csv
sed -i '/file.categories\|file.lineItems\|file.results/d' "$tmp/orroster/manifest.csv"
check oneroster-roster-alone 0 "0 lessons, 0 individual homework, 0 marks" -- "$bin" import "$tmp/orroster" --db "$tmp/orroster.db"
# Messy exports.
cp -r "$tmp/or" "$tmp/ormessy"; rm "$tmp/ormessy/lineItems.csv"
check oneroster-bulk-missing 1 "manifest.csv: row 12, column B (value): the manifest says lineItems.csv is there (bulk), but it is missing" -- "$bin" import "$tmp/ormessy" --db "$tmp/m.db"
cp "$tmp/or/lineItems.csv" "$tmp/ormessy/"; sed -i 's/file.users,bulk/file.users,delta/' "$tmp/ormessy/manifest.csv"
check oneroster-delta 1 "users.csv is a delta file: journalpress reads whole (bulk) sets only" -- "$bin" import "$tmp/ormessy" --db "$tmp/m.db"
sed -i 's/file.users,delta/file.users,bulk/' "$tmp/ormessy/manifest.csv"; printf 'e9,,,c9,sch1,p1,student,false,,\r\n' >>"$tmp/ormessy/enrollments.csv"
check oneroster-reference-nowhere 1 'enrollments.csv: row 7, column D (classSourcedId): class "c9" is not in classes.csv' -- "$bin" import "$tmp/ormessy" --db "$tmp/m.db"
sed -i '$d' "$tmp/ormessy/enrollments.csv"; printf 'r4,,,li1,p1,fully graded,4,,,extra,fields\r\n' >>"$tmp/ormessy/results.csv"
check oneroster-too-many-fields 1 "results.csv: row 5: 11 fields, the header has 9" -- "$bin" import "$tmp/ormessy" --db "$tmp/m.db"
sed -i '$d' "$tmp/ormessy/results.csv"; sed -i '1s/\r$/,shoeSize\r/; 2,$s/\r$/,42\r/' "$tmp/ormessy/orgs.csv"; printf 'r5,,,li1,nobody,fully graded,4,,\r\n' >>"$tmp/ormessy/results.csv"
check oneroster-unknown-student 1 'results.csv: row 5, column E (studentSourcedId) (id r5): unknown student "nobody"' -- "$bin" import "$tmp/ormessy" --db "$tmp/m.db"
[[ $out == *'orgs.csv: column H (shoeSize): warning: a column OneRoster does not have: "shoeSize" ignored'* ]] && ok "oneroster: a column the spec does not have is warned about" || bad "oneroster unknown column: $out"
[[ ! -e $tmp/m.db ]] && ok "oneroster: refused sets leave no database" || bad "a refused OneRoster set made a database"

# ---- export replaces its folder whole, or not at all ----------------------------------
"$bin" import "$src/tests/corpus/base" --db "$tmp/ex.db" >/dev/null 2>&1
check export-new-folder 0 "22 CSV files in $tmp/ex" -- "$bin" export --db "$tmp/ex.db" --out "$tmp/ex"
[[ $(stat -c '%a' "$tmp/ex") == 700 && $(stat -c '%a' "$tmp/ex/students.csv") == 600 ]] && ok "export: the folder 0700, its files 0600" || bad "export modes: $(stat -c '%a' "$tmp/ex" "$tmp/ex/students.csv")"
check export-over-export 0 "a OneRoster 1.2 bulk set" -- "$bin" export --db "$tmp/ex.db" --format oneroster --out "$tmp/ex"
[[ -e $tmp/ex/manifest.csv && ! -e $tmp/ex/groups.csv && -z $(ls -d "$tmp"/ex.partial-* 2>/dev/null) ]] && ok "export: a previous export replaced whole, no partial folder left" || bad "export over export: $(ls "$tmp" "$tmp/ex")"
echo "mine" >"$tmp/ex/notes.txt"
check export-foreign-file 1 "export refused: $tmp/ex holds notes.txt, which no export writes" -- "$bin" export --db "$tmp/ex.db" --out "$tmp/ex"
[[ -e $tmp/ex/notes.txt && -e $tmp/ex/manifest.csv ]] && ok "export: a folder with other files is left as it was" || bad "export touched a foreign folder"
# Killed half way (a file size limit: SIGXFSZ at its first large write), the previous
# export stays whole; the next run clears what the killed one left.
"$bin" export --db "$tmp/rt-data/json.db" --format oneroster --out "$tmp/exbig" >/dev/null 2>&1
before=$(cat "$tmp/exbig"/*.csv | sha256sum)
(ulimit -f 200; "$bin" export --db "$tmp/rt-data/json.db" --out "$tmp/exbig" >/dev/null 2>&1) 2>/dev/null && bad "export under a 200 KB file size limit finished"
[[ $(cat "$tmp/exbig"/*.csv | sha256sum) == "$before" && -e $tmp/exbig/manifest.csv ]] &&
  ok "export: a run killed half way (file size limit) leaves the previous export whole" || bad "a killed export changed the folder"
check export-after-kill 0 "22 CSV files" -- "$bin" export --db "$tmp/rt-data/json.db" --out "$tmp/exbig"
[[ -z $(ls -d "$tmp"/exbig.partial-* 2>/dev/null) ]] && ok "export: the killed run's partial folder is cleared by the next" || bad "partial folder left: $(ls -d "$tmp"/exbig.partial-*)"

# ---- hostile input: refused with a message, never a crash or a stall ------------------
mkdir -p "$tmp/h"
hostile() {  # NAME EXPECTED FILE-WRITER(python) : imports $tmp/h/NAME (a folder or a file)
  local name=$1 want=$2 target=$tmp/h/$1
  check "hostile-$name" 1 "$want" -- timeout 120 "$bin" import "$target" --db "$tmp/h/$name.db"
  [[ ! -e $tmp/h/$name.db ]] || bad "hostile-$name: a database was made"
}
mk() { mkdir -p "$tmp/h/$1"; cp "$tmp/cp1251"/* "$tmp/h/$1/"; }
mk quote; printf 'id,name\r\nmath,"Maths\r\n' >"$tmp/h/quote/subjects.csv"
hostile quote "subjects.csv: line 2: a quoted field opened here is not closed by the end of the file"
mk bigfield; $py -c "import sys; sys.stdout.write('id,name\n1,' + 'x' * (100 << 20) + '\n')" >"$tmp/h/bigfield/subjects.csv"
hostile bigfield "subjects.csv: line 2: a field longer than 1048576 bytes; the file was not read"
mk nul; printf 'id,name\nmath,Ma\0ths\n' >"$tmp/h/nul/subjects.csv"
hostile nul "subjects.csv: line 2: a NUL byte: not a text file"
mk empty; { printf 'id,date,title\n'; head -c 10000000 /dev/zero | tr '\0' '\n'; } >"$tmp/h/empty/events.csv"
check hostile-empty-lines 0 "0 events" -- timeout 60 "$bin" import "$tmp/h/empty" --db "$tmp/h/empty.db" --allow-shrink
# xlsx: entity expansion, an external entity, a zip bomb, a member out of the archive
# (openpyxl writes inline strings: the first sheet's XML is the one replaced).
$py - "$tmp/book.xlsx" "$tmp/h" <<'PYEOF2'
import sys, zipfile, zlib
src, out = sys.argv[1], sys.argv[2]
def variant(name, change):
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(f"{out}/{name}.xlsx", "w", zipfile.ZIP_DEFLATED) as w:
        for i in z.infolist():
            data = z.read(i.filename)
            data = change(i.filename, data, w)
            if data is not None:
                w.writestr(i.filename, data)
sheet = "xl/worksheets/sheet1.xml"
laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
external = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
variant("laughs", lambda n, d, w: laughs if n == sheet else d)
variant("external", lambda n, d, w: external if n == sheet else d)
def bomb(n, d, w):
    if n != sheet:
        return d
    with w.open(zipfile.ZipInfo(n), "w", force_zip64=True) as f:
        f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
        chunk = b" " * (1 << 20)
        for _ in range(600):
            f.write(chunk)
        f.write(b"</t></is></c></row></sheetData></worksheet>")
    return None
variant("bomb", bomb)
def escape(n, d, w):
    if n == "xl/workbook.xml":
        w.writestr("../x", b"out of the archive")
    return d
variant("escape", escape)
PYEOF2
hostile laughs.xlsx "laughs.xlsx: xl/worksheets/sheet1.xml: sheet \"school\": a document type declaration (DOCTYPE): entity declarations are refused"
hostile external.xlsx "external.xlsx: xl/worksheets/sheet1.xml: sheet \"school\": a document type declaration (DOCTYPE): entity declarations are refused"
hostile bomb.xlsx "bomb.xlsx: xl/worksheets/sheet1.xml: inflates past"
hostile escape.xlsx "a member named \"../x\": a path out of the archive; the archive was not read"
printf 'PK\003\004 not really a zip' >"$tmp/h/junk.xlsx"
hostile junk.xlsx "junk.xlsx: not a readable zip archive"
head -c 4096 /dev/urandom >"$tmp/h/junk.xls"
hostile junk.xls "junk.xls: not a readable Excel 97-2003 workbook (.xls)"
exit $fail
