#include "app/build.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <ostream>
#include <stdexcept>

#include "app/data_dates.h"
#include "archive/archive_output.h"
#include "core/embedded.h"
#include "core/hash.h"
#include "core/keys.h"
#include "core/thread_pool.h"
#include "figures/diary.h"
#include "figures/rules.h"
#include "paper/extracts.h"
#include "paper/letters.h"
#include "print/fonts.h"
#include "publish/output_folder.h"
#include "reports/reports.h"
#include "site/site_output.h"
#include "store/build_state.h"
#include "store/model.h"
#include "store/sqlite.h"

namespace jp {

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
void check_today_in_year(const DatasetFacts& f, Day today) {
  if (f.year_start && f.year_end && (today < f.year_start || today > f.year_end))
    throw std::runtime_error(fmt::format(
        "--today {} is outside the school year {} ({} to {}); --allow-any-date builds for it "
        "anyway",
        format_date(today), f.year_label, format_date(f.year_start), format_date(f.year_end)));
}

namespace {

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
  if (!o.extracts && (!o.week.empty() || !o.classes.empty() || !o.students.empty() || o.a5))
    throw std::runtime_error("--week, --class, --student and --a5 choose extracts: add --extracts");
  if (!o.extracts && !o.letters && o.all)
    throw std::runtime_error(
        "--all chooses every student's extract or every guardian's letter: add --extracts or "
        "--letters");
  if (!o.extracts && !o.reports && (!o.from.empty() || !o.to.empty()))
    throw std::runtime_error(
        "--from and --to choose extracts or reports: add --extracts or --reports");
  if (!o.reports && (!o.period.empty() || in.absence_threshold != 30))
    throw std::runtime_error("--period and --absence-threshold choose reports: add --reports");
  if (o.reports && (!o.from.empty() || !o.to.empty())) parse_date_range(o.from, o.to);
  return o;
}

/// The outputs asked for, in the order they are built, each with its own settings.
std::vector<std::unique_ptr<Output>> requested_outputs(const BuildOptions& o,
                                                       const DatasetRef& ds,
                                                       const DatasetFacts& facts,
                                                       const std::string& site_key) {
  std::vector<std::unique_ptr<Output>> outs;
  const bool encrypted = o.site_mode == "encrypted";
  const bool feeds = o.site_feeds == "on" || (o.site_feeds == "auto" && !encrypted);
  if (o.site)
    outs.push_back(std::make_unique<SiteOutput>(
        SiteSettings{site_key, o.base_url, ds.school_id, encrypted, feeds}));
  if (o.archive) {
    SignerOptions so;
    so.key = {o.sign_key, o.pkcs11_module, o.pin_file, o.sign_engine};
    so.cert = o.sign_cert, so.chain = o.sign_chain;
    so.tsa = o.tsa, so.tsa_ca = o.tsa_ca, so.crls = o.crls, so.ocsps = o.ocsps;
    so.tsa_timeout = o.tsa_timeout;
    outs.push_back(std::make_unique<ArchiveOutput>(so, ds.ds, facts.year_label));
  }
  if (o.extracts) {
    ExtractOptions eo;
    eo.week = o.week, eo.from = o.from, eo.to = o.to;
    eo.classes = o.classes, eo.students = o.students;
    eo.all = o.all, eo.a5 = o.a5;
    outs.push_back(std::make_unique<ExtractsOutput>(eo));
  }
  if (o.letters)
    outs.push_back(
        std::make_unique<LettersOutput>(
            LettersSettings{site_key, o.base_url, ds.school_id, o.all, encrypted}));
  if (o.reports) {
    AuditOptions ao;
    ao.period = o.period, ao.from = o.from, ao.to = o.to;
    ao.absence_threshold = o.absence_threshold;
    outs.push_back(std::make_unique<ReportsOutput>(ao));
  }
  return outs;
}

/// The version and every template the site and the archive are made from, in one digest
/// (the reports' own templates, report.mustache and reports.css, are not theirs).
std::string templates_digest() {
  return std::string(JOURNALPRESS_VERSION) + "\n" + sha256_hex(embedded_text(false));
}

/// One build: prepare every output (keys, signer, options: checked before any work), skip
/// those up to date, read the journal once if any is left, render each.
int build(const BuildOptions& o, std::ostream& out) {
  DatasetRef ds = choose_dataset(o.db, o.school, o.year);
  Db db(o.db, false);
  ensure_build_state(db);
  if ((o.site || o.letters) && o.site_key.empty())
    throw std::runtime_error(
        fmt::format("the {} needs --site-key FILE (made by `journalpress keygen`)",
                    o.site ? "site" : "access letters"));
  std::string site_key = o.site || o.letters ? read_site_key(o.site_key) : "";
  DatasetFacts facts = dataset_facts(db, ds.ds);
  ThreadPool pool(o.threads);

  BuildContext ctx;
  std::string timings;
  auto last = ctx.started;
  ctx.mark = [&](const std::string& what) {
    auto now = std::chrono::steady_clock::now();
    timings += fmt::format("  {:<22} {:6.2f} s\n", what,
                           std::chrono::duration<double>(now - last).count());
    last = now;
  };
  School school_row;
  school_row.timezone = facts.timezone;
  ctx.today = school_today(o.today, school_offset_minutes(school_row));
  if (!o.today.empty() && !o.allow_any_date) check_today_in_year(facts, ctx.today);
  ctx.dry_run = o.dry_run, ctx.full = o.full, ctx.out = o.out;
  ctx.content_digest = facts.content_digest;
  ctx.templates_digest = templates_digest();
  ctx.db = &db, ctx.pool = &pool, ctx.log = &out, ctx.exit_after = o.exit_after;
  if (o.report) ctx.counts = &o.report->outputs;

  auto outputs = requested_outputs(o, ds, facts, site_key);
  for (auto& x : outputs)
    if (x->prepared_first()) x->prepare(ctx);
  for (const std::string& w : build_input_warnings(db, o.db, ds.ds, ctx.today)) {
    out << "warning: " << w << "\n";
    if (o.report) o.report->warnings.push_back(w);
  }
  for (auto& x : outputs)
    if (!x->prepared_first()) x->prepare(ctx);
  OutputFolder folder(o.out, LockOptions{o.wait_seconds, o.command}, o.dry_run, &pool);
  ctx.folder = &folder;
  ctx.mark("output folder opened");

  // Done when up to date; the other outputs still run.
  std::vector<Output*> todo;
  for (auto& x : outputs) {
    if (up_to_date(*x, ctx)) {
      if (o.report && x->name() == "site") o.report->site = true;
      continue;
    }
    todo.push_back(x.get());
  }
  if (!todo.empty()) {
    // The journal and its index (~300 MB of small objects, ~0.3 s to free) are left to
    // the operating system when the process ends right after the build (the command line).
    std::unique_ptr<Journal> journal;
    std::unique_ptr<DiaryIndex> index;
    // What before_read and after_read begin on the pool (a writer loading its state from the
    // output folder, work that reads the journal) ends here, while the folder, its lock and
    // the journal are still there: also when reading the journal or a check fails.
    struct Settle {
      std::vector<Output*>& outputs;
      ~Settle() {
        for (Output* x : outputs) x->settle();
      }
    } settle{todo};
    for (Output* x : todo) x->before_read(ctx);
    journal = std::make_unique<Journal>(read_journal(o.db, ds, &pool));
    ctx.mark("journal read");
    for (Output* x : todo) x->after_read(ctx, *journal);
    index = std::make_unique<DiaryIndex>(*journal, &pool);
    ctx.mark("journal indexed");
    for (Output* x : todo) x->check(ctx, *index);
    // A character no font of the chain has is drawn as a box: said, with its record.
    bool prints = std::any_of(todo.begin(), todo.end(), [](Output* x) { return x->prints(); });
    if (prints)
      for (const auto& w : glyph_warnings(*journal)) out << "warning: " << w << "\n";
    for (Output* x : todo) {
      x->render(ctx, *index);
      if (o.report && x->name() == "site") o.report->site = true;
    }
    if (o.exit_after) (void)index.release(), (void)journal.release();
  }
  if (o.timings) out << "timings:\n" << timings;
  return 0;
}

}  // namespace

int run_build(const BuildOptions& in, std::ostream& out) { return build(resolved(in), out); }

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
