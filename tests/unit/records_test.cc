// Each field of each record kind, changed in turn (core/records.h lists them): the store
// gives the changed record back as it was, and a nightly (incremental) site build then
// publishes exactly what a full build of the changed journal does. A field that a page
// shows but that page's fingerprint misses would leave the page stale, and fail here.
//
// The archive's documents have fingerprints too (archive/archive_inputs): every change
// that alters a document's bytes must alter its fingerprint, or a rebuild would keep the
// document stale. The extracts are rendered again at every build.
#include "core/thread_pool.h"
#include "core/records.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "archive/archive.h"
#include "core/record_hash.h"
#include "figures/diary.h"
#include "figures/new_since.h"
#include "helpers.h"
#include "ingest/load.h"
#include "ingest/validate.h"
#include "publish/output_folder.h"
#include "publish/writer.h"
#include "site/site.h"
#include "store/model.h"
#include "store/store.h"

using namespace jp;
namespace fs = std::filesystem;

namespace {

/// Counts a record's fields, nested records' fields (their first element) included.
struct CountFields {
  int n = 0;
#define JP_COUNT(name)              \
  template <class... T>             \
  void name(const Field&, T&&...) { \
    ++n;                            \
  }
  JP_COUNT(id)
  JP_COUNT(text)
  JP_COUNT(text_or_int)
  JP_COUNT(one_of)
  JP_COUNT(timestamp)
  JP_COUNT(nullable_value)
  JP_COUNT(integer)
  JP_COUNT(positive)
  JP_COUNT(boolean)
  JP_COUNT(date)
  JP_COUNT(clock)
  JP_COUNT(grades)
  JP_COUNT(person)
  JP_COUNT(strings)
#undef JP_COUNT
  template <class T>
  void records(const Field&, std::vector<T>& v) {
    if (!v.empty()) describe(*this, v.front());
  }
};

/// The ids of a section, for references.
std::vector<std::string> ids_of(const Journal& j, const std::string& section) {
  std::vector<std::string> r;
  auto add = [&](const auto& records) {
    for (const auto& x : records) r.push_back(x.id);
  };
  if (section == "students") add(j.students);
  if (section == "lessons") add(j.lessons);
  if (section == "classes") add(j.classes);
  if (section == "teachers") add(j.teachers);
  if (section == "subjects") add(j.subjects);
  if (section == "work_types") add(j.work_types);
  if (section == "periods") add(j.periods);
  if (section == "marks") add(j.marks);
  if (section == "groups")
    for (const auto& c : j.classes) add(c.groups);
  return r;
}

/// Changes field number `target` of a record to another value: the `attempt`-th
/// candidate, as some candidates break the journal's rules (a mark moved to a student not
/// in the lesson's class). `what` names the field changed; empty when none was.
struct Mutate {
  const Journal& j;
  int target, attempt;
  int index = 0;
  std::string what;

