// The build's first stage: one dataset read back from the store into the journal
// model, references resolved (by `validate`, which finds nothing on stored data).
#pragma once

#include <string>

#include "core/journal.h"

namespace jp {

struct DatasetRef {
  long long ds = 0;
  std::string school_id, year_label;
};

/// Picks the dataset to build: the one matching `school`/`year` (either may be empty),
/// or the only one. Throws a message listing the candidates when the choice is unclear.
DatasetRef choose_dataset(const std::string& db_path, const std::string& school,
                          const std::string& year);

/// Reads a dataset into the model, with indices resolved.
Journal read_journal(const std::string& db_path, const DatasetRef& ds);

}  // namespace jp
