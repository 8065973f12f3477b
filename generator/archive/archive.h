// Output 2, the archive of a school year (Положение 6.x): per class the summary sheets of
// final marks and the class journal, per school the summary across classes, Excel copies
// of the summary sheets, every PDF signed, and MANIFEST.sha256 with its detached signature.
// Documents are rendered and signed on all cores; the writer publishes the year folder.
#pragma once

#include <filesystem>
#include <string>

#include "archive/cms.h"
#include "archive/pdf_sign.h"
#include "core/journal.h"
#include "figures/diary.h"
#include "publish/writer.h"

namespace jp {

struct ArchiveResult {
  size_t pdfs = 0, workbooks = 0, pages = 0;
  size_t signed_now = 0, kept = 0;  ///< PDFs signed by this build / kept signed from the last one
};

/// The year folder's name for a year label: `2023/2024` -> `2023-2024`.
std::string archive_year_dir(const Journal& j);

/// Renders, signs and offers the whole year folder to `w` (which manages
/// `<out>/archive/<year>`). `published` is that folder: an already signed document whose
/// content did not change is kept as it is. `when`: the signing time (seconds, UTC).
ArchiveResult build_archive(const DiaryIndex& ix, Day today, const Signer& signer, long long when,
                            const std::filesystem::path& published, Writer& w, unsigned threads);

/// The manifest of a folder's files (path -> bytes' SHA-256) in `sha256sum` format.
std::string manifest_text(const std::map<std::string, std::string>& hashes);

}  // namespace jp
