#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "app/build.h"
#include "app/import.h"
#include "core/keys.h"
#include "helpers.h"
#include "core/thread_pool.h"
#include "core/wording.h"
#include "figures/diary.h"
#include "site/calendar.h"
#include "site/feed.h"
#include "site/render_html.h"
#include "store/model.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {

std::string src(const std::string& rel) { return std::string(JP_SOURCE_DIR) + "/" + rel; }

/// The journal stored in `db` (its one dataset), as a build reads it.
Journal stored_journal(const fs::path& db) {
  return read_journal(db.string(), choose_dataset(db.string(), "", ""));
}

void import_into(const std::vector<std::string>& inputs, const fs::path& db) {
  ImportOptions o;
  o.inputs = inputs;
  o.db = db.string();
  o.imported_at = "2024-06-01T00:00:00Z";
  std::ostringstream out, err;
  INFO(err.str());
  REQUIRE(run_import(o, out, err) == 0);
}

std::string build(const fs::path& db, const fs::path& out, const std::string& key,
                  const std::string& today) {
  BuildOptions o;
  o.db = db.string();
  o.out = out.string();
  o.site_key = key;
  o.today = today;
  o.base_url = "https://school.example/diary";
  o.site = true;
  std::ostringstream s;
  REQUIRE(run_build(o, s) == 0);
  return s.str();
}

std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> r;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) r[fs::relative(e.path(), dir).string()] = slurp(e.path());
  return r;
}

const std::string kGolden = src("tests/golden/001_base_site");

}  // namespace

TEST_CASE("site golden: the base fixture's pages, byte for byte", "[site]") {
  // tests/golden/001_base_site: the corpus base journal, the fixed test key, --today
  // 2023-09-06. JP_UPDATE=1 rewrites the expected pages (review the diff).
  auto dir = temp_path("golden");
  import_into({src("tests/corpus/base")}, dir / "j.db");
  build(dir / "j.db", dir / "out", kGolden + "/site.key", "2023-09-06");
  auto site = tree(dir / "out/site");
  bool update = std::getenv("JP_UPDATE") && std::string(std::getenv("JP_UPDATE")) == "1";
  std::ifstream list(kGolden + "/pages.txt");
  std::vector<std::string> pages;
  for (std::string line; std::getline(list, line);)
    if (!line.empty() && line[0] != '#') pages.push_back(line);
  REQUIRE(pages.size() >= 10);
  for (const auto& p : pages) {
    INFO(p);
    REQUIRE(site.count(p) == 1);
    fs::path expected = fs::path(kGolden) / "expected" / p;
    if (update) {
      fs::create_directories(expected.parent_path());
      std::ofstream(expected, std::ios::binary) << site[p];
    } else {
      CHECK(site[p] == slurp(expected));
    }
  }
  // The stylesheet is published as the template holds it.
  CHECK(site["style.css"] == slurp(src("templates/style.css")));
  // g1 (s1) and g3 (s4, s2) get areas; g2 is on paper, and s3 is only g2's child.
  std::set<std::string> areas;
  for (const auto& [p, b] : site)
    if (p.rfind("f/", 0) == 0 && p.size() > 35) areas.insert(p.substr(0, 34));
  CHECK(areas.size() == 2);
  for (const auto& [p, b] : site) CHECK(p.find("s3~") == std::string::npos);
  CHECK(slurp(dir / "out/private/access.csv") == slurp(kGolden + "/access.csv"));
  fs::remove_all(dir);
}

