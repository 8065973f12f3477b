// Fingerprints of the diary's pages: a hash of everything a page is made from, so that a
// nightly rebuild renders only the pages whose inputs changed (ninja's way; see
// docs/site.md and docs/architecture.md). Every record is hashed once per build, all
// its fields as core/records.h describes them (core/record_hash.h); a page's fingerprint
// combines the hashes of its records with the school-wide inputs (templates, version,
// school, settings, periods, holidays, bells, work types, subjects, teachers, classes,
// events). A pure function of the model: tests/unit/records_test.cc changes every field in
// turn and checks that an incremental build still equals a full one.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "figures/diary.h"

namespace jp {

class ThreadPool;

class PageInputs {
 public:
  /// `global`: what every page depends on beyond the journal (version, templates).
  /// `pool`: the cores to hash the records on (none: this thread).
  PageInputs(const DiaryIndex& ix, const std::string& global, Day today,
             ThreadPool* pool = nullptr);

  /// A student's inputs, gathered once for all their pages.
  struct Student {
    int s = -1;
    uint64_t base = 0;               ///< the student, class today, subjects, weeks, periods
    std::vector<uint64_t> subjects;  ///< per subject: the student's marks and final marks in it
    /// Per week (Monday): the student's marks, attendance and individual homework on its
    /// lessons, gathered in one pass over the student's records.
    std::unordered_map<Day, uint64_t> weeks;
  };
  Student student(int s) const;
  uint64_t week(const Student& st, Day monday, bool current) const;
  uint64_t subject(const Student& st, int subject) const;
  uint64_t results(const Student& st) const;
  uint64_t attendance(const Student& st) const;
  uint64_t notes(const Student& st) const;

  static std::string hex(uint64_t h);

 private:
  const DiaryIndex& ix_;
  const Journal& j_;
  Day today_;
  uint64_t global_ = 0;
  std::vector<uint64_t> lesson_, mark_, attendance_, homework_, final_, remark_;
  std::vector<std::vector<int>> homework_of_;  ///< individual homework by student
};

}  // namespace jp
