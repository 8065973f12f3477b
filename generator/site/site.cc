#include "site/site.h"

#include <atomic>
#include <memory>
#include <thread>

#include "core/embedded.h"
#include "core/thread_pool.h"
#include "figures/audience.h"
#include "site/site_inputs.h"

namespace jp {
namespace {

/// RFC 4180 field, neutralised as OWASP recommends against formula injection: a field
/// starting with `=`, `+`, `-`, `@`, tab or carriage return would be a formula when the
/// file is opened in a spreadsheet (a guardian named `=HYPERLINK(...)`), so it gets a
/// leading `'`, which spreadsheets show as text.
std::string csv(const std::string& text) {
  std::string s = text;
  if (!s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos)
    s.insert(0, 1, '\'');
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string r = "\"";
  for (char c : s) r += c == '"' ? std::string("\"\"") : std::string(1, c);
  return r + "\"";
}

}  // namespace

SiteResult build_site(const DiaryIndex& ix, const std::map<std::string, long long>& epochs,
                      const NewSince& since, const SiteOptions& o, Writer& w, ThreadPool& pool) {
  const Journal& j = ix.journal();
  HtmlRenderer html(ix, Locale::ru(), o.today);
  SiteResult r;

  std::vector<std::vector<std::string>> areas_of(j.students.size());
  r.access_csv = "guardian_id,full_name,children,url,epoch\n";
  for (const FamilyArea& a : family_areas(j, epochs, o.site_key, o.today)) {
    const Guardian& g = j.guardians[a.guardian];
    for (int c : a.children) areas_of[c].push_back(a.folder);
    w.put(a.folder + "/index.html", html.family_page(g, a.children));
    ++r.areas;
    std::string names;
    for (int c : a.children) names += (names.empty() ? "" : "; ") + full_name(j.students[c].person);
    r.access_csv += csv(g.id) + "," + csv(full_name(g.person)) + "," + csv(names) + "," +
                    csv(o.base_url + a.folder + "/") + "," + std::to_string(a.epoch) + "\n";
    r.files++;
  }

  // Shared files: nothing personal, and an index.html in every folder (no listings).
  w.put("index.html", html.root_page());
  w.put("f/index.html", html.empty_folder_page());
  w.put("robots.txt", "User-agent: *\nDisallow: /\n");
  w.put("style.css", embedded_files().at("style.css"));
  r.files += 4;
  r.pages_rendered = r.areas + 2;

  // Each child's pages are rendered once and written into every area that shows the child.
  LessonFragments lessons(ix, Locale::ru());
  std::atomic<size_t> pages{0}, files{0}, kept{0};
  std::unique_ptr<PageInputs> inputs;
  if (!o.inputs_digest.empty()) inputs = std::make_unique<PageInputs>(ix, o.inputs_digest, o.today);
  // A renderer per worker, made when the worker takes its first student: kainjow templates
  // keep render state in the template object.
  std::vector<std::unique_ptr<HtmlRenderer>> renderers(pool.size());
  std::vector<std::vector<std::string>> worker_paths(pool.size());
  pool.for_each(j.students.size(), [&](size_t s, unsigned worker) {
    const auto& areas = areas_of[s];
    if (areas.empty()) return;
    if (!renderers[worker])
      renderers[worker] = std::make_unique<HtmlRenderer>(ix, Locale::ru(), o.today, &lessons);
    HtmlRenderer& html = *renderers[worker];
    std::vector<std::string>& paths = worker_paths[worker];
    auto paths_of = [&](const std::vector<std::string>& areas, const std::string& file) {
      paths.clear();
      for (const auto& a : areas) paths.push_back(a + "/" + file);
      files += paths.size();
    };
    // A page whose inputs have the fingerprint it was published with is kept as it is;
    // otherwise rendered. `render` is only called when needed.
    auto page = [&](const std::vector<std::string>& areas, const std::string& file, uint64_t fp,
                    auto render) {
      paths_of(areas, file);
      std::string f = PageInputs::hex(fp);
      if (inputs && o.keep_unchanged && w.keep(paths, f)) {
        ++kept;
        return;
      }
      std::string bytes = render();
      if (inputs)
        w.put_many(paths, bytes, f);
      else
        w.put_many(paths, bytes);
      ++pages;
    };
    auto always = [&](const std::vector<std::string>& areas, const std::string& file,
                      const std::string& bytes) {
      paths_of(areas, file);
      w.put_many(paths, bytes);
      ++pages;
    };
    const Student& st = j.students[s];
    int si = int(s);
    Day landing = html.landing_week(si);
    PageInputs::Student in;
    if (inputs) in = inputs->student(si);
    auto fp = [&](auto f) { return inputs ? f() : 0; };
    page(areas, HtmlRenderer::page_file(st, "current"),
         fp([&] { return inputs->week(in, landing, true); }),
         [&] { return html.week_page(si, landing, true); });
    for (Day week : ix.weeks(si))
      page(areas, HtmlRenderer::week_file(st, week),
           fp([&] { return inputs->week(in, week, false); }),
           [&] { return html.week_page(si, week); });
    for (int subj : ix.subjects(si))
      page(areas, HtmlRenderer::subject_file(st, j.subjects[subj]),
           fp([&] { return inputs->subject(in, subj); }),
           [&] { return html.subject_page(si, subj); });
    page(areas, HtmlRenderer::page_file(st, "results"), fp([&] { return inputs->results(in); }),
         [&] { return html.results_page(si); });
    page(areas, HtmlRenderer::page_file(st, "attendance"),
         fp([&] { return inputs->attendance(in); }), [&] { return html.attendance_page(si); });
    page(areas, HtmlRenderer::page_file(st, "notes"), fp([&] { return inputs->notes(in); }),
         [&] { return html.notes_page(si); });
    // What is new changes with every publication: always rendered.
    always(areas, HtmlRenderer::page_file(st, "new"), html.new_page(si, since));
  });
  r.pages_rendered += pages;
  r.pages_kept = kept;
  r.files += files;
  return r;
}

}  // namespace jp
