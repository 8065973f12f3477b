#include "reports/render_html.h"

#include <kainjow/mustache.hpp>
#include <stdexcept>

#include "core/embedded.h"
#include "core/wording.h"

namespace jp {
namespace mu = kainjow::mustache;

namespace {

mu::data list() { return mu::data{mu::data::type::list}; }

/// Sets a key only for a non-empty value: in kainjow an empty string still opens a section.
void put(mu::data& d, const std::string& key, const std::string& value) {
  if (!value.empty()) d.set(key, value);
}

mu::data cell_data(const ReportCell& c) {
  mu::data d;
  d.set("text", c.text);
  put(d, "href", c.href);
  return d;
}

mu::data table_data(const ReportTable& t) {
  mu::data d, head = list(), rows = list();
  d.set("caption", t.caption);
  for (const auto& h : t.head) head.push_back(h);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    mu::data row, cells = list();
    for (const auto& c : t.rows[r]) cells.push_back(cell_data(c));
    row.set("cells", cells);
    if (t.flagged[r]) row.set("flag", true);
    if (t.total_last && r + 1 == t.rows.size()) row.set("total", true);
    rows.push_back(row);
  }
  d.set("head", head);
  d.set("rows", rows);
  return d;
}

}  // namespace

std::string render_report_html(const Journal& j, const ReportPage& page) {
  thread_local mu::mustache tmpl{std::string(embedded_files().at("report.mustache"))};
  if (!tmpl.is_valid()) throw std::logic_error("template report.mustache: " + tmpl.error_message());
  const Locale& loc = Locale::ru();
  mu::data d, about = list(), links = list(), toc = list(), sections = list();
  d.set("title", page.title);
  d.set("school", j.school.name);
  d.set("css", std::string(embedded_files().at("reports.css")));
  d.set("footer", loc.text("reports.footer"));
  d.set("toc_title", loc.text("reports.contents"));
  for (const auto& a : page.about) about.push_back(a);
  for (const auto& l : page.links) links.push_back(cell_data(l));
  if (!page.links.empty()) d.set("has_links", true);
  for (const auto& s : page.sections) {
    mu::data sd, tables = list(), entry;
    sd.set("id", s.id);
    sd.set("title", s.title);
    put(sd, "clause", s.clause);
    sd.set("empty", s.empty);
    for (const auto& t : s.tables)
      if (!t.rows.empty()) tables.push_back(table_data(t));
    if (s.has_rows()) sd.set("tables", tables);
    sections.push_back(sd);
    entry.set("id", s.id);
    entry.set("title", s.title);
    if (s.problems >= 0) entry.set("count", loc.count(s.problems, "reports.problems"));
    toc.push_back(entry);
  }
  d.set("about", about);
  d.set("links", links);
  d.set("toc", toc);
  if (page.sections.size() > 1) d.set("has_toc", true);
  d.set("sections", sections);
  return tmpl.render(d);
}

}  // namespace jp
