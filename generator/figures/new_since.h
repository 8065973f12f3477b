// "New since the last publication" (product.md, the diary's "Новое" page): each mark,
// final mark and remark has a stable key; the keys of the last publication are kept, and
// an item whose key is not among them is new.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/journal.h"

namespace jp {

/// What was published before, for "new since the last publication".
struct NewSince {
  bool first = true;  ///< no earlier publication
  std::string since;  ///< when the earlier publication was made (school date, Russian)

  /// The item keys of the earlier publication (any order).
  void set_known(std::vector<uint64_t> keys);
  bool is_known(uint64_t key) const;

 private:
  /// Sorted, with where each value of the top 16 bits starts: the keys are hashes, spread
  /// evenly, so a lookup searches ~4 keys instead of all ~250,000 (a binary search over
  /// all of them was a tenth of a nightly rebuild's rendering; a hash set costs more to
  /// build each night than all the lookups).
  std::vector<uint64_t> known_;
  std::vector<uint32_t> start_;
};

/// Stable 64-bit keys of the items "new since" compares: a mark (id and value), a
/// final mark (student, subject, period, value), a remark (id and text).
uint64_t item_key(const Mark& m);
uint64_t item_key(const FinalMark& f);
uint64_t item_key(const Remark& r);
/// The keys of every such item of the journal, to remember after a publication.
std::vector<uint64_t> item_keys(const Journal& j);

}  // namespace jp