  bool mine(const Field& f) {
    if (index++ != target) return false;
    what = f.key ? f.key : "person";
    return true;
  }
  /// Another value for a text: another id for a reference, otherwise a changed text.
  void other(const Field& f, std::string& s) {
    if (f.refers) {
      std::vector<std::string> ids = ids_of(j, f.refers);
      std::erase(ids, s);
      if (size_t(attempt) < ids.size())
        s = ids[size_t(attempt)];
      else
        what.clear();  // no candidate left
    } else if (attempt == 0) {
      s += s.empty() ? "Новое значение" : " (изменено)";
    } else {
      what.clear();
    }
  }
  void id(const Field& f, std::string& s) {
    // An id is a key: a changed id is another record (tested by adding and removing
    // records elsewhere). It counts, so the other fields keep their numbers.
    if (mine(f)) what.clear();
    (void)s;
  }
  void text(const Field& f, std::string& s) {
    if (mine(f)) other(f, s);
  }
  void text_or_int(const Field& f, std::string& s) {
    if (!mine(f)) return;
    static const char* values[] = {"4", "3", "5", "2"};
    if (attempt < 4 && s != values[attempt])
      s = values[attempt];
    else if (attempt < 4)
      s = values[(attempt + 1) % 4];
    else
      what.clear();
  }
  void one_of(const Field& f, std::string& s) {
    if (!mine(f)) return;
    std::vector<std::string> others;
    for (const char* a : f.allowed)
      if (s != a) others.push_back(a);
    if (!f.required) others.push_back("");
    std::erase(others, s);
    if (size_t(attempt) < others.size())
      s = others[size_t(attempt)];
    else
      what.clear();
  }
  void timestamp(const Field& f, std::string& s, std::optional<Timestamp>& ts) {
    if (!mine(f)) return;
    const char* values[] = {"2023-09-04T21:40:00+03:00", "2023-09-05T08:00:00+03:00"};
    if (attempt < 2 && s != values[attempt]) {
      s = values[attempt];
      ts = parse_timestamp(s);
    } else {
      what.clear();
    }
  }
  void nullable_value(const Field& f, std::optional<std::string>& v) {
    if (!mine(f)) return;
    if (attempt == 0)
      v = v == std::optional<std::string>("2") ? "3" : "2";
    else if (attempt == 1 && v && !f.required)
      v.reset();
    else
      what.clear();
  }
  void integer(const Field& f, int& n) {
    if (!mine(f)) return;
    int to = attempt == 0 ? n + 1 : attempt == 1 ? n - 1 : n;
    if (to == n || to < f.lo || to > f.hi) return what.clear();
    n = to;
  }
  void integer(const Field& f, std::optional<int>& n) {
    if (!mine(f)) return;
    if (attempt == 0)
      n = n ? (*n < f.hi ? *n + 1 : *n - 1) : int(std::max(f.lo, 1LL));
    else if (attempt == 1 && n)
      n.reset();
    else
      what.clear();
  }
  void positive(const Field& f, double& d) {
    if (!mine(f)) return;
    if (attempt == 0)
      d = d < f.max ? d + 1 : d - 1;
    else
      what.clear();
  }
  void positive(const Field& f, std::optional<double>& d) {
    if (!mine(f)) return;
    if (attempt == 0)
      d = d ? *d + 1 : 3;
    else if (attempt == 1 && d)
      d.reset();
    else
      what.clear();
  }
  void boolean(const Field& f, bool& b) {
    if (!mine(f)) return;
    if (attempt == 0)
      b = !b;
    else
      what.clear();
  }
  void date(const Field& f, Day& d) {
    if (!mine(f)) return;
    int shifts[] = {1, -1, 7, -7};
    if (attempt < 4)
      d += shifts[attempt];
    else
      what.clear();
  }
  void date(const Field& f, std::optional<Day>& d) {
    if (!mine(f)) return;
    if (attempt == 0 && d)
      d.reset();
    else if (attempt <= 1)
      d = (d ? *d : j.year.start) + 20;
    else
      what.clear();
  }
  void clock(const Field& f, int& c) {
    if (!mine(f)) return;
    if (attempt < 2)
      c += attempt == 0 ? -5 : 1;
    else
      what.clear();
  }
  void grades(const Field& f, std::vector<int>& g) {
    if (!mine(f)) return;
    if (attempt == 0 && !g.empty())
      g.pop_back();
    else if (attempt <= 1)
      g.push_back(g.empty() ? 5 : 11);
    else
      what.clear();
  }
  void person(const Field& f, Person& p) {
    if (!mine(f)) return;
    if (attempt == 0)
      p.last_name += "-Новая";
    else if (attempt == 1)
      p.middle_name = p.middle_name.empty() ? "Ильинична" : "";
    else
      what.clear();
  }
  void strings(const Field& f, std::vector<std::string>& v) {
    if (!mine(f)) return;
    std::vector<std::string> ids = f.refers ? ids_of(j, f.refers) : std::vector<std::string>{};
    for (const auto& x : v) std::erase(ids, x);
    if (attempt == 0 && !v.empty())
      v.pop_back();
    else if (size_t(attempt) <= ids.size() && attempt > 0)
      v.push_back(ids[size_t(attempt) - 1]);
    else
      what.clear();
  }
  void strings(const Field& f, std::optional<std::vector<std::string>>& v) {
    if (!mine(f)) return;
    if (attempt == 0)
      v = v ? std::nullopt : std::optional<std::vector<std::string>>(std::vector<std::string>{});
    else if (attempt == 1)
      v = std::vector<std::string>{j.classes.front().id};
    else
      what.clear();
  }
  template <class T>
  void records(const Field&, std::vector<T>& v) {
    if (!v.empty()) describe(*this, v.front());
  }
};

Day today() { return *parse_date("2023-09-06"); }

/// The site of `j` built into `out`: from scratch, or over what is there, keeping the
/// pages whose fingerprints did not change (as every nightly build does).
void publish(const Journal& j, const fs::path& out, bool keep_unchanged) {
  OutputFolder folder(out, LockOptions{});
  Writer w(folder, "site");
  DiaryIndex ix(j);
  SiteOptions o;
  o.site_key = std::string(32, 'k');
  o.today = today();
  o.inputs_digest = "records_test";
  o.keep_unchanged = keep_unchanged;
  ThreadPool pool(1);
  build_site(ix, {}, NewSince{}, o, w, pool);
  w.commit();
}

std::map<std::string, std::string> site_files(const fs::path& out) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(out / "site"))
    if (e.is_regular_file())
      files[fs::relative(e.path(), out / "site").string()] = jp::test::slurp(e.path());
  return files;
}