TEST_CASE("site: enrollment dates and groups decide which lessons a child sees", "[site]") {
  auto dir = temp_path("enrol");
  import_into({src("tests/corpus/base")}, dir / "j.db");
  build(dir / "j.db", dir / "out", kGolden + "/site.key", "2023-09-06");
  std::string area;
  for (const auto& e : fs::directory_iterator(dir / "out/site/f"))
    if (fs::exists(e.path() / "s2~current.html")) area = e.path().string();
  REQUIRE(!area.empty());
  // s2 is in group 5a-en2: the en1 lesson "My family" (l2) is not theirs.
  std::string w36 = slurp(area + "/s2~week~2023-W36.html");
  CHECK(w36.find("Натуральные числа") != std::string::npos);
  CHECK(w36.find("My family") == std::string::npos);
  CHECK(w36.find("Отсутствовал(-а) по болезни") != std::string::npos);
  // After the transfer s2 sees 5Б's lessons; in the gap between classes, nothing.
  std::string w02 = slurp(area + "/s2~week~2024-W02.html");
  CHECK(w02.find("Дроби") != std::string::npos);
  CHECK(w02.find("контрольная работа") != std::string::npos);
  // Monday 8 January falls between the two enrollments; the week before has no page.
  CHECK(w02.find("Не обучался(-ась) в классе в этот день.") != std::string::npos);
  CHECK_FALSE(fs::exists(area + "/s2~week~2024-W01.html"));
  CHECK(fs::exists(area + "/s2~week~2023-W52.html"));
  fs::remove_all(dir);
}

TEST_CASE("site: a rebuild without changes writes nothing; revoke replaces the area", "[site]") {
  auto dir = temp_path("rebuild");
  import_into({src("tests/corpus/base")}, dir / "j.db");
  auto first = build(dir / "j.db", dir / "out", kGolden + "/site.key", "2023-09-06");
  CHECK(first.find(" 0 unchanged, 0 deleted") != std::string::npos);
  auto before = tree(dir / "out/site");
  auto again = build(dir / "j.db", dir / "out", kGolden + "/site.key", "2023-09-06");
  CHECK(again.find(" 0 written, ") != std::string::npos);
  CHECK(again.find(" 0 deleted") != std::string::npos);
  CHECK(tree(dir / "out/site") == before);
  // A published file that went missing is noticed: the quick "nothing changed" path is
  // only taken when every published file is still there.
  std::string some_page;
  for (const auto& [p, bytes] : before)
    if (p.find("~results.html") != std::string::npos) some_page = p;
  fs::remove(dir / "out/site" / some_page);
  auto repaired = build(dir / "j.db", dir / "out", kGolden + "/site.key", "2023-09-06");
  CHECK(repaired.find(" 1 written, ") != std::string::npos);
  CHECK(tree(dir / "out/site") == before);
  // Another day: the date in the family pages changes, nothing else.
  auto next_day = build(dir / "j.db", dir / "out", kGolden + "/site.key", "2023-09-07");
  CHECK(next_day.find(" 0 deleted") != std::string::npos);
  CHECK(next_day.find(" 0 written, ") == std::string::npos);

  std::string csv = slurp(dir / "out/private/access.csv");
  // The addresses are secrets: owner-only file and folder.
  CHECK(fs::status(dir / "out/private/access.csv").permissions() ==
        (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(fs::status(dir / "out/private").permissions() == fs::perms::owner_all);
  std::smatch m;
  REQUIRE(std::regex_search(csv, m, std::regex("g1,[^\\n]*/(f/[0-9a-f]{32})/,1")));
  std::string old_area = m[1];
  RevokeOptions r;
  r.guardian = "g1";
  r.db = (dir / "j.db").string();
  std::ostringstream s;
  REQUIRE(run_revoke(r, s) == 0);
  build(dir / "j.db", dir / "out", kGolden + "/site.key", "2023-09-06");
  CHECK_FALSE(fs::exists(dir / "out/site" / old_area));
  csv = slurp(dir / "out/private/access.csv");
  REQUIRE(std::regex_search(csv, m, std::regex("g1,[^\\n]*/(f/[0-9a-f]{32})/,2")));
  CHECK(m[1] != old_area);
  CHECK(fs::exists(dir / "out/site" / std::string(m[1]) / "s1~current.html"));
  fs::remove_all(dir);
}

TEST_CASE("site: script and HTML in names, topics, homework, remarks and events come out inert",
          "[site]") {
  auto dir = temp_path("inject");
  fs::create_directories(dir / "in");
  std::ofstream(dir / "in/evil.json") << R"json({"format": "journalpress/1",
    "students": [{"id": "s9", "last_name": "<script>alert(1)</script>", "first_name": "Ева\"><img src=x onerror=alert(2)>",
                  "enrollments": [{"class": "5a", "from": "2023-09-01", "groups": ["5a-en1"]}]}],
    "guardians": [{"id": "g9", "last_name": "Злая", "first_name": "<b>Мать</b>", "children": ["s9"], "email": "e@x"}],
    "lessons": [{"id": "l9", "class": "5a", "subject": "math", "teacher": "t1", "date": "2023-09-06", "number": 2,
                 "topic": "<script>alert(3)</script>",
                 "homework": "<script>alert(4)</script>\n\n[click](javascript:alert(5)) <img src=x onerror=alert(6)>"}],
    "remarks": [{"id": "r9", "student": "s9", "date": "2023-09-06", "teacher": "t1", "text": "<iframe src=//evil></iframe> **ok**"}],
    "events": [{"id": "e9", "date": "2023-09-07", "title": "<svg onload=alert(7)>", "text": "[x](data:text/html,<script>alert(8)</script>)"}]})json";
  import_into({src("tests/corpus/base"), (dir / "in").string()}, dir / "j.db");
  build(dir / "j.db", dir / "out", kGolden + "/site.key", "2023-09-06");
  size_t pages = 0;
  bool saw_escaped = false;
  for (const auto& [p, b] : tree(dir / "out/site")) {
    ++pages;
    INFO(p);
    CHECK(b.find("<script") == std::string::npos);
    CHECK(b.find("<img") == std::string::npos);
    CHECK(b.find("<iframe") == std::string::npos);
    CHECK(b.find("<svg") == std::string::npos);
    CHECK(b.find("<b>") == std::string::npos);
    CHECK(b.find("javascript:") == std::string::npos);
    CHECK(b.find("data:text") == std::string::npos);
    saw_escaped =
        saw_escaped || b.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos;
  }
  CHECK(pages > 50);
  CHECK(saw_escaped);
  fs::remove_all(dir);
}

