#include "site/site.h"

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "core/embedded.h"
#include "core/hash.h"
#include "core/seal.h"
#include "core/thread_pool.h"
#include "figures/audience.h"
#include "site/calendar.h"
#include "site/feed.h"
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

/// A page's name in encrypted mode: its file name without `.html`. The blob is
/// `<name>.bin`, sealed with the name as associated data (core/seal.h).
std::string sealed_name(const std::string& file) {
  return file.ends_with(".html") ? file.substr(0, file.size() - 5) : file;
}

}  // namespace

SiteResult build_site(const DiaryIndex& ix, const std::map<std::string, long long>& epochs,
                      const NewSince& since, const SiteOptions& o, Writer& w, ThreadPool& pool) {
  const Journal& j = ix.journal();
  HtmlRenderer html(ix, Locale::ru(), o.today);
  SiteResult r;
  std::atomic<size_t> sealed{0};

  const std::vector<FamilyArea> family = family_areas(j, epochs, o.site_key, o.today, o.encrypted);
  std::vector<std::vector<const FamilyArea*>> areas_of(j.students.size());
  r.access_csv = "guardian_id,full_name,children,url,epoch\n";
  for (const FamilyArea& a : family) {
    const Guardian& g = j.guardians[a.guardian];
    for (int c : a.children) areas_of[c].push_back(&a);
    ++r.areas;
    std::string names;
    for (int c : a.children) names += (names.empty() ? "" : "; ") + full_name(j.students[c].person);
    r.access_csv += csv(g.id) + "," + csv(full_name(g.person)) + "," + csv(names) + "," +
                    csv(o.base_url + a.address) + "," + std::to_string(a.epoch) + "\n";
  }

  // Offers `bytes` as `file` in each area: as they are, or sealed under each area's key.
  // `fp`: the inputs' fingerprint to record ("" none). A sealed page gets a fresh nonce
  // each time, so the callers keep() unchanged pages rather than sealing them again.
  auto offer = [&](const std::vector<const FamilyArea*>& areas, const std::string& file,
                   const std::string& bytes, const std::string& fp) {
    if (!o.encrypted) {
      std::vector<std::string> paths;
      for (const FamilyArea* a : areas) paths.push_back(a->folder + "/" + file);
      if (fp.empty())
        w.put_many(paths, bytes);
      else
        w.put_many(paths, bytes, fp);
      return;
    }
    std::string name = sealed_name(file);
    for (const FamilyArea* a : areas) {
      std::string blob = seal_page(a->page_key, name, bytes);
      std::vector<std::string> path{a->folder + "/" + name + ".bin"};
      if (fp.empty())
        w.put_many(path, blob);
      else
        w.put_many(path, blob, fp);
      ++sealed;
    }
  };
  auto paths_in = [&](const std::vector<const FamilyArea*>& areas, const std::string& file) {
    std::vector<std::string> paths;
    for (const FamilyArea* a : areas)
      paths.push_back(a->folder + "/" + (o.encrypted ? sealed_name(file) + ".bin" : file));
    return paths;
  };
  // A page rendered every build (its inputs are not fingerprinted): sealed only when its
  // bytes changed, which its SHA-256 as the fingerprint tells.
  auto always = [&](const std::vector<const FamilyArea*>& areas, const std::string& file,
                    const std::string& bytes) {
    if (!o.encrypted) return offer(areas, file, bytes, "");
    std::string fp = o.inputs_digest.empty() ? "" : "sha256:" + sha256_hex(bytes);
    if (!fp.empty() && w.keep(paths_in(areas, file), fp)) return;
    offer(areas, file, bytes, fp);
  };

  // The family pages, calendars and feeds, on all cores (a renderer per worker, made when
  // the worker takes its first item: kainjow templates keep render state in the template).
  std::vector<std::unique_ptr<HtmlRenderer>> renderers(pool.size());
  auto renderer = [&](unsigned worker, const LessonFragments* lessons) -> HtmlRenderer& {
    if (!renderers[worker])
      renderers[worker] = std::make_unique<HtmlRenderer>(ix, Locale::ru(), o.today, lessons);
    return *renderers[worker];
  };
  // What the calendars and feeds of all families share, worked out once.
  std::optional<CalendarSource> calendars;
  std::optional<FeedSource> feeds;
  if (o.feeds) {
    calendars.emplace(ix, Locale::ru(), o.today), feeds.emplace(ix, &since, &pool);
    for (const FamilyArea& a : family) feeds->expect(a.children);
  }
  // A calendar depends only on the children: the areas of a child's two guardians share
  // one (made once, written once and linked: 710 of a large school's 1,628 calendars).
  std::vector<std::vector<std::string>> calendar_paths(family.size());
  if (o.feeds) {
    std::map<std::vector<int>, size_t> first_with;
    for (size_t i = 0; i < family.size(); ++i) {
      size_t first = first_with.try_emplace(family[i].children, i).first->second;
      calendar_paths[first].push_back(family[i].folder + "/calendar.ics");
    }
    for (size_t i = 0; i < family.size(); ++i)
      if (!calendar_paths[i].empty()) calendars->expect(family[i].children);
  }
  pool.for_each(family.size(), [&](size_t i, unsigned worker) {
    HtmlRenderer& html = renderer(worker, nullptr);
    const FamilyArea& a = family[i];
    const Guardian& g = j.guardians[a.guardian];
    always({&a}, "index.html", html.family_page(g, a.children, o.feeds));
    if (!o.feeds) return;
    if (!calendar_paths[i].empty()) w.put_many(calendar_paths[i], calendars->family(a.children));
    FeedOptions fo;
    fo.today = o.today, fo.area = a.folder, fo.links = !o.encrypted, fo.since = &since;
    w.put(a.folder + "/feed.atom", feeds->family(a.children, Locale::ru(), fo));
  });
  calendars.reset(), feeds.reset();
  // The pages' renderers share the lessons' fragments: made again below.
  for (auto& r : renderers) r.reset();
  r.files += family.size() * (o.feeds ? 3 : 1);

  // Shared files: nothing personal, and an index.html in every folder (no listings).
  w.put("index.html", o.encrypted ? html.loader_page() : html.root_page());
  w.put("f/index.html", html.empty_folder_page());
  w.put("robots.txt", "User-agent: *\nDisallow: /\n");
  w.put("style.css", embedded_files().at("style.css"));
  r.files += 4;
  if (o.encrypted) {
    w.put("loader.js", embedded_files().at("loader.js"));
    r.files += 1;
  }
  r.pages_rendered = r.areas + 2;

  // Each child's pages are rendered once and written into every area that shows the child.
  LessonFragments lessons(ix, Locale::ru());
  std::atomic<size_t> pages{0}, files{0}, kept{0};
  std::unique_ptr<PageInputs> inputs;
  if (!o.inputs_digest.empty()) inputs = std::make_unique<PageInputs>(ix, o.inputs_digest, o.today, &pool);
  pool.for_each(j.students.size(), [&](size_t s, unsigned worker) {
    const auto& areas = areas_of[s];
    if (areas.empty()) return;
    HtmlRenderer& html = renderer(worker, &lessons);
    // A page whose inputs have the fingerprint it was published with is kept as it is;
    // otherwise rendered. `render` is only called when needed.
    auto page = [&](const std::vector<const FamilyArea*>& areas, const std::string& file,
                    uint64_t fp, auto render) {
      files += areas.size();
      std::string f = PageInputs::hex(fp);
      if (inputs && o.keep_unchanged && w.keep(paths_in(areas, file), f)) {
        ++kept;
        return;
      }
      offer(areas, file, render(), inputs ? f : "");
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
    files += areas.size();
    always(areas, HtmlRenderer::page_file(st, "new"), html.new_page(si, since));
    ++pages;
  });
  r.pages_rendered += pages;
  r.pages_kept = kept;
  r.files += files;
  r.sealed = sealed;
  return r;
}

}  // namespace jp
