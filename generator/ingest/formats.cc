#include "ingest/formats.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/files.h"
#include "core/thread_pool.h"
#include "core/text.h"
#include "ingest/grid.h"
#include "ingest/load.h"
#include "ingest/oneroster.h"
#include "ingest/xls.h"
#include "ingest/xlsx.h"
#include "ingest/zip.h"

namespace jp {

namespace fs = std::filesystem;

std::optional<InputFormat> parse_input_format(const std::string& name) {
  if (name.empty() || name == "auto") return InputFormat::detect;
  if (name == "json") return InputFormat::json;
  if (name == "tabular") return InputFormat::tabular;
  if (name == "oneroster") return InputFormat::oneroster;
  return std::nullopt;
}

namespace {

std::string lower_ext(const fs::path& p) {
  std::string e = p.extension().string();
  for (auto& c : e) c = char(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

/// The tabular files of the inputs: `.xlsx` and `.csv` files given, and those at the top
/// of a folder given, in sorted order (as JSON files are concatenated).
std::vector<std::string> tabular_files(const std::vector<std::string>& paths, bool& any_json) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> here;
      for (fs::directory_iterator it(p, ec); !ec && it != fs::directory_iterator();
           it.increment(ec)) {
        std::string e = lower_ext(it->path());
        if (e == ".json") any_json = true;
        if (e == ".csv" || e == ".tsv" || e == ".xlsx" || e == ".xls" || e == ".zip")
          here.push_back(it->path().string());
      }
      std::sort(here.begin(), here.end());
      out.insert(out.end(), here.begin(), here.end());
    } else {
      std::string e = lower_ext(p);
      if (e == ".json") any_json = true;
      if (e == ".csv" || e == ".tsv" || e == ".xlsx" || e == ".xls" || e == ".zip")
        out.push_back(p);
    }
  }
  return out;
}

}  // namespace

std::string record_counts(const Journal& j) {
  std::vector<std::pair<const char*, size_t>> counts{
      {"periods", j.periods.size()},         {"holidays", j.holidays.size()},
      {"bells", j.bells.size()},             {"work types", j.work_types.size()},
      {"subjects", j.subjects.size()},       {"teachers", j.teachers.size()},
      {"classes", j.classes.size()},         {"students", j.students.size()},
      {"guardians", j.guardians.size()},     {"lessons", j.lessons.size()},
      {"individual homework", j.individual_homework.size()},
      {"marks", j.marks.size()},             {"attendance entries", j.attendance.size()},
      {"final marks", j.final_marks.size()}, {"mark changes", j.mark_changes.size()},
      {"remarks", j.remarks.size()},         {"events", j.events.size()}};
  size_t groups = 0, enrollments = 0;
  for (const auto& c : j.classes) groups += c.groups.size();
  for (const auto& s : j.students) enrollments += s.enrollments.size();
  std::string s = fmt::format("1 school, 1 year, settings");
  for (auto [name, n] : counts) {
    s += fmt::format(", {} {}", n, name);
    if (std::string_view(name) == "classes") s += fmt::format(" ({} groups)", groups);
    if (std::string_view(name) == "students") s += fmt::format(" ({} enrollments)", enrollments);
  }
  return s;
}

namespace {

/// The format load_inputs reads the paths in (detect: JSON unless only tabular files).
InputFormat format_of(const std::vector<std::string>& paths, const InputOptions& o,
                      std::vector<std::string>& tab) {
  bool any_json = false;
  tab = tabular_files(paths, any_json);
  if (o.format == InputFormat::detect && (tab.empty() || any_json)) return InputFormat::json;
  return o.format;
}

}  // namespace

std::optional<InputDigest> input_digest(const std::vector<std::string>& paths,
                                        const InputOptions& o) {
  std::vector<std::string> tab;
  if (format_of(paths, o, tab) != InputFormat::json) return std::nullopt;
  Diagnostics scratch;  // the import that follows reports what is wrong with a path
  auto files = expand_inputs(paths, scratch);
  if (scratch.errors() > 0 || files.empty()) return std::nullopt;
  auto digest = journal_files_digest(files, o.pool);
  if (!digest) return std::nullopt;
  return InputDigest{*digest, files.size()};
}