TEST_CASE("site: names that a spreadsheet would run as formulas are neutralised in access.csv",
          "[site]") {
  // OWASP's advice for CSV: a field starting with = + - @ tab or CR gets a leading '.
  auto dir = temp_path("csv-formula");
  fs::create_directories(dir / "in");
  std::ofstream(dir / "in/g.json") << R"json({"format": "journalpress/1",
    "guardians": [{"id": "g8", "last_name": "=HYPERLINK(\"http://evil\",\"x\")", "first_name": "@SUM",
                   "children": ["s1"], "email": "a@x"},
                  {"id": "-g9", "last_name": "+7", "first_name": "-1", "children": ["s1"], "email": "b@x"}]})json";
  import_into({src("tests/corpus/base"), (dir / "in").string()}, dir / "j.db");
  build(dir / "j.db", dir / "out", kGolden + "/site.key", "2023-09-06");
  std::string csv = slurp(dir / "out/private/access.csv");
  CHECK(csv.find("g8,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\") @SUM\",") != std::string::npos);
  CHECK(csv.find("'-g9,'+7 -1,") != std::string::npos);
  CHECK(csv.find(",=") == std::string::npos);
  CHECK(csv.find(",+") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE(
    "site leak test: no family's pages name another family's child; nothing outside names anyone",
    "[site][e2e]") {
  // The whole sample site (data/): for every area, the full names of the students it
  // may show are its guardian's consenting children; every other student's name must
  // be absent. Outside the areas no student name may appear at all.
  auto dir = temp_path("leak");
  import_into({src("data")}, dir / "j.db");
  write_site_key((dir / "site.key").string(), false);
  build(dir / "j.db", dir / "out", (dir / "site.key").string(), "2024-02-14");
  Journal j = stored_journal(dir / "j.db");
  std::vector<std::string> names;
  for (const auto& s : j.students) names.push_back(full_name(s.person));
  std::map<std::string, std::set<int>> allowed;  // area folder -> students
  std::string csv = slurp(dir / "out/private/access.csv");
  std::string key = read_site_key((dir / "site.key").string());
  for (const auto& g : j.guardians) {
    if (g.delivery != "electronic") continue;
    std::string area = "f/" + access_token(key, j.school.id, g.id, 1);
    for (int c : g.children_ix) {
      bool enrolled = false;
      for (const auto& e : j.students[c].enrollments)
        enrolled = enrolled || !e.to || *e.to >= *parse_date("2024-02-14");
      if (j.students[c].consent && enrolled) allowed[area].insert(c);
    }
  }
  size_t files = 0, areas_seen = 0;
  std::set<std::string> seen_areas;
  for (const auto& e : fs::recursive_directory_iterator(dir / "out/site")) {
    if (!e.is_regular_file()) continue;
    ++files;
    std::string rel = fs::relative(e.path(), dir / "out/site").string();
    std::string body = slurp(e.path());
    std::set<int> ok;
    if (rel.size() > 35 && rel.rfind("f/", 0) == 0) {
      std::string area = rel.substr(0, 34);
      REQUIRE(allowed.count(area) == 1);
      ok = allowed[area];
      seen_areas.insert(area);
    }
    for (size_t s = 0; s < names.size(); ++s) {
      if (ok.count(int(s))) continue;
      if (body.find(names[s]) != std::string::npos) FAIL(rel << " names " << names[s]);
    }
    // Links stay inside the area (or go to the shared stylesheet, or out to homework links).
    static const std::regex href_re("href=\"([^\"]*)\"");
    for (std::sregex_iterator it(body.begin(), body.end(), href_re), end; it != end; ++it) {
      std::string href = (*it)[1];
      bool inside = href.find('/') == std::string::npos || href == "../../style.css" ||
                    href == "../style.css" || href.rfind("https://", 0) == 0 ||
                    href == "style.css" || href[0] == '#';
      if (!inside) FAIL(rel << " links to " << href);
    }
  }
  areas_seen = seen_areas.size();
  CHECK(files > 5000);
  CHECK(areas_seen == allowed.size());
  fs::remove_all(dir);
}

TEST_CASE("site: the same database gives a byte-identical site", "[site]") {
  auto dir = temp_path("same");
  import_into({src("tests/corpus/base")}, dir / "j.db");
  build(dir / "j.db", dir / "a", kGolden + "/site.key", "2023-09-06");
  build(dir / "j.db", dir / "b", kGolden + "/site.key", "2023-09-06");
  auto a = tree(dir / "a/site"), b = tree(dir / "b/site");
  CHECK(a.size() > 100);
  CHECK(a == b);
  CHECK(slurp(dir / "a/private/access.csv") == slurp(dir / "b/private/access.csv"));
  fs::remove_all(dir);
}

TEST_CASE("site: a student who has left is removed at the next build", "[site]") {
  auto dir = temp_path("left");
  import_into({src("data")}, dir / "j.db");
  write_site_key((dir / "site.key").string(), false);
  Journal j = stored_journal(dir / "j.db");
  // The sample's departure (an enrollment that ends, with no later one).
  const Student* left = nullptr;
  for (const auto& s : j.students)
    if (s.enrollments.size() == 1 && s.enrollments[0].to) left = &s;
  REQUIRE(left);
  Day last = *left->enrollments[0].to;
  auto names_in_site = [&] {
    size_t n = 0;
    for (const auto& [p, b] : tree(dir / "out/site"))
      if (b.find(full_name(left->person)) != std::string::npos) ++n;
    return n;
  };
  build(dir / "j.db", dir / "out", (dir / "site.key").string(), format_date(last));
  CHECK(names_in_site() > 10);
  auto out = build(dir / "j.db", dir / "out", (dir / "site.key").string(), format_date(last + 1));
  CHECK(names_in_site() == 0);
  CHECK(out.find(" 0 deleted") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("site: new-since lookups find exactly the earlier keys, at every bucket edge") {
  std::vector<uint64_t> keys;
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < 50000; ++i)
    keys.push_back(x = x * 6364136223846793005ull + 1442695040888963407ull);
  keys.insert(keys.end(),
              {0, 1, 0x0000ffffffffffffull, 0x0001000000000000ull, 0xffff000000000000ull, ~0ull});
  NewSince s;
  CHECK_FALSE(s.is_known(0));  // nothing published yet
  s.set_known(keys);           // unsorted on purpose
  for (uint64_t k : keys) REQUIRE(s.is_known(k));
  std::set<uint64_t> in(keys.begin(), keys.end());
  size_t misses = 0;
  for (uint64_t k : keys)
    for (uint64_t d : {uint64_t(1), uint64_t(1) << 48})
      if (!in.count(k + d)) {
        REQUIRE_FALSE(s.is_known(k + d));
        ++misses;
      }
  CHECK(misses > 90000);
}

TEST_CASE("site: a family's feed lists a mark entered late for an old lesson while it is new",
          "[site]") {
  auto dir = temp_path("feed-late");
  import_into({src("tests/corpus/base")}, dir / "j.db");
  build(dir / "j.db", dir / "out", kGolden + "/site.key", "2024-02-16");
  std::smatch m;
  std::string csv = slurp(dir / "out/private/access.csv");
  REQUIRE(std::regex_search(csv, m, std::regex("g1,[^\\n]*/(f/[0-9a-f]{32})/,1")));
  fs::path feed = dir / "out/site" / std::string(m[1]) / "feed.atom";
  // s1's marks are from September: outside the feed's weeks on 16 February.
  CHECK(slurp(feed).find("<entry>") == std::string::npos);
  // A mark for a September lesson, entered without a time of its own, arrives.
  fs::create_directories(dir / "late");
  std::ofstream(dir / "late/late.json") << R"json({"format": "journalpress/1",
    "marks": [{"id": "m99", "student": "s1", "lesson": "l1", "value": "3"}]})json";
  import_into({src("tests/corpus/base"), (dir / "late").string()}, dir / "j.db");
  build(dir / "j.db", dir / "out", kGolden + "/site.key", "2024-02-16");
  std::string late = slurp(feed);
  CHECK(late.find("<entry>") != std::string::npos);
  CHECK(late.find(": 3 ") != std::string::npos);
  CHECK(late.find("2023-09-04T") != std::string::npos);  // its own time: the lesson's
  // The next build: the same feed, byte for byte (the same id, the same time).
  build(dir / "j.db", dir / "out", kGolden + "/site.key", "2024-02-17");
  CHECK(slurp(feed) == late);
  fs::remove_all(dir);
}

