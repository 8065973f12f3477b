#include "app/build.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <future>
#include <memory>
#include <ostream>
#include <stdexcept>

#include "app/extracts.h"
#include "archive/archive.h"
#include "core/embedded.h"
#include "core/hash.h"
#include "core/keys.h"
#include "core/wording.h"
#include "ingest/checks.h"
#include "print/render_pdf_letters.h"
#include "publish/output_folder.h"
#include "publish/writer.h"
#include "site/site.h"
#include "store/build_state.h"
#include "store/model.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace jp {
namespace fs = std::filesystem;

Day school_today(const std::string& override_date, int offset_minutes) {
  if (!override_date.empty()) {
    auto d = parse_date(override_date);
    if (!d)
      throw std::runtime_error(
          fmt::format("--today: expected a date YYYY-MM-DD, got \"{}\"", override_date));
    return *d;
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return local_day(now, offset_minutes);
}

/// A --today outside the school year is a typo (2032 for 2023) more often than a wish:
/// refused unless --allow-any-date.
void check_today_in_year(Db& db, long long ds, Day today) {
  Stmt st(db.handle(), "SELECT label, start, end FROM years WHERE ds = ?");
  st.bind(1, ds);
  if (!st.step()) return;
  auto start = parse_date(st.text(1)), end = parse_date(st.text(2));
  if (start && end && (today < *start || today > *end))
    throw std::runtime_error(fmt::format(
        "--today {} is outside the school year {} ({} to {}); --allow-any-date builds for it "
        "anyway",
        format_date(today), st.text(0), st.text(1), st.text(2)));
}

int run_build(const BuildOptions& in, std::ostream& out) {
  BuildOptions o = in;
  // With no output flag every output is built; the access letters only when the site's
  // public address is known (--base-url): a letter without an address is useless.
  if (!in.site && !in.archive && !in.extracts && !in.letters) {
    o.site = o.archive = o.extracts = true;
    o.letters = !in.base_url.empty();
  }
  if (o.letters && o.base_url.empty())
    throw std::runtime_error(
        "--letters needs --base-url URL, the public address of site/ (the letters print it)");
  if (!o.extracts && (!o.week.empty() || !o.from.empty() || !o.to.empty() || !o.classes.empty() ||
                      !o.students.empty() || o.all || o.a5))
    throw std::runtime_error(
        "--week, --from, --to, --class, --student, --all and --a5 choose extracts: add --extracts");
  auto started = std::chrono::steady_clock::now();
  // --timings: where the time of a build goes, phase by phase (for administrators tuning
  // a nightly run, and for the benchmarks).
  std::string timings;
  auto last = started;
  auto mark = [&](const char* what) {
    auto now = std::chrono::steady_clock::now();
    timings += fmt::format("  {:<22} {:6.2f} s\n", what,
                           std::chrono::duration<double>(now - last).count());
    last = now;
  };
  DatasetRef ds = choose_dataset(o.db, o.school, o.year);
  Db db(o.db, false);
  ensure_build_state(db);
  if ((o.site || o.letters) && o.site_key.empty())
    throw std::runtime_error(
        fmt::format("the {} needs --site-key FILE (made by `journalpress keygen`)",
                    o.site ? "site" : "access letters"));
  std::string site_key = o.site || o.letters ? read_site_key(o.site_key) : std::string();
  // The archive is signed (Положение 6.x): load and check the signer before any work.
  std::unique_ptr<Signer> signer;
  if (o.archive) {
    if (o.sign_key.empty() || o.sign_cert.empty())
      throw std::runtime_error(
          "the archive is signed: it needs --sign-key KEY.pem and --sign-cert CERT.pem "
          "(`journalpress keygen` makes a demonstration pair)");
    signer = std::make_unique<Signer>(o.sign_key, o.sign_cert, o.sign_chain);
  }

  // Everything a site depends on, in one digest: if it equals the last build's and every
  // published file is still there, the build has nothing to do (the nightly no-change case).
  School school_row;
  std::string content_digest;
  {
    Stmt st(db.handle(),
            "SELECT d.content_digest, s.timezone FROM datasets d JOIN schools s ON s.ds = d.ds "
            "WHERE d.ds = ?");
    st.bind(1, ds.ds);
    if (st.step()) content_digest = st.text(0), school_row.timezone = st.text(1);
  }
  Day today = school_today(o.today, school_offset_minutes(school_row));
  if (!o.today.empty() && !o.allow_any_date) check_today_in_year(db, ds.ds, today);
  std::string epochs_text;
  for (const auto& [g, e] : load_epochs(db, ds.school_id))
    epochs_text += g + ":" + std::to_string(e) + ";";
  std::string templates;
  for (const auto& [name, text] : embedded_files())
    templates += std::string(name) + "\n" + std::string(text) + "\n";
  std::string fingerprint = sha256_hex(fmt::format(
      "{}\n{}\n{}\n{}\n{}\n{}\n{}", JOURNALPRESS_VERSION, sha256_hex(templates), content_digest,
      format_date(today), o.base_url, sha256_hex(site_key), epochs_text));
  // The output folder: locked for the whole run, its commits finished if a run was killed.
  OutputFolder folder(o.out, LockOptions{o.wait_seconds, o.command}, o.dry_run);
  mark("output folder opened");
  auto report_repairs = [&](const Writer& w) {
    const auto& r = w.repairs();
    if (r.empty()) return;
    out << fmt::format("{} entr{} on disk not as published (put right by this build):\n", r.size(),
                       r.size() == 1 ? "y" : "ies");
    for (size_t i = 0; i < r.size() && i < 10; ++i) out << "  " << r[i] << "\n";
    if (r.size() > 10) out << fmt::format("  ... and {} more\n", r.size() - 10);
  };
  WriterOptions site_options;
  site_options.compare_content = o.full;
  WriterOptions private_options;
  private_options.private_files = true;
  std::unique_ptr<Writer> site_writer;
  if (o.site && !o.dry_run && !o.full && !content_digest.empty() &&
      folder.build_fingerprint("site") == fingerprint) {
    // Same inputs as the last complete build: nothing to do if the disk agrees with the
    // folder's state (the nightly no-change case).
    site_writer = std::make_unique<Writer>(folder, "site", site_options);
    Writer access(folder, "private", private_options);
    if (site_writer->disk_clean() && access.disk_clean() && access.published_count() > 0) {
      double total_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      out << fmt::format(
          "site: up to date (same journal, date, keys and templates as the last build, and "
          "every file on disk as published): 0 written, {} unchanged, 0 deleted; {:.2f} s in "
          "all\n",
          site_writer->published_count(), total_s);
      if (o.report) {
        o.report->site = true;
        o.report->outputs.push_back({"site", 0, site_writer->published_count(), 0});
      }
      site_writer.reset();
      o.site = false;  // done; other outputs still run
      if (!o.archive && !o.extracts && !o.letters) return 0;
    }
  }

  // The site's writer loads the folder's state (~100,000 rows) and checks the disk on its
  // own thread while the journal is read.
  std::future<std::unique_ptr<Writer>> site_state;
  if (o.site && !site_writer)
    site_state = std::async(std::launch::async,
                            [&] { return std::make_unique<Writer>(folder, "site", site_options); });
  auto journal = std::make_unique<Journal>(read_journal(o.db, ds));
  Journal& j = *journal;
  mark("journal read");
  auto index = std::make_unique<DiaryIndex>(j);
  DiaryIndex& ix = *index;
  struct LeaveToExit {  // see BuildOptions::exit_after
    bool on;
    std::unique_ptr<Journal>& j;
    std::unique_ptr<DiaryIndex>& ix;
    ~LeaveToExit() {
      if (on) (void)ix.release(), (void)j.release();
    }
  } leave{o.exit_after, journal, index};
  mark("journal indexed");

  if (o.site) {
    SiteOptions so;
    so.site_key = site_key;
    so.base_url = o.base_url;
    if (!so.base_url.empty() && so.base_url.back() != '/') so.base_url += '/';
    so.today = today;
    so.threads = o.threads;
    so.keep_unchanged = !o.full;
    // A dry run renders every page (it measures rendering); a real build skips the pages
    // whose inputs did not change.
    if (!o.dry_run)
      so.inputs_digest = std::string(JOURNALPRESS_VERSION) + "\n" + sha256_hex(templates);

    // "New since the last publication": the item set of the publication before the
    // latest change of data, so that a rebuild without changes renders the same pages.
    Publication pub = load_publication(db, j.school.id);
    std::vector<uint64_t> keys = item_keys(j);
    std::string digest =
        sha256_hex(std::string_view(reinterpret_cast<const char*>(keys.data()), keys.size() * 8));
    Publication next = pub;
    NewSince since;
    if (!pub.exists) {
      next.exists = true;
      next.digest = digest, next.current = keys, next.current_at = format_date(today);
      next.previous.clear(), next.previous_at.clear();
    } else if (pub.digest != digest) {
      next.previous = pub.current, next.previous_at = pub.current_at;
      next.digest = digest, next.current = keys, next.current_at = format_date(today);
    }
    if (!next.previous_at.empty()) {
      since.first = false;
      since.since = Locale::ru().date_full(*parse_date(next.previous_at));
      since.set_known(next.previous);
    }

    if (!site_writer) site_writer = site_state.get();
    Writer& w = *site_writer;
    report_repairs(w);
    mark("build state loaded");
    auto t0 = std::chrono::steady_clock::now();
    SiteResult r = build_site(ix, load_epochs(db, j.school.id), since, so, w);
    double render_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    mark("rendered and staged");
    // The site and access.csv are two commits; the build counts as complete (and a
    // later run with the same inputs as "up to date") only when both are done.
    std::string day = format_date(today);
    WriteStats st = w.commit([&](Db& state) { save_build_fingerprint(state, "site", "", day); });
    mark("committed");
    if (!o.dry_run) {
      Writer access(folder, "private", private_options);
      report_repairs(access);
      access.put("access.csv", r.access_csv);
      access.commit([&](Db& state) { save_build_fingerprint(state, "site", fingerprint, day); });
      // Whether this is saved before or after the files, the next build computes the
      // same pages: "new since" is a function of this record and the journal.
      db.exec("BEGIN");
      save_publication(db, j.school.id, next);
      db.exec("COMMIT");
      mark("state saved");
    }
    double total_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    out << fmt::format(
        "site{}: {} pages rendered in {:.2f} s ({:.0f} pages/s), {} kept (inputs unchanged), {} "
        "files for {} family areas: {} written, {} unchanged, {} deleted; {:.2f} s in all\n",
        o.dry_run ? " (dry run, nothing written)" : "", r.pages_rendered, render_s,
        r.pages_rendered / std::max(render_s, 1e-9), r.pages_kept, r.files, r.areas, st.written,
        st.unchanged, st.deleted, total_s);
    if (o.report) {
      o.report->site = true;
      o.report->outputs.push_back({"site", st.written, st.unchanged, st.deleted});
    }
    if (o.timings) out << "timings:\n" << timings;
    if (!o.dry_run)
      out << fmt::format(
          "  {}/site/ is ready to publish; addresses for the access letters: "
          "{}/private/access.csv\n",
          o.out, o.out);
    if (o.exit_after) (void)site_writer.release();  // see BuildOptions::exit_after
  }
  if (o.archive) {
    auto t0 = std::chrono::steady_clock::now();
    std::string year_dir = archive_year_dir(j);
    fs::path archive_dir = fs::path(o.out) / "archive";
    Writer w(folder, "archive/" + year_dir);
    report_repairs(w);
    ArchiveResult r =
        build_archive(ix, today, *signer, std::time(nullptr), archive_dir / year_dir, w, o.threads);
    WriteStats st = w.commit();
    mark("archive");
    if (o.report) o.report->outputs.push_back({"archive", st.written, st.unchanged, st.deleted});
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out << fmt::format(
        "archive{}: {} signed PDFs ({} signed now, {} kept as signed before), {} Excel copies, "
        "MANIFEST.sha256 and its signature in {}/: {} written, {} unchanged, {} deleted; {:.2f} "
        "s\n",
        o.dry_run ? " (dry run, nothing written)" : "", r.pdfs, r.signed_now, r.kept, r.workbooks,
        (archive_dir / year_dir).string(), st.written, st.unchanged, st.deleted, secs);
  }
  if (o.extracts) {
    auto t0 = std::chrono::steady_clock::now();
    ExtractOptions eo;
    eo.week = o.week, eo.from = o.from, eo.to = o.to;
    eo.classes = o.classes, eo.students = o.students;
    eo.all = o.all, eo.a5 = o.a5;
    ExtractPeriod period = extract_period(eo, today);
    auto batches = extract_batches(j, period, eo);
    fs::path dir = fs::path(o.out) / "extracts";
    // Children's marks on paper: owner-only, like private/ (the folder of all periods too).
    std::error_code ec;
    if (!o.dry_run && fs::is_directory(fs::symlink_status(dir, ec)))
      fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    WriterOptions wo;
    wo.private_files = true;
    // A run answers only for its own scope: `--student` never touches the class files.
    wo.in_scope = [&](const std::string& f) { return extract_file_in_scope(j, eo, batches, f); };
    Writer w(folder, "extracts/" + period.folder, wo);
    report_repairs(w);
    ExtractsResult r = build_extracts(ix, batches, today, w, o.threads);
    WriteStats st = w.commit();
    mark("extracts");
    if (o.report) o.report->outputs.push_back({"extracts", st.written, st.unchanged, st.deleted});
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out << fmt::format(
        "extracts{}: {} for {} ({}), {} extracts in {} PDFs in {}/: {} written, {} "
        "unchanged, {} deleted; {:.2f} s\n",
        o.dry_run ? " (dry run, nothing written)" : "",
        o.all                ? "every student"
        : o.students.empty() ? "students with a paper delivery"
                             : "the students asked for",
        format_date(period.from) + " to " + format_date(period.to), period.folder, r.students,
        r.classes, (dir / period.folder).string(), st.written, st.unchanged, st.deleted, secs);
  }
  if (o.letters) {
    std::string base = o.base_url;
    if (base.back() != '/') base += '/';
    auto batches =
        letter_batches(j, family_areas(j, load_epochs(db, j.school.id), site_key, today), today);
    // Every family's address: owner-only, like private/access.csv.
    WriterOptions wo;
    wo.private_files = true;
    Writer w(folder, "letters", wo);
    report_repairs(w);
    size_t notices = 0;
    for (const auto& b : batches) {
      w.put(j.classes[b.class_ix].id + ".pdf", render_pdf_letters(j, b, base, today));
      notices += b.areas.size();
    }
    WriteStats st = w.commit();
    mark("letters");
    if (o.report) o.report->outputs.push_back({"letters", st.written, st.unchanged, st.deleted});
    out << fmt::format(
        "letters{}: {} notices to electronic guardians in {} class PDFs in {}/letters/: {} "
        "written, {} unchanged, {} deleted\n",
        o.dry_run ? " (dry run, nothing written)" : "", notices, batches.size(), o.out, st.written,
        st.unchanged, st.deleted);
  }
  if (o.timings && !o.site) out << "timings:\n" << timings;
  return 0;
}

int run_revoke(const RevokeOptions& o, std::ostream& out) {
  DatasetRef ds = choose_dataset(o.db, o.school, o.year);
  Journal j = read_journal(o.db, ds);
  const Guardian* g = nullptr;
  for (const auto& x : j.guardians)
    if (x.id == o.guardian) g = &x;
  if (!g)
    throw std::runtime_error(fmt::format("there is no guardian \"{}\" in {} {}", o.guardian,
                                         ds.school_id, ds.year_label));
  Db db(o.db, false);
  long long epoch = bump_epoch(db, ds.school_id, g->id, utc_now_iso());
  out << fmt::format(
      "revoked the diary address of {} ({}): access epoch {}. The next build removes the old "
      "area and publishes a new address (see private/access.csv).\n",
      g->id, full_name(g->person), epoch);
  return 0;
}

}  // namespace jp
