#include "archive/archive_output.h"

#include <fmt/format.h>

#include <ctime>
#include <ostream>

#include "archive/archive.h"
#include "core/hash.h"
#include "publish/output_folder.h"
#include "store/model.h"

namespace jp {

namespace {
/// SHA-256 rows: they are the signed manifest's lines of the documents kept.
WriterOptions archive_writer_options() {
  WriterOptions o;
  o.sha256 = true;
  return o;
}
}  // namespace

void ArchiveOutput::prepare(BuildContext& ctx) {
  // The archive is signed (Положение 6.x): load and check the signer before any work.
  if (signer_options_.key.key.empty() || signer_options_.cert.empty())
    throw std::runtime_error(
        "the archive is signed: it needs --sign-key KEY.pem and --sign-cert CERT.pem "
        "(`journalpress keygen` makes a demonstration pair)");
  signer_ = std::make_unique<Signer>(signer_options_);
  for (const auto& w : signer_->warnings()) *ctx.log << w << "\n";
  // Not the build's day: the documents carry the dates of their data, so the folder is up
  // to date on a later day as long as no lesson, final mark or period end came between.
  fingerprint_ = sha256_hex(fmt::format("{}\n{}\n{}\n{}", ctx.templates_digest, ctx.content_digest,
                                        archive_horizon(*ctx.db, ds_, ctx.today),
                                        signer_->identity()));
}

std::vector<PublishedFolder> ArchiveOutput::folders() const {
  return {{"archive/" + archive_year_dir(year_label_), archive_writer_options()}};
}

void ArchiveOutput::render(BuildContext& ctx, const DiaryIndex& ix) {
  auto t0 = std::chrono::steady_clock::now();
  std::string year_dir = archive_year_dir(ix.journal());
  std::string folder = "archive/" + year_dir;
  std::unique_ptr<Writer> w = ctx.writer(folder, archive_writer_options());
  ctx.report_repairs(*w);
  ArchiveOptions ao;
  ao.today = ctx.today, ao.when = std::time(nullptr);
  // A dry run and `--full` render every document; a real build only those whose
  // inputs changed.
  ao.inputs_digest = ctx.templates_digest;
  ao.keep_unchanged = !ctx.dry_run && !ctx.full;
  ArchiveResult r = build_archive(ix, *signer_, ao, *w, *ctx.pool);
  // The fingerprint of the whole folder is saved with its files, in one commit.
  bool same_year = year_dir == archive_year_dir(year_label_);
  WriteStats st = ctx.commit(*w, "archive", [&](Db& state) {
    save_build_fingerprint(state, folder, same_year ? fingerprint_ : "", format_date(ctx.today));
  });
  *ctx.log << fmt::format(
      "archive{}: {} signed PDFs ({} signed now, {} kept as signed before, {} of them not "
      "rendered: inputs unchanged), {} Excel copies, MANIFEST.sha256 and its signature in "
      "{}/archive/{}/: {} written, {} unchanged, {} deleted; {:.2f} s\n",
      ctx.dry(), r.pdfs, r.signed_now, r.kept, r.not_rendered, r.workbooks, ctx.out, year_dir,
      st.written, st.unchanged, st.deleted,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace jp
