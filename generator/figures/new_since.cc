#include "figures/new_since.h"

#include <algorithm>
#include <string_view>

namespace jp {
namespace {

uint64_t fnv(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

uint64_t item_key(const Mark& m) { return fnv(m.value, fnv(m.id, 1)); }
uint64_t item_key(const FinalMark& f) {
  return fnv(f.value, fnv(f.period, fnv(f.subject, fnv(f.student, 2))));
}
uint64_t item_key(const Remark& r) { return fnv(r.text, fnv(r.id, 3)); }

void NewSince::set_known(std::vector<uint64_t> keys) {
  known_ = std::move(keys);
  if (!std::is_sorted(known_.begin(), known_.end())) std::sort(known_.begin(), known_.end());
  start_.assign((size_t(1) << 16) + 1, 0);
  size_t i = 0;
  for (size_t b = 0; b < (size_t(1) << 16); ++b) {
    start_[b] = uint32_t(i);
    while (i < known_.size() && (known_[i] >> 48) == b) ++i;
  }
  start_.back() = uint32_t(known_.size());
}

bool NewSince::is_known(uint64_t key) const {
  if (known_.empty()) return false;
  size_t b = key >> 48;
  return std::binary_search(known_.begin() + start_[b], known_.begin() + start_[b + 1], key);
}

std::vector<uint64_t> item_keys(const Journal& j) {
  std::vector<uint64_t> k;
  k.reserve(j.marks.size() + j.final_marks.size() + j.remarks.size());
  for (const auto& m : j.marks) k.push_back(item_key(m));
  for (const auto& f : j.final_marks) k.push_back(item_key(f));
  for (const auto& r : j.remarks) k.push_back(item_key(r));
  std::sort(k.begin(), k.end());
  k.erase(std::unique(k.begin(), k.end()), k.end());
  return k;
}

}  // namespace jp
