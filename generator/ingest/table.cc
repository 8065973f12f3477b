#include "ingest/table.h"

namespace jp {

std::string column_letters(size_t col) {
  std::string s;
  for (size_t n = col + 1; n > 0; n = (n - 1) / 26) s.insert(s.begin(), char('A' + (n - 1) % 26));
  return s;
}

std::string cell_ref(const Table& t, size_t col, uint32_t row) {
  std::string ref = column_letters(col) + std::to_string(row);
  return t.sheet.empty() ? ref : t.sheet + "!" + ref;
}

bool parse_cell_ref(const std::string& ref, size_t& col, uint32_t& row) {
  size_t i = 0, c = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 3) c = c * 26 + size_t(ref[i++] - 'A' + 1);
  if (i == 0 || i == ref.size()) return false;
  uint64_t r = 0;
  for (size_t k = i; k < ref.size(); ++k) {
    if (ref[k] < '0' || ref[k] > '9' || k - i >= 7) return false;
    r = r * 10 + uint64_t(ref[k] - '0');
  }
  if (r == 0) return false;
  col = c - 1;
  row = uint32_t(r);
  return true;
}

}  // namespace jp
