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
#include "publish/output.h"
#include "publish/writer.h"

namespace jp {

class ThreadPool;

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
  size_t kept = 0;  ///< files not rendered: their inputs had not changed
};

/// Everything an extract file shows, in one digest (as the archive's documents have):
/// `global` (the version and templates), the school-wide tables, the period and the file,
/// and for each of its students the student, the lessons they had up to the period's end
/// with their marks, attendance and individual homework (the reporting period's average to
/// date is made of those), their remarks and events. A finished week's extract keeps its
/// fingerprint, and is neither rendered nor written again, while none of these changes.
std::string extract_fingerprint(const DiaryIndex& ix, const ExtractBatch& b,
                                const std::string& global);
/// The files of the period's folder a run with these options may replace or delete: the
/// class files in scope, or only the asked-for students' files (a narrower request never
/// deletes the class files of the default run).
bool extract_file_in_scope(const Journal& j, const ExtractOptions& o,
                           const std::vector<ExtractBatch>& batches, const std::string& file);

/// Renders every batch (a PDF per class, `<class>.pdf`) into the writer. With a `global`
/// digest, a file whose fingerprint is the one it was published with, and which is on disk
/// as published, is kept without rendering (empty: every file is rendered).
/// Each file is dated by its period's end (or `today`, if earlier), never the build's day.
ExtractsResult build_extracts(const DiaryIndex& ix, const std::vector<ExtractBatch>& batches,
                              Day today, Writer& w, ThreadPool& pool,
                              const std::string& global = "");

/// Output 3 as an `Output` (publish/output.h): the period's folder of extracts.
class ExtractsOutput : public Output {
 public:
  explicit ExtractsOutput(ExtractOptions o) : o_(std::move(o)) {}
  std::string name() const override { return "extracts"; }
  /// The period, from the options and the build's today (throws for a malformed one).
  void prepare(BuildContext& ctx) override;
  std::vector<PublishedFolder> folders() const override;
  /// The version and templates, the journal, the day, the period and the options: a run
  /// with nothing new reads no journal (each file's own fingerprint still keeps a finished
  /// week's files when the day moves on).
  std::string fingerprint() const override { return fingerprint_; }
  std::string depends_on() const override { return "journal, date, period, options and templates"; }
  bool may_be_empty() const override { return true; }  // a week without a paper delivery
  void render(BuildContext& ctx, const DiaryIndex& ix) override;

 private:
  ExtractOptions o_;
  ExtractPeriod period_;
  std::string fingerprint_;
};

}  // namespace jp
