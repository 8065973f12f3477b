#include "archive/archive.h"

#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include "archive/archive_inputs.h"
#include "core/files.h"
#include "core/hash.h"
#include "core/thread_pool.h"
#include "figures/summary.h"
#include "print/render_pdf_journal.h"
#include "print/render_pdf_school.h"
#include "print/render_pdf_summary.h"
#include "print/render_xlsx.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

/// Time-stamp requests in flight at once: enough to hide a TSA's round trip, few enough
/// not to flood it.
constexpr unsigned kTimestampRequests = 8;

}  // namespace

std::string archive_year_dir(std::string label) {
  for (auto& c : label)
    if (c == '/') c = '-';
  return label;
}

std::string archive_year_dir(const Journal& j) { return archive_year_dir(j.year.label); }

std::string manifest_text(const std::map<std::string, std::string>& hashes) {
  std::string m;
  for (const auto& [path, hash] : hashes) m += hash + "  " + path + "\n";
  return m;
}

std::vector<ArchiveDocument> archive_documents(const DiaryIndex& ix, const ArchiveFigures& figures,
                                               const ArchiveDates& dates, const SignerInfo* si,
                                               const std::string& global) {
  // The renderers run later, on other threads: they hold pointers to what outlives them.
  const Journal* j = &ix.journal();
  const DiaryIndex* index = &ix;
  const ArchiveInputs inputs(*j, global);
  std::vector<ArchiveDocument> docs;
  // Each document's date is part of its fingerprint: the same data on a later day keeps
  // its date, so the document is kept as signed.
  auto dated = [](const std::string& fp, Day d, bool year_over = false) {
    return sha256_hex(fmt::format("{}\n{}\n{}", fp, format_date(d), year_over ? "over" : ""));
  };
  for (size_t c = 0; c < j->classes.size(); ++c) {
    const std::string& id = j->classes[c].id;
    const std::string fp = inputs.of_class(c);
    const int ci = int(c);
    const Day summary_day = dates.summary[c], journal_day = dates.journal[c];
    const bool over = dates.year_over;
    // Grade 1 is not marked (Положение 3.11): no summary sheet, but a class journal.
    if (j->classes[c].grade != 1) {
      const auto* sheets = &figures.sheets[c];
      const std::string sfp = dated(inputs.of_sheets(c, *sheets), summary_day);
      docs.push_back({id + "~summary.pdf",
                      sfp,
                      [=] { return render_pdf_summary(*j, ci, *sheets, summary_day, si); },
                      {}});
      docs.push_back({id + "~summary.xlsx", sfp, {},
                      [=] { return summary_xlsx(*j, ci, *sheets, summary_day); }});
    }
    docs.push_back({id + "~journal.pdf", dated(fp, journal_day, over),
                    [=] { return render_pdf_journal(*index, ci, journal_day, over, si); },
                    {}});
  }
  const std::string fp = dated(inputs.of_school(), dates.school);
  const auto* school = &figures.school;
  const Day school_day = dates.school;
  docs.push_back({"school-summary.pdf", fp,
                  [=] { return render_pdf_school(*j, *school, school_day, si); }, {}});
  docs.push_back(
      {"school-summary.xlsx", fp, {}, [=] { return school_xlsx(*j, *school, school_day); }});
  return docs;
}

ArchiveResult build_archive(const DiaryIndex& ix, const Signer& signer, const ArchiveOptions& o,
                            Writer& w, ThreadPool& pool) {
  const ArchiveFigures figures = archive_figures(ix.journal(), pool);
  // The signer is part of every fingerprint: a new certificate signs every document again.
  const bool keep = o.keep_unchanged;
  const std::vector<ArchiveDocument> docs =
      archive_documents(ix, figures, archive_dates(ix.journal(), o.today), &signer.info(),
                        fmt::format("{}\n{}", o.inputs_digest, signer.identity()));
  ArchiveResult r;
  std::map<std::string, std::string> hashes;
  std::mutex mu;
  // With a TSA, documents signed now get their time stamps once all are signed, many
  // requests at once (a TSA's answer is network latency, not work for the cores).
  std::vector<std::pair<size_t, std::string>> to_stamp;
  auto offer = [&](size_t t, std::string bytes, bool kept) {
    const ArchiveDocument& task = docs[t];
    std::string hash = sha256_hex(bytes);
    w.put_many({task.name}, bytes, task.fingerprint);
    std::lock_guard<std::mutex> lock(mu);
    hashes[task.name] = hash;
    if (task.pdf) {
      ++r.pdfs;
      ++(kept ? r.kept : r.signed_now);
    } else {
      ++r.workbooks;
    }
  };
  pool.for_each(docs.size(), [&](size_t t, unsigned) {
    const ArchiveDocument& task = docs[t];
    // Inputs unchanged and the file on disk as published: neither rendered nor signed.
    // Its manifest line is the SHA-256 its row recorded when it was published (the archive's
    // writer records SHA-256): never one of bytes read back, which the stat check cannot
    // tell from rot. A row without one is rendered (and compared) instead.
    std::string hash = w.published_hash(task.name);
    if (keep && hash.size() == 64 && w.keep({task.name}, task.fingerprint)) {
      std::lock_guard<std::mutex> lock(mu);
      hashes[task.name] = hash;
      ++(task.pdf ? r.pdfs : r.workbooks);
      if (task.pdf) ++r.kept, ++r.not_rendered;
      return;
    }
    if (!task.pdf) return offer(t, task.workbook(), false);
    ArchivePdf doc = task.pdf();
    std::string existing = w.published_bytes(task.name);
    // A document already signed with the same content is kept: signing it again
    // would change it (the signing time) and make every copy of the archive stale.
    if (!existing.empty() && is_signed_copy(existing, doc.bytes, signer))
      return offer(t, std::move(existing), true);
    std::string bytes = sign_pdf(doc.bytes, signer, o.when, doc.stamp_rect, false);
    if (!signer.timestamps()) return offer(t, std::move(bytes), false);
    std::lock_guard<std::mutex> lock(mu);
    to_stamp.emplace_back(t, std::move(bytes));
  });
  // The one set of threads beside the build's pool: they wait for the network, not for
  // the cores, and only when there is a TSA.
  if (!to_stamp.empty()) {
    ThreadPool requests(unsigned(std::min<size_t>(to_stamp.size(), kTimestampRequests)));
    requests.for_each(to_stamp.size(), [&](size_t i, unsigned) {
      offer(to_stamp[i].first, timestamp_pdf(std::move(to_stamp[i].second), signer), false);
    });
  }

  // The manifest covers every file of the folder; its detached signature covers the
  // manifest (and is kept when the manifest did not change, like the documents).
  std::string manifest = manifest_text(hashes);
  w.put("MANIFEST.sha256", manifest);
  std::string p7s = w.published_bytes("MANIFEST.sha256.p7s");
  if (p7s.empty() || !is_signature_of(p7s, manifest, signer)) p7s = signer.sign(manifest, o.when);
  w.put("MANIFEST.sha256.p7s", p7s);
  return r;
}

}  // namespace jp
