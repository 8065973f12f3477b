#include "app/build.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <ostream>
#include <stdexcept>

#include "app/data_dates.h"
#include "app/extracts.h"
#include "archive/archive.h"
#include "core/embedded.h"
#include "core/hash.h"
#include "core/keys.h"
#include "core/wording.h"
#include "figures/audit.h"
#include "ingest/checks.h"
#include "print/fonts.h"
#include "print/render_pdf_letters.h"
#include "publish/output_folder.h"
#include "publish/writer.h"
#include "reports/reports.h"
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

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// The outputs asked for, with the defaults filled in and the combinations checked.
BuildOptions resolved(const BuildOptions& in) {
  BuildOptions o = in;
  // With no output flag every output is built; the access letters only when the site's
  // public address is known (--base-url): a letter without an address is useless.
  if (!in.site && !in.archive && !in.extracts && !in.letters && !in.reports) {
    o.site = o.archive = o.extracts = true;
    o.letters = !in.base_url.empty();
  }
  if (o.letters && o.base_url.empty())
    throw std::runtime_error(
        "--letters needs --base-url URL, the public address of site/ (the letters print it)");
  if (!o.extracts &&
      (!o.week.empty() || !o.classes.empty() || !o.students.empty() || o.all || o.a5))
    throw std::runtime_error(
        "--week, --class, --student, --all and --a5 choose extracts: add --extracts");
  if (!o.extracts && !o.reports && (!o.from.empty() || !o.to.empty()))
    throw std::runtime_error(
        "--from and --to choose extracts or reports: add --extracts or --reports");
  if (!o.reports && (!o.period.empty() || in.absence_threshold != 30))
    throw std::runtime_error("--period and --absence-threshold choose reports: add --reports");
  if (o.reports && (!o.from.empty() || !o.to.empty())) parse_date_range(o.from, o.to);
  return o;
}

/// One build: what every step shares (the options, the journal's database, the output
/// folder, the school's today), and one method per output.
class BuildRun {
 public:
  BuildRun(const BuildOptions& in, std::ostream& out)
      : o_(resolved(in)),
        out_(out),
        ds_(choose_dataset(o_.db, o_.school, o_.year)),
        db_(o_.db, false) {}

  int run() {
    prepare();
    // Done when up to date; the other outputs still run.
    if (o_.site && site_up_to_date()) o_.site = false;
    if (o_.archive && archive_up_to_date()) o_.archive = false;
    if (!o_.site && !o_.archive && !o_.extracts && !o_.letters && !o_.reports) return 0;
    read();
    // The reports' period is checked against the journal before anything is published.
    if (o_.reports) check_audit_options(*journal_, audit_options());
    // A character no font of the chain has is drawn as a box: said, with its record.
    if (o_.archive || o_.extracts || o_.letters || o_.reports)
      for (const auto& w : glyph_warnings(*journal_)) out_ << "warning: " << w << "\n";
    if (o_.site) site();
    if (o_.archive) archive();
    if (o_.extracts) extracts();
    if (o_.letters) letters();
    if (o_.reports) reports();
    if (o_.timings && !o_.site) out_ << "timings:\n" << timings_;
    if (o_.exit_after) {  // see BuildOptions::exit_after
      (void)site_writer_.release(), (void)index_.release(), (void)journal_.release();
    }
    return 0;
  }

 private:
  BuildOptions o_;
  std::ostream& out_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now(),
                                        last_ = started_;
  /// --timings: where the time of a build goes, phase by phase (for administrators tuning
  /// a nightly run, and for the benchmarks).
  std::string timings_;
  DatasetRef ds_;
  Db db_;
  std::string site_key_, templates_, fingerprint_;
  /// The archive's fingerprint (journal, date, templates, signer) and its year folder.
  std::string archive_fingerprint_, year_dir_;
  bool have_digest_ = false;
  std::unique_ptr<Signer> signer_;
  Day today_ = 0;
  std::unique_ptr<OutputFolder> folder_;
  WriterOptions site_options_, private_options_;
  std::unique_ptr<Writer> site_writer_;
  std::future<std::unique_ptr<Writer>> site_state_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<DiaryIndex> index_;

