// Templates compiled once into pieces: a mustache template is rendered a single time
// with a marker in each variable, and split there. Filling the slots is then string
// concatenation, with kainjow's own escaping where the template escapes. This is how
// the diary renders tens of thousands of pages a second from the same templates
// (kainjow's data trees are deep-copied on every set, which costs more than the page).
#pragma once

#include <initializer_list>
#include <span>
#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace jp {

class Skeleton {
 public:
  /// `vars` are the variables to leave as slots; `fixed` holds every other value the
  /// template needs (section switches). A slot's variable may also name a section
  /// ({{#room}}…{{room}}…{{/room}}): its marker opens the section, so a variable is listed
  /// only for a variant where its section is open. Throws on a damaged marker.
  Skeleton(const std::string& template_text, std::vector<std::string> vars,
           const kainjow::mustache::data& fixed = kainjow::mustache::data{});
  /// The stand-in rendered for slot `i`: placed in `fixed` (a list's items), it makes a
  /// slot of a value kainjow finds below the top level. The slot takes the i-th value.
  static std::string marker(size_t i);
  /// Appends the template filled with `values` (in the order of `vars`).
  void fill(std::string& out, std::initializer_list<std::string_view> values) const;
  void fill_all(std::string& out, std::span<const std::string_view> values) const;
  /// Appends the template up to the slot of variable `var` (which the template must use
  /// exactly once) and returns that slot; the caller appends the slot's content itself,
  /// then calls fill_from with the slot. A page is so written into one string, without
  /// its content being built apart and copied into the layout.
  size_t fill_to(std::string& out, std::span<const std::string_view> values, size_t var) const;
  void fill_from(std::string& out, std::span<const std::string_view> values, size_t slot) const;
  std::string operator()(std::initializer_list<std::string_view> values) const {
    std::string s;
    fill(s, values);
    return s;
  }

 private:
  /// Appends slots [from, to) each followed by its piece.
  void fill_slots(std::string& out, const std::string_view* values, size_t from, size_t to) const;
  void check(size_t values) const;
  struct Slot {
    int var;
    bool escape;
  };
  std::vector<std::string> pieces_;  ///< pieces_.size() == slots_.size() + 1
  std::vector<Slot> slots_;
  size_t vars_;
};

}  // namespace jp
