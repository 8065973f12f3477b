// Templates compiled once into pieces: a mustache template is rendered a single time
// with a marker in each variable, and split there. Filling the slots is then string
// concatenation, with kainjow's own escaping where the template escapes. This is how
// the diary renders tens of thousands of pages a second from the same templates
// (kainjow's data trees are deep-copied on every set, which costs more than the page).
#pragma once

#include <initializer_list>
#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace jp {

class Skeleton {
 public:
  /// `vars` are the variables to leave as slots; `fixed` holds every other value the
  /// template needs (section switches). Throws if a slot's variable is used in a section.
  Skeleton(const std::string& template_text, std::vector<std::string> vars,
           const kainjow::mustache::data& fixed = kainjow::mustache::data{});
  /// Appends the template filled with `values` (in the order of `vars`).
  void fill(std::string& out, std::initializer_list<std::string_view> values) const;
  void fill_all(std::string& out, const std::vector<std::string_view>& values) const;
  std::string operator()(std::initializer_list<std::string_view> values) const {
    std::string s;
    fill(s, values);
    return s;
  }

 private:
  struct Slot {
    int var;
    bool escape;
  };
  std::vector<std::string> pieces_;  ///< pieces_.size() == slots_.size() + 1
  std::vector<Slot> slots_;
  size_t vars_;
};

}  // namespace jp
