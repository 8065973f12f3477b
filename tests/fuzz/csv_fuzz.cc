// libFuzzer target: a CSV file of the tabular profile through the import (scripts/fuzz).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jp::fuzz::csv_one(data, size);
  return 0;
}
