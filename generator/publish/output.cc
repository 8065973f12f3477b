#include "publish/output.h"

#include <fmt/format.h>

#include <ostream>

#include "publish/output_folder.h"

namespace jp {

double BuildContext::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::unique_ptr<Writer> BuildContext::take_kept(const std::string& output) {
  auto it = kept_.find(output);
  if (it == kept_.end()) return nullptr;
  std::unique_ptr<Writer> w = std::move(it->second);
  kept_.erase(it);
  return w;
}

std::unique_ptr<Writer> BuildContext::writer(const std::string& output,
                                             const WriterOptions& options) {
  if (auto w = take_kept(output)) return w;
  return std::make_unique<Writer>(*folder, output, options);
}

void BuildContext::keep_writer(std::unique_ptr<Writer> w) {
  std::string output = w->output();
  kept_[output] = std::move(w);
}

void BuildContext::report_repairs(const Writer& w) {
  const auto& r = w.repairs();
  if (r.empty()) return;
  *log << fmt::format("{} entr{} on disk not as published (put right by this build):\n", r.size(),
                      r.size() == 1 ? "y" : "ies");
  for (size_t i = 0; i < r.size() && i < 10; ++i) *log << "  " << r[i] << "\n";
  if (r.size() > 10) *log << fmt::format("  ... and {} more\n", r.size() - 10);
}

WriteStats BuildContext::commit(Writer& w, const std::string& output,
                                const std::function<void(Db&)>& in_transaction) {
  WriteStats st = w.commit(in_transaction);
  mark(output);
  if (counts) counts->push_back({output, st.written, st.unchanged, st.deleted});
  return st;
}

bool up_to_date(Output& o, BuildContext& ctx) {
  std::string fp = o.fingerprint();
  std::vector<PublishedFolder> folders = o.folders();
  if (ctx.dry_run || ctx.full || ctx.content_digest.empty() || fp.empty() || folders.empty() ||
      ctx.folder->build_fingerprint(folders[0].name) != fp)
    return false;
  size_t published = 0;
  std::vector<std::unique_ptr<Writer>> opened;
  for (const auto& f : folders) {
    auto w = ctx.writer(f.name, f.options);
    bool clean = w->disk_clean() && (w->published_count() > 0 || o.may_be_empty());
    if (opened.empty()) published = w->published_count();
    opened.push_back(std::move(w));
    if (!clean) {
      // The writers made are used by the build (their state is loaded already).
      for (auto& x : opened) ctx.keep_writer(std::move(x));
      return false;
    }
  }
  *ctx.log << fmt::format(
      "{}: up to date (same {} as the last build, and every file on disk as published): 0 "
      "written, {} unchanged, 0 deleted in {}/{}/; {:.2f} s in all\n",
      o.name(), o.depends_on(), published, ctx.out, folders[0].name, ctx.seconds());
  if (ctx.counts) ctx.counts->push_back({o.name(), 0, published, 0});
  return true;
}

}  // namespace jp
