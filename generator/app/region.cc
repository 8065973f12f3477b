#include "app/region.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>

#include "app/run_record.h"
#include "core/dates.h"
#include "core/files.h"
#include "core/text.h"
#include "core/wording.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

/// One school's line in the region status.
struct SchoolStatus {
  std::string school, config, status, reason, finished, published_to;
  int exit = 2;
  bool published = false;
  size_t pages = 0, documents = 0, warnings = 0;
  double seconds = 0;
};

SchoolStatus status_of(const std::string& config, const std::string& status_dir) {
  SchoolStatus s;
  s.school = school_of(config);
  s.config = config;
  fs::path file = fs::path(status_dir) / (s.school + ".json");
  auto text = read_file_if_exists(file.string());
  if (!text) {
    s.status = "missing";
    s.reason = fmt::format("no run recorded ({} does not exist)", file.string());
    return s;
  }
  std::string why;
  auto r = parse_run_record(*text, why);
  if (!r) {
    s.status = "failed";
    s.reason = fmt::format("{}: {}", file.string(), why);
    return s;
  }
  s.status = r->status.empty() ? "failed" : r->status;
  s.exit = r->exit;
  s.reason = r->exit == 0 ? "" : r->message + (r->detail.empty() ? "" : "\n" + r->detail);
  s.finished = r->finished;
  s.published = r->published;
  s.published_to = r->published_to;
  s.seconds = r->seconds;
  s.warnings = r->warnings;
  for (const auto& o : r->outputs) {
    if (o.output == "site") s.pages = o.written + o.unchanged;
    if (o.output == "archive") s.documents = o.written + o.unchanged;
  }
  return s;
}

std::string status_html(const std::vector<SchoolStatus>& all, size_t published, size_t failed) {
  const Locale& loc = Locale::ru();
  std::string rows;
  for (const auto& s : all) {
    rows += fmt::format(
        "<tr class=\"{}\"><th scope=\"row\">{}</th><td>{}</td><td>{}</td>"
        "<td "
        "class=\"reason\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        s.exit == 0 ? "ok" : "bad", xml_escape(s.school),
        xml_escape(loc.text("region.status." + s.status)),
        xml_escape(loc.text(s.published ? "region.yes" : "region.no")), xml_escape(s.reason), s.pages,
        s.documents, Locale::number(s.seconds, 1, true), s.warnings, xml_escape(s.finished));
  }
  std::string head;
  for (const char* c : {"school", "status", "published", "reason", "pages", "documents", "seconds",
                        "warnings", "finished"})
    head +=
        "<th scope=\"col\">" + xml_escape(loc.text(std::string("region.columns.") + c)) + "</th>";
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex, nofollow\">\n<title>{0}</title>\n"
      "<style>body{{font-family:sans-serif;margin:1rem}}table{{border-collapse:collapse}}"
      "th,td{{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}}"
      "tr.bad{{background:#fde8e8}}td.reason{{white-space:pre-wrap}}</style>\n</"
      "head>\n<body>\n<main>\n<h1>{0}</h1>\n<p>{1}</p>\n"
      "<table>\n<thead><tr>{2}</tr></thead>\n<tbody>\n{3}</tbody>\n</table>\n</main>\n</body>\n"
      "</html>\n",
      xml_escape(loc.text("region.title")),
      xml_escape(loc.format("region.summary", {{"schools", std::to_string(all.size())},
                                              {"published", std::to_string(published)},
                                              {"failed", std::to_string(failed)}})),
      head, rows);
}

}  // namespace

std::vector<std::string> region_configs(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".toml" && it->is_regular_file())
      files.push_back(it->path().string());
  if (ec)
    throw std::runtime_error(
        fmt::format("cannot read the region folder {}: {}", dir, ec.message()));
  if (files.empty())
    throw std::runtime_error(
        fmt::format("{} holds no school configuration (one SCHOOL.toml per school)", dir));
  std::sort(files.begin(), files.end());
  return files;
}

std::string school_of(const std::string& config_file) {
  return fs::path(config_file).stem().string();
}

int run_region_check(const std::string& dir,
                     const std::function<std::string(const std::string&)>& check,
                     std::ostream& out) {
  auto files = region_configs(dir);
  size_t broken = 0;
  for (const auto& f : files) {
    std::string problem = check(f);
    if (problem.empty()) {
      out << fmt::format("{}: ok\n", f);
    } else {
      ++broken;
      out << fmt::format("{}: {}\n", f, problem);
    }
  }
  out << fmt::format("region {}: {} schools, {} ok, {} with a problem\n", dir, files.size(),
                     files.size() - broken, broken);
  return broken ? 1 : 0;
}

int run_region_status(const RegionStatusOptions& o, std::ostream& out) {
  auto files = region_configs(o.dir);
  std::vector<SchoolStatus> all;
  for (const auto& f : files) all.push_back(status_of(f, o.status));
  size_t published = 0, failed = 0;
  nlohmann::ordered_json schools = nlohmann::ordered_json::array();
  for (const auto& s : all) {
    published += s.published && s.exit == 0;
    failed += s.exit != 0;
    std::string first = s.reason.substr(0, s.reason.find('\n'));
    out << fmt::format("{}: {}{}\n", s.school, s.status,
                       s.exit == 0
                           ? fmt::format(" in {:.1f} s, {} pages, {} documents, {} warnings",
                                         s.seconds, s.pages, s.documents, s.warnings)
                           : ": " + first);
    schools.push_back({{"school", s.school},
                       {"config", s.config},
                       {"status", s.status},
                       {"exit", s.exit},
                       {"published", s.published && s.exit == 0},
                       {"published_to", s.published_to},
                       {"reason", s.reason},
                       {"pages", s.pages},
                       {"signed_documents", s.documents},
                       {"seconds", s.seconds},
                       {"warnings", s.warnings},
                       {"finished", s.finished}});
  }
  nlohmann::ordered_json j = {{"format", "journalpress-region-status/1"},
                              {"region", o.dir},
                              {"collected", utc_now_iso()},
                              {"schools_total", all.size()},
                              {"published", published},
                              {"failed", failed},
                              {"schools", schools}};
  fs::create_directories(o.out);
  write_file_atomic((fs::path(o.out) / "region-status.json").string(),
                    j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", 0600);
  write_file_atomic((fs::path(o.out) / "region-status.html").string(),
                    status_html(all, published, failed), 0600);
  out << fmt::format("region {}: {} schools, {} published, {} failed; {}/region-status.html\n",
                     o.dir, all.size(), published, failed, o.out);
  return failed ? 1 : 0;
}

}  // namespace jp
