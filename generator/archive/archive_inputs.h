// Fingerprints of the archive's documents: a hash of everything a document is made from,
// as the site's pages have (site/site_inputs), so that a rebuild renders and signs again
// only the documents whose inputs changed (a changed mark: its class's documents and the
// school summary). Records are hashed as core/records.h describes them, so a field added
// to a record is part of every fingerprint that record feeds. A pure function of the
// model: tests/unit/records_test.cc changes every field in turn and checks that no
// document's bytes change while its fingerprint stays.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/journal.h"
#include "figures/summary.h"

namespace jp {

class ArchiveInputs {
 public:
  /// `global`: what every document depends on beyond the journal (the version, the
  /// templates, the build's date printed on each certification sheet, the signer).
  ArchiveInputs(const Journal& j, const std::string& global);

  /// The documents of class `c`: its summary sheets, their Excel copy, its journal. They
  /// show the class's lessons and, for every student ever enrolled in it, the student's
  /// record, marks, attendance, final marks and mark changes (a student who moved shows in
  /// both classes).
  std::string of_class(size_t c) const;
  /// The school summary and its Excel copy: every class's inputs.
  std::string of_school() const;
  /// A class's summary sheets and their Excel copy: only what they show, the sheets'
  /// figures and the names in them, beside what every document depends on. A day's new
  /// marks change the class journal, not a sheet whose period is not over, so the sheet
  /// is neither rendered nor signed again.
  std::string of_sheets(size_t c, const std::vector<SummarySheet>& sheets) const;

 private:
  const Journal& j_;
  uint64_t global_ = 0;
  std::vector<uint64_t> class_;
  uint64_t school_ = 0;
};

}  // namespace jp
