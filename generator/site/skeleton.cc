#include "site/skeleton.h"

#include <algorithm>
#include <stdexcept>

namespace jp {

namespace mu = kainjow::mustache;

// A marker survives rendering in a recognisable form either way: `&` becomes `&amp;`
// where the template escapes and stays `&` where it does not ({{{var}}}).
std::string Skeleton::marker(size_t i) {
  if (i >= 26) throw std::logic_error("a skeleton has at most 26 slots");
  return std::string("\x01&") + char('A' + i) + "\x02";
}

Skeleton::Skeleton(const std::string& text, std::vector<std::string> vars, const mu::data& fixed)
    : vars_(vars.size()) {
  if (vars.size() > 26) throw std::logic_error("a skeleton has at most 26 slots");
  mu::mustache t{text};
  if (!t.is_valid()) throw std::logic_error("template: " + t.error_message());
  mu::data d = fixed;
  for (size_t i = 0; i < vars.size(); ++i) d.set(vars[i], marker(i));
  std::string out = t.render(d);
  std::string piece;
  for (size_t p = 0; p < out.size();) {
    if (out[p] == '\x01') {
      bool escaped = out.compare(p + 1, 5, "&amp;") == 0;
      size_t letter = p + (escaped ? 6 : 2);
      if (letter + 1 >= out.size() + 1 || out[letter + 1] != '\x02')
        throw std::logic_error("template slot marker damaged");
      slots_.push_back({out[letter] - 'A', escaped});
      pieces_.push_back(std::move(piece));
      piece.clear();
      p = letter + 2;
    } else {
      piece += out[p++];
    }
  }
  pieces_.push_back(std::move(piece));
}

void Skeleton::fill(std::string& out, std::initializer_list<std::string_view> values) const {
  check(values.size());
  out += pieces_[0];
  fill_slots(out, values.begin(), 0, slots_.size());
}

void Skeleton::check(size_t values) const {
  if (values != vars_) throw std::logic_error("skeleton filled with the wrong number of values");
}

void Skeleton::fill_all(std::string& out, std::span<const std::string_view> values) const {
  check(values.size());
  out += pieces_[0];
  fill_slots(out, values.data(), 0, slots_.size());
}

size_t Skeleton::fill_to(std::string& out, std::span<const std::string_view> values,
                         size_t var) const {
  check(values.size());
  size_t slot = 0;
  while (slot < slots_.size() && size_t(slots_[slot].var) != var) ++slot;
  if (slot == slots_.size() || std::count_if(slots_.begin(), slots_.end(), [&](const Slot& s) {
                                 return size_t(s.var) == var;
                               }) != 1)
    throw std::logic_error("a skeleton split at a variable it does not use exactly once");
  out += pieces_[0];
  fill_slots(out, values.data(), 0, slot);
  return slot;
}

void Skeleton::fill_from(std::string& out, std::span<const std::string_view> values,
                         size_t slot) const {
  check(values.size());
  out += pieces_[slot + 1];
  fill_slots(out, values.data(), slot + 1, slots_.size());
}

void Skeleton::fill_slots(std::string& out, const std::string_view* v, size_t from,
                          size_t to) const {
  for (size_t i = from; i < to; ++i) {
    std::string_view s = v[slots_[i].var];
    if (!slots_[i].escape) {
      out += s;
    } else {
      // The same five characters as kainjow::mustache::html_escape, appended in runs.
      size_t run = 0;
      for (size_t k = 0; k < s.size(); ++k) {
        const char* rep;
        switch (s[k]) {
          case '&':
            rep = "&amp;";
            break;
          case '<':
            rep = "&lt;";
            break;
          case '>':
            rep = "&gt;";
            break;
          case '"':
            rep = "&quot;";
            break;
          case '\'':
            rep = "&apos;";
            break;
          default:
            continue;
        }
        out.append(s.data() + run, k - run);
        out += rep;
        run = k + 1;
      }
      out.append(s.data() + run, s.size() - run);
    }
    out += pieces_[i + 1];
  }
}

}  // namespace jp
