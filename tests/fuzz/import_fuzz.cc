// libFuzzer target: the importer on one journalpress/1 file (scripts/fuzz).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jp::fuzz::import_one(data, size);
  return 0;
}
