#include "paper/letters.h"

#include <fmt/format.h>

#include <map>
#include <ostream>
#include <set>

#include "core/hash.h"
#include "figures/audience.h"
#include "core/thread_pool.h"
#include "figures/diary.h"
#include "publish/output_folder.h"
#include "store/build_state.h"

namespace jp {

std::vector<PublishedFolder> LettersOutput::folders() const {
  // Every family's address: owner-only, like private/access.csv.
  WriterOptions wo;
  wo.private_files = true;
  return {{"letters", wo}};
}

void LettersOutput::prepare(BuildContext& ctx) {
  std::string epochs;
  for (const auto& [g, e] : load_epochs(*ctx.db, s_.school_id)) epochs += fmt::format("{}={};", g, e);
  fixed_ = fmt::format("{}\n{}\n{}\nletters {} {} {}\n{}\n{}\n", ctx.templates_digest,
                       ctx.content_digest, format_date(ctx.today), sha256_hex(s_.site_key),
                       s_.all ? "all" : "due", s_.encrypted ? "encrypted" : "plain", s_.base_url,
                       epochs);
  for (const auto& [g, issued] : load_letters_issued(*ctx.db, s_.school_id))
    issued_[g] = issued.first;
  fingerprint_ = fingerprint_with(issued_);
}

std::string LettersOutput::fingerprint_with(const std::map<std::string, long long>& issued) const {
  // The dates printed are not in it: a letter's date is that of its first printing, which
  // the pair (guardian, epoch) already tells apart.
  std::string s = fixed_;
  for (const auto& [g, e] : issued) s += fmt::format("{}={};", g, e);
  return sha256_hex(s);
}

void LettersOutput::check(BuildContext& ctx, const DiaryIndex& ix) {
  const Journal& j = ix.journal();
  auto areas =
      family_areas(j, load_epochs(*ctx.db, j.school.id), s_.site_key, ctx.today, s_.encrypted);
  current_ = areas.size();
  auto issued = load_letters_issued(*ctx.db, j.school.id);
  std::vector<FamilyArea> due;
  std::map<int, Day> date_of;  // guardian -> the day its address was first printed
  for (const FamilyArea& a : areas) {
    const Guardian& g = j.guardians[size_t(a.guardian)];
    auto it = issued.find(g.id);
    bool printed = it != issued.end() && it->second.first == a.epoch;
    if (printed) date_of[a.guardian] = parse_date(it->second.second).value_or(ctx.today);
    else new_.emplace_back(g.id, a.epoch);
    if (s_.all || !printed) due.push_back(a);
  }
  batches_ = letter_batches(j, due, ctx.today);
  for (auto& b : batches_)
    for (const FamilyArea& a : b.areas)
      b.issued.push_back(date_of.count(a.guardian) ? date_of[a.guardian] : ctx.today);
}

void LettersOutput::render(BuildContext& ctx, const DiaryIndex& ix) {
  const Journal& j = ix.journal();
  std::string base = s_.base_url;
  if (base.back() != '/') base += '/';
  WriterOptions wo = folders()[0].options;
  // Without --all, a run answers only for the classes it prints: the others' files (their
  // letters printed before) are neither rewritten nor deleted.
  std::set<std::string> printed;
  for (const auto& b : batches_) printed.insert(j.classes[size_t(b.class_ix)].id + ".pdf");
  if (!s_.all) wo.in_scope = [&](const std::string& f) { return printed.count(f) > 0; };
  std::unique_ptr<Writer> w = ctx.writer("letters", wo);
  ctx.report_repairs(*w);
  size_t notices = 0;
  for (const auto& b : batches_) notices += b.areas.size();
  ctx.pool->for_each(batches_.size(), [&](size_t i, unsigned) {
    const auto& b = batches_[i];
    w->put(j.classes[size_t(b.class_ix)].id + ".pdf", render_pdf_letters(j, b, base, ctx.today));
  });
  std::map<std::string, long long> after = issued_;
  for (const auto& [g, e] : new_) after[g] = e;
  const std::string fp = fingerprint_with(after);
  WriteStats st = ctx.commit(*w, "letters", [&](Db& state) {
    save_build_fingerprint(state, "letters", ctx.dry_run ? "" : fp, format_date(ctx.today));
  });
  if (!ctx.dry_run && !new_.empty())
    save_letters_issued(*ctx.db, j.school.id, new_, format_date(ctx.today));
  *ctx.log << fmt::format(
      "letters{}: {} notices to electronic guardians ({} of {} addresses {}) in {} class PDFs "
      "in {}/letters/: {} written, {} unchanged, {} deleted\n",
      ctx.dry(), notices, s_.all ? current_ : new_.size(), current_,
      s_.all ? "printed again: --all" : "new or revoked since the last letters; --all prints every one",
      batches_.size(), ctx.out, st.written, st.unchanged, st.deleted);
}

}  // namespace jp
