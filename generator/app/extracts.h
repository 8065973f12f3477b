// Output 3: which extracts to print. The period (an ISO week, a date range, or by default
// the last complete school week before today), the students (by default those with a
// guardian who takes the paper delivery; `--all` everyone; `--class`, `--student` narrow
// or pick), grouped by class. Then renders a PDF per class on all cores into
// `extracts/<week or range>/`.
#pragma once

#include <string>
#include <vector>

#include "figures/diary.h"
#include "print/render_pdf_extract.h"
#include "publish/writer.h"

namespace jp {

struct ExtractOptions {
  std::string week, from, to;  ///< `2024-W12`, or `YYYY-MM-DD` both
  std::vector<std::string> classes, students;
  bool all = false, a5 = false;
};

struct ExtractPeriod {
  Day from = 0, to = 0;
  std::string folder;  ///< `2024-W12` or `2024-03-01_2024-03-15`
};

/// The period asked for; throws naming the option and what was expected. The default
/// week: the last one whose Saturday is before `today` (on a Sunday, the week just ended).
ExtractPeriod extract_period(const ExtractOptions& o, Day today);

/// The students to print, by class (the class they were in at the end of their time in
/// the period), classes in the journal's order, students alphabetically; a student asked
/// for with `--student` gets a file of their own (`<class>~<student>.pdf`) so that the
/// class's file is not replaced. Throws for an unknown class or student id.
std::vector<ExtractBatch> extract_batches(const Journal& j, const ExtractPeriod& p,
                                          const ExtractOptions& o);

struct ExtractsResult {
  size_t classes = 0, students = 0;
};
/// The files of the period's folder a run with these options may replace or delete: the
/// class files in scope, or only the asked-for students' files (a narrower request never
/// deletes the class files of the default run).
bool extract_file_in_scope(const Journal& j, const ExtractOptions& o,
                           const std::vector<ExtractBatch>& batches, const std::string& file);

/// Renders every batch (a PDF per class, `<class>.pdf`) into the writer.
ExtractsResult build_extracts(const DiaryIndex& ix, const std::vector<ExtractBatch>& batches,
                              Day today, Writer& w, unsigned threads);

}  // namespace jp