TEST_CASE("site: a child's calendar events and feed entries made once for all its families "
          "give each family the bytes of its own",
          "[site]") {
  // The build shares a child's events and entries among the families that list it
  // (expect()); each family's calendar and feed must be what a source of its own makes,
  // on all cores at once, and also for a family asked for more often than expected.
  auto dir = temp_path("shared-feeds");
  import_into({src("data")}, dir / "j.db");
  Journal j = stored_journal(dir / "j.db");
  DiaryIndex ix(j);
  const Locale& loc = Locale::ru();
  const Day today = *parse_date("2024-02-14");
  std::vector<std::vector<int>> families;
  for (const auto& g : j.guardians)
    if (!g.children_ix.empty()) families.push_back(g.children_ix);
  // Twins and siblings: one family of every two children that share a guardian's area.
  size_t shared_children = 0;
  std::map<int, int> uses;
  for (const auto& f : families)
    for (int c : f) ++uses[c];
  for (const auto& [c, n] : uses) shared_children += n > 1;
  REQUIRE(shared_children > 0);  // the sample has children of two guardians
  CalendarSource calendars(ix, loc, today);
  FeedSource feeds(ix, nullptr);
  for (const auto& f : families) calendars.expect(f), feeds.expect(f);
  FeedOptions fo;
  fo.today = today;
  std::vector<std::string> ics(families.size()), atom(families.size());
  ThreadPool pool(2);
  pool.for_each(families.size(), [&](size_t i, unsigned) {
    ics[i] = calendars.family(families[i]);
    atom[i] = feeds.family(families[i], loc, fo);
  });
  for (size_t i = 0; i < families.size(); ++i) {
    CHECK(ics[i] == family_calendar(ix, families[i], loc, today));
    CHECK(atom[i] == family_feed(ix, families[i], loc, fo));
  }
  // More often than expected (every child's events freed after its last family by now).
  CHECK(calendars.family(families[0]) == ics[0]);
  CHECK(feeds.family(families[0], loc, fo) == atom[0]);
  // Other options than the entries were made with: made again, not taken from the memo.
  FeedSource again(ix, nullptr);
  for (const auto& f : families) again.expect(f);
  FeedOptions no_links = fo;
  no_links.links = false;
  (void)again.family(families[0], loc, fo);
  CHECK(again.family(families[0], loc, no_links) == family_feed(ix, families[0], loc, no_links));
  fs::remove_all(dir);
}

