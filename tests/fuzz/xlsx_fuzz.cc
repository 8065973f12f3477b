// libFuzzer target: an .xlsx workbook (zip and XML) through the import (scripts/fuzz).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jp::fuzz::xlsx_one(data, size);
  return 0;
}
