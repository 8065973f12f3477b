// libFuzzer target: markdown to HTML and plain text (scripts/fuzz).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jp::fuzz::markdown_one(data, size);
  return 0;
}
