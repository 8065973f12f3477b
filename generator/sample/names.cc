#include "sample/names.h"

#include "sample/data.h"

namespace jp::names {

const std::vector<MaleName>& male() {
  static const auto v = [] {
    std::vector<MaleName> v;
    for (const auto& n : sample_data("names.json").at("male"))
      v.push_back(
          {n.at(0).get<std::string>(), n.at(1).get<std::string>(), n.at(2).get<std::string>()});
    return v;
  }();
  return v;
}

const std::vector<std::string>& female() {
  static const auto v = sample_data("names.json").at("female").get<std::vector<std::string>>();
  return v;
}

const std::vector<std::string>& surnames() {
  static const auto v = sample_data("names.json").at("surnames").get<std::vector<std::string>>();
  return v;
}

namespace {

bool ends_with(const std::string& s, const std::string& t) {
  return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

std::string female_part(const std::string& s) {
  if (ends_with(s, "ский")) return s.substr(0, s.size() - std::string("ий").size()) + "ая";
  if (ends_with(s, "цкий")) return s.substr(0, s.size() - std::string("ий").size()) + "ая";
  if (ends_with(s, "ой")) return s.substr(0, s.size() - std::string("ой").size()) + "ая";
  for (const char* suf : {"ов", "ев", "ёв", "ин", "ын"})
    if (ends_with(s, suf)) return s + "а";
  return s;  // Шевченко, Ким, Белых, Сибиряк, Бруевич: indeclinable for women
}

}  // namespace

std::string female_surname(const std::string& male) {
  std::string out, part;
  for (char c : male) {
    if (c == '-') {
      out += female_part(part) + "-";
      part.clear();
    } else {
      part += c;
    }
  }
  return out + female_part(part);
}

}  // namespace jp::names