/// The archive's documents of `j`, rendered but not signed: name -> (fingerprint, bytes).
std::map<std::string, std::pair<std::string, std::string>> archive_files(const Journal& j) {
  DiaryIndex ix(j);
  ThreadPool pool(1);
  const ArchiveFigures figures = archive_figures(j, pool);
  SignerInfo signer{"Test signer", "01", today(), today() + 365};
  std::map<std::string, std::pair<std::string, std::string>> files;
  for (const ArchiveDocument& d : archive_documents(ix, figures, archive_dates(j, today()), &signer, "records_test"))
    files[d.name] = {d.fingerprint, d.pdf ? d.pdf().bytes : d.workbook()};
  return files;
}

/// A hash of every record of the journal, for comparing a journal with its stored copy.
uint64_t journal_hash(const Journal& j) {
  uint64_t h = record_hash(j.year, record_hash(j.school));
  auto all = [&](const auto& records) {
    for (const auto& x : records) h = record_hash(x, h);
  };
  all(j.periods), all(j.holidays), all(j.bells), all(j.work_types), all(j.subjects);
  all(j.teachers), all(j.classes), all(j.students), all(j.guardians), all(j.lessons);
  all(j.individual_homework), all(j.marks), all(j.attendance), all(j.final_marks);
  all(j.mark_changes), all(j.remarks), all(j.events);
  return h;
}

/// The journal as the store keeps it: the lists of ids without the input's order (a
/// guardian's children by the students' order, a student's groups and an event's classes
/// sorted), as data-format.md says.
Journal as_stored(Journal j) {
  std::map<std::string, size_t> seq;
  for (size_t i = 0; i < j.students.size(); ++i) seq[j.students[i].id] = i;
  for (auto& g : j.guardians)
    std::sort(g.children.begin(), g.children.end(),
              [&](const std::string& a, const std::string& b) { return seq[a] < seq[b]; });
  for (auto& s : j.students)
    for (auto& e : s.enrollments) std::sort(e.groups.begin(), e.groups.end());
  for (auto& e : j.events)
    if (e.classes) std::sort(e.classes->begin(), e.classes->end());
  return j;
}

}  // namespace

