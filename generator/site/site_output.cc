#include "site/site_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <tuple>

#include "core/hash.h"
#include "core/thread_pool.h"
#include "core/wording.h"
#include "figures/new_since.h"
#include "publish/output_folder.h"
#include "site/site.h"
#include "store/sqlite.h"
#include "store/build_state.h"

namespace jp {
namespace {

WriterOptions site_options(const BuildContext& ctx) {
  WriterOptions o;
  o.compare_content = ctx.full;
  return o;
}

WriterOptions private_options() {
  WriterOptions o;
  o.private_files = true;
  return o;
}

/// "New since the last publication": the item set of the publication before the latest
/// change of data, so that a rebuild without changes renders the same pages.
NewSince new_since(Db& db, const Journal& j, Day today, Publication& next) {
  Publication pub = load_publication(db, j.school.id);
  std::vector<uint64_t> keys = item_keys(j);
  std::string digest =
      sha256_hex(std::string_view(reinterpret_cast<const char*>(keys.data()), keys.size() * 8));
  next = pub;
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
  return since;
}

}  // namespace

std::string SiteSettings::mode_text(bool with_feeds) const {
  return std::string("\nmode:") + (encrypted ? "encrypted" : "plain") +
         (with_feeds && feeds ? "+feeds" : "");
}

void SiteOutput::prepare(BuildContext& ctx) {
  // Everything a site depends on, in one digest: if it equals the last build's and every
  // published file is still there, the build has nothing to do (the nightly no-change case).
  std::string epochs_text;
  for (const auto& [g, e] : load_epochs(*ctx.db, s_.school_id))
    epochs_text += g + ":" + std::to_string(e) + ";";
  fingerprint_ = sha256_hex(fmt::format("{}\n{}\n{}\n{}\n{}\n{}", ctx.templates_digest,
                                        ctx.content_digest, format_date(ctx.today), s_.base_url,
                                        sha256_hex(s_.site_key), epochs_text + s_.mode_text()));
}

std::vector<PublishedFolder> SiteOutput::folders() const {
  // access.csv is committed after the pages; the fingerprint is recorded with it, so a
  // build cut between the two is not taken for complete.
  return {{"site", {}}, {"private", private_options()}};
}

void SiteOutput::before_read(BuildContext& ctx) {
  // The site's writer loads the folder's state (~100,000 rows) and checks the disk on a
  // pool thread while the journal is read.
  // (Made here, not through ctx.writer: the context is not shared between threads.)
  if (auto kept = ctx.take_kept("site")) return ctx.keep_writer(std::move(kept));
  OutputFolder* folder = ctx.folder;
  WriterOptions o = site_options(ctx);
  state_ = ctx.pool->submit([folder, o] { return std::make_unique<Writer>(*folder, "site", o); });
}

void SiteOutput::after_read(BuildContext& ctx, const Journal& j) {
  // "New since" (the journal's item keys against the last publication's, ~0.08 s for a
  // large school) while the index is built, on a connection of its own.
  std::string db_path = ctx.db->path();
  Day today = ctx.today;
  since_ = ctx.pool->submit([db_path, &j, today] {
    Db db(db_path, false);
    std::pair<NewSince, Publication> r;
    r.first = new_since(db, j, today, r.second);
    return r;
  });
}

void SiteOutput::settle() {
  if (since_.valid()) since_.wait();
  // A writer render did not take (the build failed first) goes now, while the run still
  // holds the folder's lock: it removes its staging, which a later run may be using.
  if (state_.valid()) try {
      (void)state_.get();
    } catch (...) {  // (its failure is not the build's: the build already failed)
    }
}

void SiteOutput::render(BuildContext& ctx, const DiaryIndex& ix) {
  const Journal& j = ix.journal();
  SiteOptions so;
  so.site_key = s_.site_key;
  so.base_url = s_.base_url;
  if (!so.base_url.empty() && so.base_url.back() != '/') so.base_url += '/';
  so.today = ctx.today;
  so.keep_unchanged = !ctx.full;
  so.encrypted = s_.encrypted, so.feeds = s_.feeds;
  // A dry run renders every page (it measures rendering); a real build skips the pages
  // whose inputs did not change.
  if (!ctx.dry_run) so.inputs_digest = ctx.templates_digest + s_.mode_text(false);
  Publication next;
  NewSince since;
  if (since_.valid())
    std::tie(since, next) = since_.get();
  else
    since = new_since(*ctx.db, j, ctx.today, next);
  std::unique_ptr<Writer> writer =
      state_.valid() ? state_.get() : ctx.writer("site", site_options(ctx));  // (kept by the check)
  Writer& w = *writer;
  ctx.report_repairs(w);
  ctx.mark("build state loaded");
  auto t0 = std::chrono::steady_clock::now();
  SiteResult r = build_site(ix, load_epochs(*ctx.db, j.school.id), since, so, w, *ctx.pool);
  double render_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ctx.mark("rendered and staged");
  // The site and access.csv are two commits; the build counts as complete (and a
  // later run with the same inputs as "up to date") only when both are done.
  std::string day = format_date(ctx.today);
  WriteStats st = w.commit([&](Db& state) { save_build_fingerprint(state, "site", "", day); });
  ctx.mark("committed");
  if (!ctx.dry_run) {
    std::unique_ptr<Writer> access = ctx.writer("private", private_options());
    ctx.report_repairs(*access);
    access->put("access.csv", r.access_csv);
    access->commit(
        [&](Db& state) { save_build_fingerprint(state, "site", fingerprint_, day); });
    // Whether this is saved before or after the files, the next build computes the
    // same pages: "new since" is a function of this record and the journal.
    save_publication(*ctx.db, j.school.id, next);
    ctx.mark("state saved");
  }
  // Committed: its destructor has nothing left to do but free (~0.05 s for a large school).
  if (ctx.exit_after) (void)writer.release();
  *ctx.log << fmt::format(
      "site{}: {} pages rendered in {:.2f} s ({:.0f} pages/s), {} kept (inputs unchanged), {} "
      "files for {} family areas: {} written, {} unchanged, {} deleted; {:.2f} s in all{}\n",
      ctx.dry(), r.pages_rendered, render_s, r.pages_rendered / std::max(render_s, 1e-9),
      r.pages_kept, r.files, r.areas, st.written, st.unchanged, st.deleted, ctx.seconds(),
      s_.encrypted ? fmt::format(" (encrypted mode: {} pages sealed)", r.sealed) : "");
  if (ctx.counts) ctx.counts->push_back({"site", st.written, st.unchanged, st.deleted});
  if (!ctx.dry_run)
    *ctx.log << fmt::format(
        "  {}/site/ is ready to publish; addresses for the access letters: "
        "{}/private/access.csv\n",
        ctx.out, ctx.out);
}

}  // namespace jp
