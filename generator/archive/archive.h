// Output 2, the archive of a school year (Положение 6.x): per class the summary sheets of
// final marks and the class journal, per school the summary across classes, Excel copies
// of the summary sheets, every PDF signed, and MANIFEST.sha256 with its detached signature.
// Documents are rendered and signed on all cores; the writer publishes the year folder.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "archive/cms.h"
#include "archive/pdf_sign.h"
#include "core/journal.h"
#include "figures/diary.h"
#include "figures/summary.h"
#include "publish/writer.h"

namespace jp {

class ThreadPool;

struct ArchiveResult {
  size_t pdfs = 0, workbooks = 0, pages = 0;
  size_t signed_now = 0, kept = 0;  ///< PDFs signed by this build / kept signed from the last one
  size_t not_rendered = 0;          ///< of those kept, the ones whose inputs had not changed
};

struct ArchiveOptions {
  Day today = 0;       ///< the build's date, printed on each certification sheet
  long long when = 0;  ///< the signing time (seconds, UTC)
  /// What every document depends on beyond the journal (the version, the templates).
  std::string inputs_digest;
  /// Keeps the documents whose inputs did not change, unrendered; false: every document
  /// is rendered again (a dry run, `build --full`), and its fingerprint recorded.
  bool keep_unchanged = true;
};

/// One document of the year folder: its name, the fingerprint of its inputs
/// (archive/archive_inputs.h), and how it is made.
struct ArchiveDocument {
  std::string name;
  std::string fingerprint;
  std::function<ArchivePdf()> pdf;        ///< a document to sign, or
  std::function<std::string()> workbook;  ///< an Excel copy
};

/// The year folder's name for a year label: `2023/2024` -> `2023-2024`.
std::string archive_year_dir(const Journal& j);
std::string archive_year_dir(std::string label);

/// The year folder's documents, not yet rendered. `global`: what every fingerprint
/// depends on beyond the journal. `figures` and `ix` must outlive the result.
std::vector<ArchiveDocument> archive_documents(const DiaryIndex& ix, const ArchiveFigures& figures,
                                               const ArchiveDates& dates, const SignerInfo* signer,
                                               const std::string& global);

/// Renders, signs and offers the whole year folder to `w` (which manages
/// `<out>/archive/<year>`). A document whose inputs did not change since it was published
/// is kept without being rendered; `published` is that folder: a document rendered again
/// but with the same content as the signed one there is kept too.
ArchiveResult build_archive(const DiaryIndex& ix, const Signer& signer, const ArchiveOptions& o,
                            Writer& w, ThreadPool& pool);

/// The manifest of a folder's files (path -> bytes' SHA-256) in `sha256sum` format.
std::string manifest_text(const std::map<std::string, std::string>& hashes);

}  // namespace jp