void load_inputs(const std::vector<std::string>& paths, const InputOptions& o, LoadedInput& in,
                 Diagnostics& diag) {
  std::vector<std::string> tab;
  InputFormat f = format_of(paths, o, tab);
  in.format = f;
  if (f == InputFormat::json) {
    auto files = expand_inputs(paths, diag);
    if (diag.errors() == 0) in.journal = load_journal(files, diag, o.pool);
    in.files = files.size();
    in.journal.files = files;
    in.detected = fmt::format("journalpress/1 JSON, {} {}", files.size(),
                              files.size() == 1 ? "file" : "files");
    return;
  }
  if (tab.empty()) {
    for (const auto& p : paths)
      diag.error(p, "", "", "no .csv or .xlsx files: nothing in the tabular profile to read");
    return;
  }
  std::set<std::string> encodings;
  std::set<char> delimiters;
  size_t workbooks = 0, csvs = 0, zips = 0;
  std::vector<std::string> csv_files;
  for (const auto& file : tab) {
    if (lower_ext(file) == ".xlsx") {
      ++workbooks;
      std::vector<Table> sheets;
      read_xlsx(file, sheets, diag, {}, o.pool);
      for (auto& t : sheets) in.tables.push_back(std::move(t));
      continue;
    }
    if (lower_ext(file) == ".xls") {
      ++workbooks;
      read_xls(file, in.tables, diag);
      continue;
    }
    auto add_csv = [&](const std::string& name, const std::string& bytes) {
      ++csvs;
      Table t;
      CsvInfo info;
      if (read_csv(name, bytes, o.encoding, t, diag, &info)) {
        in.tables.push_back(std::move(t));
        encodings.insert(encoding_name(info.encoding));
        delimiters.insert(info.delimiter);
      }
    };
    if (lower_ext(file) == ".zip") {  // a OneRoster set as one archive: its CSV members
      ++zips;
      ZipReader zip;
      if (!zip.open(file, diag)) continue;
      for (const auto& m : zip.names())
        if (lower_ext(m) == ".csv")
          if (auto bytes = zip.read(m, diag)) add_csv(file + "/" + m, *bytes);
      continue;
    }
    csv_files.push_back(file);
  }
  // CSV files are read and parsed on all cores, each into its own slot; kept in path order.
  std::vector<Table> parsed(csv_files.size());
  std::vector<Diagnostics> notes(csv_files.size());
  std::vector<CsvInfo> infos(csv_files.size());
  std::vector<char> ok(csv_files.size(), 0);
  for_each(o.pool, csv_files.size(), [&](size_t i, unsigned) {
    std::string bytes;
    if (auto why = try_read_file(csv_files[i], bytes)) {
      notes[i].error(csv_files[i], "", "", *why);
      return;
    }
    ok[i] = read_csv(csv_files[i], bytes, o.encoding, parsed[i], notes[i], &infos[i]);
  });
  for (size_t i = 0; i < csv_files.size(); ++i) {
    ++csvs;
    diag.append(std::move(notes[i]));
    if (!ok[i]) continue;
    in.tables.push_back(std::move(parsed[i]));
    encodings.insert(encoding_name(infos[i].encoding));
    delimiters.insert(infos[i].delimiter);
  }
  in.files = tab.size();
  std::string how;
  if (csvs) {
    std::string enc, del;
    for (const auto& e : encodings) enc += (enc.empty() ? "" : " and ") + e;
    for (char d : delimiters)
      del += std::string(del.empty() ? "" : " and ") + (d == '\t' ? "tab" : fmt::format("'{}'", d));
    how = fmt::format("{} CSV {} ({}, delimiter {})", csvs, csvs == 1 ? "file" : "files", enc, del);
  }
  size_t grids = 0;
  for (const auto& t : in.tables)
    grids += tabular_section_of(t.sheet.empty() ? t.file : t.sheet).empty() && looks_like_grid(t);
  if (workbooks)
    how += fmt::format("{}{} {}", how.empty() ? "" : " and ", workbooks,
                       workbooks == 1 ? "workbook" : "workbooks");
  if (zips) how += fmt::format(" from {} .zip {}", zips, zips == 1 ? "archive" : "archives");
  bool oneroster = f == InputFormat::oneroster || (f == InputFormat::detect && has_oneroster(in.tables));
  if (oneroster) {
    in.format = InputFormat::oneroster;
    std::string version = "1.1/1.2";
    for (const auto& t : in.tables)
      if (std::filesystem::path(t.file).filename() == "manifest.csv")
        for (const auto& r : t.rows)
          if (r.cells.size() >= 2 && r.cells[0] == "oneroster.version") version = r.cells[1];
    oneroster_to_tabular(in.tables, diag);
    in.detected = fmt::format("OneRoster {} CSV set (with the tabular profile's files beside it), ", version) + how;
  } else {
    in.format = InputFormat::tabular;
    in.detected = "journalpress-tabular/1, " + how;
  }
  if (grids) in.detected += fmt::format(" with {} journal {}", grids, grids == 1 ? "grid" : "grids");
  bool all_read = diag.errors() == 0;
  in.places = std::make_shared<TabularPlaces>();
  // A table that could not be read refuses the import already; the rest still read, so
  // that every error is reported in one run.
  in.journal = read_tabular(in.tables, diag, *in.places, false, o.pool);
  if (!all_read) in.journal.all_files_read = false;  // cross-record rules would be noise
}

}  // namespace jp