  void mark(const char* what) {
    auto now = std::chrono::steady_clock::now();
    timings_ += fmt::format("  {:<22} {:6.2f} s\n", what,
                            std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

  void report_repairs(const Writer& w) {
    const auto& r = w.repairs();
    if (r.empty()) return;
    out_ << fmt::format("{} entr{} on disk not as published (put right by this build):\n", r.size(),
                        r.size() == 1 ? "y" : "ies");
    for (size_t i = 0; i < r.size() && i < 10; ++i) out_ << "  " << r[i] << "\n";
    if (r.size() > 10) out_ << fmt::format("  ... and {} more\n", r.size() - 10);
  }

  void report(const char* output, const WriteStats& st) {
    if (o_.report) o_.report->outputs.push_back({output, st.written, st.unchanged, st.deleted});
  }

  /// Commits an output's writer and records what it wrote.
  WriteStats commit(Writer& w, const char* output,
                    const std::function<void(Db&)>& in_transaction = {}) {
    WriteStats st = w.commit(in_transaction);
    mark(output);
    report(output, st);
    return st;
  }

  const char* dry() const { return o_.dry_run ? " (dry run, nothing written)" : ""; }

  /// Keys, signer, today and the site's fingerprint, checked before any work; then the
  /// output folder, locked for the whole run (its commits finished if a run was killed).
  void prepare() {
    ensure_build_state(db_);
    if ((o_.site || o_.letters) && o_.site_key.empty())
      throw std::runtime_error(
          fmt::format("the {} needs --site-key FILE (made by `journalpress keygen`)",
                      o_.site ? "site" : "access letters"));
    if (o_.site || o_.letters) site_key_ = read_site_key(o_.site_key);
    // The archive is signed (Положение 6.x): load and check the signer before any work.
    if (o_.archive) {
      if (o_.sign_key.empty() || o_.sign_cert.empty())
        throw std::runtime_error(
            "the archive is signed: it needs --sign-key KEY.pem and --sign-cert CERT.pem "
            "(`journalpress keygen` makes a demonstration pair)");
      SignerOptions so;
      so.key = {o_.sign_key, o_.pkcs11_module, o_.pin_file, o_.sign_engine};
      so.cert = o_.sign_cert, so.chain = o_.sign_chain;
      so.tsa = o_.tsa, so.tsa_ca = o_.tsa_ca, so.crls = o_.crls, so.ocsps = o_.ocsps;
      so.tsa_timeout = o_.tsa_timeout;
      signer_ = std::make_unique<Signer>(so);
      for (const auto& w : signer_->warnings()) out_ << w << "\n";
    }
    // Everything a site depends on, in one digest: if it equals the last build's and every
    // published file is still there, the build has nothing to do (the nightly no-change case).
    School school_row;
    std::string content_digest;
    {
      Stmt st(db_.handle(),
              "SELECT d.content_digest, s.timezone FROM datasets d JOIN schools s ON s.ds = d.ds "
              "WHERE d.ds = ?");
      st.bind(1, ds_.ds);
      if (st.step()) content_digest = st.text(0), school_row.timezone = st.text(1);
    }
    today_ = school_today(o_.today, school_offset_minutes(school_row));
    if (!o_.today.empty() && !o_.allow_any_date) check_today_in_year(db_, ds_.ds, today_);
    for (const std::string& w : build_input_warnings(db_, o_.db, ds_.ds, today_)) {
      out_ << "warning: " << w << "\n";
      if (o_.report) o_.report->warnings.push_back(w);
    }
    std::string epochs_text;
    for (const auto& [g, e] : load_epochs(db_, ds_.school_id))
      epochs_text += g + ":" + std::to_string(e) + ";";
    // The reports' own templates (report.mustache, reports.css) are not the site's.
    for (const auto& [name, text] : embedded_files())
      if (!name.starts_with("report"))
        templates_ += std::string(name) + "\n" + std::string(text) + "\n";
    fingerprint_ = sha256_hex(fmt::format(
        "{}\n{}\n{}\n{}\n{}\n{}\n{}", JOURNALPRESS_VERSION, sha256_hex(templates_), content_digest,
        format_date(today_), o_.base_url, sha256_hex(site_key_), epochs_text + site_mode_text()));
    // A database from before content digests: never taken for "up to date".
    have_digest_ = !content_digest.empty();
    if (o_.archive) {
      Stmt st(db_.handle(), "SELECT label FROM years WHERE ds = ?");
      st.bind(1, ds_.ds);
      if (st.step()) year_dir_ = archive_year_dir(st.text(0));
      archive_fingerprint_ =
          sha256_hex(fmt::format("{}\n{}\n{}\n{}\n{}", JOURNALPRESS_VERSION, sha256_hex(templates_),
                                 content_digest, format_date(today_), signer_->identity()));
    }
    folder_ = std::make_unique<OutputFolder>(o_.out, LockOptions{o_.wait_seconds, o_.command},
                                             o_.dry_run);
    mark("output folder opened");
    site_options_.compare_content = o_.full;
    private_options_.private_files = true;
  }

  /// Same inputs as the last complete build, and the disk as the folder's state says:
  /// nothing to do for the site (the nightly no-change case).
  bool site_up_to_date() {
    if (o_.dry_run || o_.full || !have_digest_ ||
        folder_->build_fingerprint("site") != fingerprint_)
      return false;
    site_writer_ = std::make_unique<Writer>(*folder_, "site", site_options_);
    Writer access(*folder_, "private", private_options_);
    if (!site_writer_->disk_clean() || !access.disk_clean() || access.published_count() == 0)
      return false;  // the writer made is used by the build
    out_ << fmt::format(
        "site: up to date (same journal, date, keys and templates as the last build, and "
        "every file on disk as published): 0 written, {} unchanged, 0 deleted; {:.2f} s in "
        "all\n",
        site_writer_->published_count(), seconds_since(started_));
    if (o_.report) {
      o_.report->site = true;
      o_.report->outputs.push_back({"site", 0, site_writer_->published_count(), 0});
    }
    site_writer_.reset();
    return true;
  }

  /// The same for the archive: same journal, date, templates and signer as the last
  /// complete build of the year folder, and the folder on disk as published.
  bool archive_up_to_date() {
    if (o_.dry_run || o_.full || !have_digest_ || year_dir_.empty() ||
        folder_->build_fingerprint("archive/" + year_dir_) != archive_fingerprint_)
      return false;
    Writer w(*folder_, "archive/" + year_dir_);
    if (!w.disk_clean() || w.published_count() == 0) return false;
    out_ << fmt::format(
        "archive: up to date (same journal, date, templates and signing certificate as the "
        "last build, and every file on disk as published): 0 written, {} unchanged, 0 deleted "
        "in {}/archive/{}/; {:.2f} s in all\n",
        w.published_count(), o_.out, year_dir_, seconds_since(started_));
    if (o_.report) o_.report->outputs.push_back({"archive", 0, w.published_count(), 0});
    return true;
  }

  void read() {
    // The site's writer loads the folder's state (~100,000 rows) and checks the disk on its
    // own thread while the journal is read.
    if (o_.site && !site_writer_)
      site_state_ = std::async(std::launch::async, [&] {
        return std::make_unique<Writer>(*folder_, "site", site_options_);
      });
    journal_ = std::make_unique<Journal>(read_journal(o_.db, ds_));
    mark("journal read");
    index_ = std::make_unique<DiaryIndex>(*journal_);
    mark("journal indexed");
  }

  /// "New since the last publication": the item set of the publication before the latest
  /// change of data, so that a rebuild without changes renders the same pages.
  NewSince new_since(Publication& next) {
    const Journal& j = *journal_;
    Publication pub = load_publication(db_, j.school.id);
    std::vector<uint64_t> keys = item_keys(j);
    std::string digest =
        sha256_hex(std::string_view(reinterpret_cast<const char*>(keys.data()), keys.size() * 8));
    next = pub;
    NewSince since;
    if (!pub.exists) {
      next.exists = true;
      next.digest = digest, next.current = keys, next.current_at = format_date(today_);
      next.previous.clear(), next.previous_at.clear();
    } else if (pub.digest != digest) {
      next.previous = pub.current, next.previous_at = pub.current_at;
      next.digest = digest, next.current = keys, next.current_at = format_date(today_);
    }
    if (!next.previous_at.empty()) {
      since.first = false;
      since.since = Locale::ru().date_full(*parse_date(next.previous_at));
      since.set_known(next.previous);
    }
    return since;
  }

  bool encrypted() const { return o_.site_mode == "encrypted"; }
  bool feeds() const { return o_.site_feeds == "on" || (o_.site_feeds == "auto" && !encrypted()); }
  /// Part of the site's fingerprint (with the calendars and feeds) and of every page's
  /// (the mode only: turning the feeds on or off must not re-seal unchanged pages).
  std::string site_mode_text(bool with_feeds = true) const {
    return "\nmode:" + o_.site_mode + (with_feeds && feeds() ? "+feeds" : "");
  }

  void site() {
    const Journal& j = *journal_;
    SiteOptions so;
    so.encrypted = encrypted();
    so.feeds = feeds();
    so.site_key = site_key_;
    so.base_url = o_.base_url;
    if (!so.base_url.empty() && so.base_url.back() != '/') so.base_url += '/';
    so.today = today_;
    so.threads = o_.threads;
    so.keep_unchanged = !o_.full;
    // A dry run renders every page (it measures rendering); a real build skips the pages
    // whose inputs did not change.
    if (!o_.dry_run)
      so.inputs_digest =
          std::string(JOURNALPRESS_VERSION) + "\n" + sha256_hex(templates_) + site_mode_text(false);
    Publication next;
    NewSince since = new_since(next);
    if (!site_writer_) site_writer_ = site_state_.get();
    Writer& w = *site_writer_;
    report_repairs(w);
    mark("build state loaded");
    auto t0 = std::chrono::steady_clock::now();
    SiteResult r = build_site(*index_, load_epochs(db_, j.school.id), since, so, w);
    double render_s = seconds_since(t0);
    mark("rendered and staged");
    // The site and access.csv are two commits; the build counts as complete (and a
    // later run with the same inputs as "up to date") only when both are done.
    std::string day = format_date(today_);
    WriteStats st = w.commit([&](Db& state) { save_build_fingerprint(state, "site", "", day); });
    mark("committed");
    if (!o_.dry_run) {
      Writer access(*folder_, "private", private_options_);
      report_repairs(access);
      access.put("access.csv", r.access_csv);
      access.commit([&](Db& state) { save_build_fingerprint(state, "site", fingerprint_, day); });
      // Whether this is saved before or after the files, the next build computes the
      // same pages: "new since" is a function of this record and the journal.
      db_.exec("BEGIN");
      save_publication(db_, j.school.id, next);
      db_.exec("COMMIT");
      mark("state saved");
    }
    out_ << fmt::format(
        "site{}: {} pages rendered in {:.2f} s ({:.0f} pages/s), {} kept (inputs unchanged), {} "
        "files for {} family areas: {} written, {} unchanged, {} deleted; {:.2f} s in all{}\n",
        dry(), r.pages_rendered, render_s, r.pages_rendered / std::max(render_s, 1e-9),
        r.pages_kept, r.files, r.areas, st.written, st.unchanged, st.deleted,
        seconds_since(started_),
        encrypted() ? fmt::format(" (encrypted mode: {} pages sealed)", r.sealed) : "");
    if (o_.report) o_.report->site = true;
    report("site", st);
    if (o_.timings) out_ << "timings:\n" << timings_;
    if (!o_.dry_run)
      out_ << fmt::format(
          "  {}/site/ is ready to publish; addresses for the access letters: "
          "{}/private/access.csv\n",
          o_.out, o_.out);
  }

  void archive() {
    auto t0 = std::chrono::steady_clock::now();
    std::string year_dir = archive_year_dir(*journal_);
    fs::path archive_dir = fs::path(o_.out) / "archive";
    Writer w(*folder_, "archive/" + year_dir);
    report_repairs(w);
    ArchiveOptions ao;
    ao.today = today_, ao.when = std::time(nullptr), ao.threads = o_.threads;
    // A dry run and `--full` render every document; a real build only those whose
    // inputs changed.
    ao.inputs_digest = std::string(JOURNALPRESS_VERSION) + "\n" + sha256_hex(templates_);
    ao.keep_unchanged = !o_.dry_run && !o_.full;
    ArchiveResult r = build_archive(*index_, *signer_, ao, archive_dir / year_dir, w);
    // The fingerprint of the whole folder is saved with its files, in one commit.
    WriteStats st = commit(w, "archive", [&](Db& state) {
      save_build_fingerprint(state, "archive/" + year_dir,
                             year_dir == year_dir_ ? archive_fingerprint_ : "",
                             format_date(today_));
    });
    out_ << fmt::format(
        "archive{}: {} signed PDFs ({} signed now, {} kept as signed before, {} of them not "
        "rendered: inputs unchanged), {} Excel copies, MANIFEST.sha256 and its signature in "
        "{}/: {} written, {} unchanged, {} deleted; {:.2f} s\n",
        dry(), r.pdfs, r.signed_now, r.kept, r.not_rendered, r.workbooks,
        (archive_dir / year_dir).string(), st.written, st.unchanged, st.deleted, seconds_since(t0));
  }

  void extracts() {
    const Journal& j = *journal_;
    auto t0 = std::chrono::steady_clock::now();
    ExtractOptions eo;
    eo.week = o_.week, eo.from = o_.from, eo.to = o_.to;
    eo.classes = o_.classes, eo.students = o_.students;
    eo.all = o_.all, eo.a5 = o_.a5;
    ExtractPeriod period = extract_period(eo, today_);
    auto batches = extract_batches(j, period, eo);
    fs::path dir = fs::path(o_.out) / "extracts";
    // Children's marks on paper: owner-only, like private/ (the folder of all periods too).
    std::error_code ec;
    if (!o_.dry_run && fs::is_directory(fs::symlink_status(dir, ec)))
      fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    WriterOptions wo;
    wo.private_files = true;
    // A run answers only for its own scope: `--student` never touches the class files.
    wo.in_scope = [&](const std::string& f) { return extract_file_in_scope(j, eo, batches, f); };
    Writer w(*folder_, "extracts/" + period.folder, wo);
    report_repairs(w);
    ExtractsResult r = build_extracts(*index_, batches, today_, w, o_.threads);
    WriteStats st = commit(w, "extracts");
    out_ << fmt::format(
        "extracts{}: {} for {} ({}), {} extracts in {} PDFs in {}/: {} written, {} "
        "unchanged, {} deleted; {:.2f} s\n",
        dry(),
        o_.all                ? "every student"
        : o_.students.empty() ? "students with a paper delivery"
                              : "the students asked for",
        format_date(period.from) + " to " + format_date(period.to), period.folder, r.students,
        r.classes, (dir / period.folder).string(), st.written, st.unchanged, st.deleted,
        seconds_since(t0));
  }

  void letters() {
    const Journal& j = *journal_;
    std::string base = o_.base_url;
    if (base.back() != '/') base += '/';
    auto batches = letter_batches(
        j, family_areas(j, load_epochs(db_, j.school.id), site_key_, today_, encrypted()), today_);
    // Every family's address: owner-only, like private/access.csv.
    WriterOptions wo;
    wo.private_files = true;
    Writer w(*folder_, "letters", wo);
    report_repairs(w);
    size_t notices = 0;
    for (const auto& b : batches) {
      w.put(j.classes[b.class_ix].id + ".pdf", render_pdf_letters(j, b, base, today_));
      notices += b.areas.size();
    }
    WriteStats st = commit(w, "letters");
    out_ << fmt::format(
        "letters{}: {} notices to electronic guardians in {} class PDFs in {}/letters/: {} "
        "written, {} unchanged, {} deleted\n",
        dry(), notices, batches.size(), o_.out, st.written, st.unchanged, st.deleted);
  }

  AuditOptions audit_options() const {
    AuditOptions ao;
    ao.period = o_.period, ao.from = o_.from, ao.to = o_.to;
    ao.today = today_;
    ao.offset_minutes = school_offset_minutes(journal_->school);
    ao.absence_threshold = o_.absence_threshold;
    return ao;
  }

  /// The audit reports, for staff only: DIR/reports/ is owner-only like private/, and
  /// nothing of site/ names it.
  void reports() {
    const Journal& j = *journal_;
    auto t0 = std::chrono::steady_clock::now();
    ArchiveFigures figures = archive_figures(j, o_.threads);
    SchoolAudit audit = school_audit(*index_, audit_options(), figures, o_.threads);
    mark("reports: figures");
    fs::path dir = fs::path(o_.out) / "reports";
    WriterOptions wo;
    wo.private_files = true;
    Writer w(*folder_, "reports", wo);
    report_repairs(w);
    ReportsResult r = build_reports(j, audit, today_, w, o_.threads);
    WriteStats st = commit(w, "reports");
    out_ << fmt::format(
        "reports{}: {} page{} ({} classes, {} teachers with problems), {} class PDFs and "
        "reports.xlsx in {}/, for staff only; {} problems found: {} written, {} unchanged, {} "
        "deleted; {:.2f} s\n",
        dry(), r.pages, r.pages == 1 ? "" : "s", audit.classes.size(), r.teachers, r.pdfs,
        dir.string(), r.problems, st.written, st.unchanged, st.deleted, seconds_since(t0));
  }
};

}  // namespace

int run_build(const BuildOptions& in, std::ostream& out) { return BuildRun(in, out).run(); }

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
  if (g->delivery != "electronic")
    out << fmt::format(
        "revoked the diary access of {} ({}): access epoch {}. This guardian gets the diary on "
        "paper (delivery: {}) and has no diary address, so no build publishes one; if the "
        "delivery becomes electronic, the address will be a new one.\n",
        g->id, full_name(g->person), epoch, g->delivery);
  else
    out << fmt::format(
        "revoked the diary address of {} ({}): access epoch {}. The next build removes the old "
        "area and publishes a new address (see private/access.csv).\n",
        g->id, full_name(g->person), epoch);
  return 0;
}

}  // namespace jp