TEST_CASE("site: the diary index answers every (student, lesson) as a search of the journal",
          "[site]") {
  // DiaryIndex skips its hash lookups where its bitmap says nothing is: for every pair of
  // data/, the marks, attendance entry and individual homework it returns must be the
  // journal's own, found by brute force.
  auto dir = temp_path("index-pairs");
  import_into({src("data")}, dir / "j.db");
  Journal j = stored_journal(dir / "j.db");
  DiaryIndex ix(j);
  std::map<std::pair<int, int>, std::vector<int>> marks, homework;
  std::map<std::pair<int, int>, int> attendance;
  for (size_t i = 0; i < j.marks.size(); ++i)
    marks[{j.marks[i].student_ix, j.marks[i].lesson_ix}].push_back(int(i));
  for (size_t i = 0; i < j.individual_homework.size(); ++i)
    homework[{j.individual_homework[i].student_ix, j.individual_homework[i].lesson_ix}].push_back(
        int(i));
  for (size_t i = 0; i < j.attendance.size(); ++i)
    attendance[{j.attendance[i].student_ix, j.attendance[i].lesson_ix}] = int(i);
  REQUIRE(!marks.empty());
  REQUIRE(!attendance.empty());
  size_t differ = 0, found = 0;
  for (int s = 0; s < int(j.students.size()); ++s)
    for (int l = 0; l < int(j.lessons.size()); ++l) {
      auto m = marks.find({s, l});
      const std::vector<int>* got = ix.marks_at(s, l);
      differ += (m == marks.end()) ? got != nullptr : (!got || *got != m->second);
      auto h = homework.find({s, l});
      const std::vector<int>* hw = ix.homework_at(s, l);
      differ += (h == homework.end()) ? hw != nullptr : (!hw || *hw != h->second);
      auto a = attendance.find({s, l});
      const Attendance* at = ix.attendance_at(s, l);
      differ += (a == attendance.end()) ? at != nullptr : at != &j.attendance[a->second];
      found += got != nullptr;
    }
  CHECK(differ == 0);
  CHECK(found == marks.size());
  fs::remove_all(dir);
}
