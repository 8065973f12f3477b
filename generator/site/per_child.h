// A value a build makes once per child for all the families that show the child (two
// guardians, two family areas), from any thread, freed after the last of those families.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace jp {

template <class T>
class PerChild {
 public:
  explicit PerChild(size_t children)
      : uses_(children), slots_(std::make_unique<Slot[]>(children)) {}

  /// Says that these children's family will ask for them. Before any `with`, from one thread.
  void expect(const std::vector<int>& children) {
    for (int c : children) slots_[c].left = ++uses_[c];
  }

  /// Calls use(value) with child `c`'s value, made by make(): once for the families
  /// expect() announced, or for this call alone (a child of one family, or asked for more
  /// often than announced).
  template <class Make, class Use>
  void with(int c, Make make, Use use) const {
    Slot& s = slots_[c];
    if (uses_[c] < 2 || s.claimed.fetch_add(1) >= uses_[c]) {
      const T own = make();
      use(own);
      return;
    }
    std::call_once(s.made, [&] { s.value = make(); });
    use(static_cast<const T&>(s.value));
    // Freed only once every claimant has used it (`left` counts uses done, not begun).
    if (s.left.fetch_sub(1) == 1) T().swap(s.value);
  }

 private:
  struct Slot {
    std::once_flag made;
    T value;
    std::atomic<int> claimed{0};  ///< families that took the value
    std::atomic<int> left{0};     ///< families still to use it
  };
  std::vector<int> uses_;  ///< by child: the families announced
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace jp
