#include "archive/archive.h"

#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include "core/files.h"
#include "core/hash.h"
#include "core/parallel.h"
#include "figures/summary.h"
#include "print/render_pdf_journal.h"
#include "print/render_pdf_school.h"
#include "print/render_pdf_summary.h"
#include "print/render_xlsx.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

std::string read_if_exists(const fs::path& p) {
  return read_file_if_exists(p.string()).value_or("");
}

/// Time-stamp requests in flight at once: enough to hide a TSA's round trip, few enough
/// not to flood it.
constexpr unsigned kTimestampRequests = 8;

struct Task {
  std::string name;
  std::function<ArchivePdf()> pdf;        ///< a document to sign, or
  std::function<std::string()> workbook;  ///< an Excel copy
};

}  // namespace

std::string archive_year_dir(const Journal& j) {
  std::string d = j.year.label;
  for (auto& c : d)
    if (c == '/') c = '-';
  return d;
}

std::string manifest_text(const std::map<std::string, std::string>& hashes) {
  std::string m;
  for (const auto& [path, hash] : hashes) m += hash + "  " + path + "\n";
  return m;
}

ArchiveResult build_archive(const DiaryIndex& ix, Day today, const Signer& signer, long long when,
                            const fs::path& published, Writer& w, unsigned threads) {
  const Journal& j = ix.journal();
  const SignerInfo* si = &signer.info();
  const ArchiveFigures figures = archive_figures(j, threads);
  std::vector<Task> tasks;
  for (size_t c = 0; c < j.classes.size(); ++c) {
    const std::string& id = j.classes[c].id;
    int ci = int(c);
    // Grade 1 is not marked (Положение 3.11): no summary sheet, but a class journal.
    if (j.classes[c].grade != 1) {
      const auto& sheets = figures.sheets[c];
      tasks.push_back({id + "~summary.pdf",
                       [&, ci] { return render_pdf_summary(j, ci, sheets, today, si); },
                       {}});
      tasks.push_back(
          {id + "~summary.xlsx", {}, [&, ci] { return summary_xlsx(j, ci, sheets, today); }});
    }
    tasks.push_back(
        {id + "~journal.pdf", [&, ci] { return render_pdf_journal(ix, ci, today, si); }, {}});
  }
  tasks.push_back(
      {"school-summary.pdf", [&] { return render_pdf_school(j, figures.school, today, si); }, {}});
  tasks.push_back(
      {"school-summary.xlsx", {}, [&] { return school_xlsx(j, figures.school, today); }});

  ArchiveResult r;
  std::map<std::string, std::string> hashes;
  std::mutex mu;
  // With a TSA, documents signed now get their time stamps once all are signed, many
  // requests at once (a TSA's answer is network latency, not work for the cores).
  std::vector<std::pair<size_t, std::string>> to_stamp;
  auto offer = [&](size_t t, std::string bytes, bool kept) {
    const Task& task = tasks[t];
    std::string hash = sha256_hex(bytes);
    w.put(task.name, bytes);
    std::lock_guard<std::mutex> lock(mu);
    hashes[task.name] = hash;
    if (task.pdf) {
      ++r.pdfs;
      ++(kept ? r.kept : r.signed_now);
    } else {
      ++r.workbooks;
    }
  };
  parallel_for(tasks.size(), threads, [&](size_t t) {
    const Task& task = tasks[t];
    if (!task.pdf) return offer(t, task.workbook(), false);
    ArchivePdf doc = task.pdf();
    std::string existing = read_if_exists(published / task.name);
    // A document already signed with the same content is kept: signing it again
    // would change it (the signing time) and make every copy of the archive stale.
    if (!existing.empty() && is_signed_copy(existing, doc.bytes, signer))
      return offer(t, std::move(existing), true);
    std::string bytes = sign_pdf(doc.bytes, signer, when, doc.stamp_rect, false);
    if (!signer.timestamps()) return offer(t, std::move(bytes), false);
    std::lock_guard<std::mutex> lock(mu);
    to_stamp.emplace_back(t, std::move(bytes));
  });
  parallel_for(to_stamp.size(), kTimestampRequests, [&](size_t i) {
    offer(to_stamp[i].first, timestamp_pdf(std::move(to_stamp[i].second), signer), false);
  });

  // The manifest covers every file of the folder; its detached signature covers the
  // manifest (and is kept when the manifest did not change, like the documents).
  std::string manifest = manifest_text(hashes);
  w.put("MANIFEST.sha256", manifest);
  std::string p7s = read_if_exists(published / "MANIFEST.sha256.p7s");
  if (p7s.empty() || !is_signature_of(p7s, manifest, signer)) p7s = signer.sign(manifest, when);
  w.put("MANIFEST.sha256.p7s", p7s);
  return r;
}

}  // namespace jp
