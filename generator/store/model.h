// The build's first stage: one dataset read back from the store into the journal
// model, references resolved (by `validate`, which finds nothing on stored data).
#pragma once

#include <optional>
#include <string>

#include "core/journal.h"

namespace jp {

class ThreadPool;

struct DatasetRef {
  long long ds = 0;
  std::string school_id, year_label;
};

/// Picks the dataset to build: the one matching `school`/`year` (either may be empty),
/// or the only one. Throws a message listing the candidates when the choice is unclear.
DatasetRef choose_dataset(const std::string& db_path, const std::string& school,
                          const std::string& year);

class Db;

/// What a build needs of a dataset before reading it (and whether it must read it at all).
struct DatasetFacts {
  std::string year_label, content_digest, timezone;
  Day year_start = 0, year_end = 0;
};
DatasetFacts dataset_facts(Db& db, long long ds);

/// The dataset's first lesson, and its last on or before `today`.
struct LessonSpan {
  std::optional<Day> first, last_before;
};
LessonSpan lesson_span(Db& db, long long ds, Day today);

/// What of the build's day the archive's dates (figures/summary.h, ArchiveDates) depend on,
/// read without the journal: the last lesson, final mark entry and period end on or before
/// `today`, and whether the year is over. Equal on two days: every document has the same
/// date on both (a cheap key for the archive's up-to-date check; the dates themselves are
/// computed from the journal).
std::string archive_horizon(Db& db, long long ds, Day today);

/// Reads a dataset into the model, with indices resolved; with a pool of two or more
/// threads, the marks on a second connection meanwhile.
Journal read_journal(const std::string& db_path, const DatasetRef& ds, ThreadPool* pool = nullptr);

}  // namespace jp
