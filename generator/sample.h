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
};

int run_sample(const SampleOptions& o, std::ostream& out);

}  // namespace jp
