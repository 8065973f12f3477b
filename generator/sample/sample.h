// `journalpress sample`: a deterministic, realistic synthetic journal (2023/2024),
// used for data/, the tests and the benchmarks.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace jp {

struct SampleOptions {
  std::string out;
  int students = 120;
  uint64_t seed = 1;
  /// Cut the year after this date (YYYY-MM-DD): lessons, marks, attendance and final marks
  /// up to it only, everything else the same. Two cuts a day apart model "one more
  /// school day" for the nightly-rebuild benchmark.
  std::string until;
};

int run_sample(const SampleOptions& o, std::ostream& out);

}  // namespace jp