TEST_CASE("records: every field, changed, is stored and read back and re-renders its pages",
          "[e2e]") {
  std::string text = jp::test::base_journal(
      R"("individual_homework": [{"lesson": "l1", "student": "s1", "text": "Упр. 7"}])");
  Diagnostics load_diag;
  const Journal raw = load_journal_text("records.json", text, load_diag);
  REQUIRE(load_diag.errors() == 0);
  Journal base = raw;
  {
    Diagnostics d;
    validate(base, d);
    REQUIRE(d.errors() == 0);
  }
  // Hundreds of small builds: in memory where there is a tmpfs (fsync costs most of them).
  fs::path dir = fs::is_directory("/dev/shm")
                     ? fs::path("/dev/shm") / ("jp-records-test-" + std::to_string(::getpid()))
                     : jp::test::temp_path("records");
  fs::remove_all(dir);
  fs::create_directories(dir);
  publish(base, dir / "base", false);
  auto base_files = site_files(dir / "base");
  const auto base_archive = archive_files(base);

  // The record kinds, each with a way to reach its records in a journal.
  struct Kind {
    const char* name;
    std::function<size_t(Journal&)> size;
    std::function<void(Journal&, size_t, Mutate&)> mutate;
    std::function<int(Journal&, size_t)> fields;
  };
  std::vector<Kind> kinds;
  auto kind = [&](const char* name, auto member) {
    kinds.push_back({name, [member](Journal& j) { return (j.*member).size(); },
                     [member](Journal& j, size_t i, Mutate& m) { describe(m, (j.*member)[i]); },
                     [member](Journal& j, size_t i) {
                       CountFields c;
                       describe(c, (j.*member)[i]);
                       return c.n;
                     }});
  };
  kinds.push_back({"school", [](Journal&) { return size_t(1); },
                   [](Journal& j, size_t, Mutate& m) { describe(m, j.school); },
                   [](Journal& j, size_t) {
                     CountFields c;
                     describe(c, j.school);
                     return c.n;
                   }});
  kinds.push_back({"year", [](Journal&) { return size_t(1); },
                   [](Journal& j, size_t, Mutate& m) { describe(m, j.year); },
                   [](Journal& j, size_t) {
                     CountFields c;
                     describe(c, j.year);
                     return c.n;
                   }});
  kind("periods", &Journal::periods);
  kind("holidays", &Journal::holidays);
  kind("bells", &Journal::bells);
  kind("work_types", &Journal::work_types);
  kind("subjects", &Journal::subjects);
  kind("teachers", &Journal::teachers);
  kind("classes", &Journal::classes);
  kind("students", &Journal::students);
  kind("guardians", &Journal::guardians);
  kind("lessons", &Journal::lessons);
  kind("individual_homework", &Journal::individual_homework);
  kind("marks", &Journal::marks);
  kind("attendance", &Journal::attendance);
  kind("final_marks", &Journal::final_marks);
  kind("mark_changes", &Journal::mark_changes);
  kind("remarks", &Journal::remarks);
  kind("events", &Journal::events);

  size_t changed = 0, shown = 0;
  std::set<std::string> tried, done, seen;  // kind.field: tried, changed, changed a page
  std::set<std::string> in_archive;         // kind.field: changed an archive document
  for (const Kind& k : kinds) {
    Journal probe = raw;
    size_t n = k.size(probe);
    REQUIRE(n > 0);
    for (size_t rec = 0; rec < n; ++rec) {
      int fields = k.fields(probe, rec);
      for (int f = 0; f < fields; ++f) {
        std::string field;
        for (int attempt = 0; attempt < 6; ++attempt) {
          Journal m = raw;
          Mutate mut{raw, f, attempt, 0, {}};
          k.mutate(m, rec, mut);
          if (mut.what.empty()) break;  // an id, or no candidate left
          field = std::string(k.name) + "." + mut.what;
          tried.insert(field);
          // Once a change of this field showed on a page, its other records add little.
          if (seen.count(field)) break;
          Diagnostics d;
          validate(m, d);
          if (d.errors() > 0) continue;  // against the rules: try the next value
          INFO(field << " of record " << rec << " (attempt " << attempt << ")");
          // The store gives it back.
          fs::path db = dir / "j.db";
          fs::remove(db);
          Diagnostics warnings;
          store_journal(db.string(), m, warnings, "2023-09-06T20:00:00+03:00");
          Journal back = read_journal(db.string(), choose_dataset(db.string(), "", ""));
          CHECK(journal_hash(back) == journal_hash(as_stored(m)));
          CHECK(journal_hash(m) != journal_hash(base));
          // The nightly build over yesterday's site equals a full build.
          fs::remove_all(dir / "nightly");
          fs::remove_all(dir / "full");
          // (Built there, not copied: a copy's files have new inodes and times, which the
          // disk check doubts, and a doubted page is rendered again.)
          publish(base, dir / "nightly", false);
          publish(m, dir / "nightly", true);
          publish(m, dir / "full", false);
          auto full = site_files(dir / "full");
          CHECK(site_files(dir / "nightly") == full);
          // No archive document changes while its fingerprint stays.
          for (const auto& [name, doc] : archive_files(m)) {
            auto was = base_archive.find(name);
            if (was == base_archive.end() || was->second.second == doc.second) continue;
            in_archive.insert(field);
            INFO("archive document " << name << " changed");
            CHECK(was->second.first != doc.first);
          }
          ++changed;
          if (full != base_files) ++shown, seen.insert(field);
          done.insert(field);
          break;
        }
      }
    }
  }
  INFO("fields changed: " << changed << ", of which shown on the site: " << shown);
  // Every field could be changed, in one record or another, to a value the rules accept.
  std::set<std::string> never;
  std::set_difference(tried.begin(), tried.end(), done.begin(), done.end(),
                      std::inserter(never, never.end()));
  CHECK(never == std::set<std::string>{});
  CHECK(changed > 100);
  CHECK(shown > 40);
  INFO("fields shown in the archive: " << in_archive.size());
  CHECK(in_archive.size() > 20);
  fs::remove_all(dir);
}
