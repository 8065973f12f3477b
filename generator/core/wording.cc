#include "core/wording.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <stdexcept>

#include "core/embedded.h"
#include "core/text.h"

namespace jp {

const Locale& Locale::ru() {
  static const Locale l(std::string(embedded_files().at("locale.ru.json")));
  return l;
}

Locale::Locale(const std::string& json_text)
    : j_(std::make_unique<const nlohmann::json>(nlohmann::json::parse(json_text))) {}

Locale::~Locale() = default;

const nlohmann::json& Locale::at(const std::string& path) const {
  const nlohmann::json* p = j_.get();
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t dot = path.find('.', pos);
    if (dot == std::string::npos) dot = path.size();
    auto it = p->find(path.substr(pos, dot - pos));
    if (it == p->end()) throw std::logic_error("locale.ru.json has no " + path);
    p = &*it;
    pos = dot + 1;
  }
  return *p;
}

std::string Locale::text(const std::string& path) const { return at(path).get<std::string>(); }

std::string Locale::format(const std::string& path,
                           const std::map<std::string, std::string>& args) const {
  std::string s = text(path);
  for (const auto& [k, v] : args) {
    std::string key = "{" + k + "}";
    for (size_t p = s.find(key); p != std::string::npos; p = s.find(key, p + v.size()))
      s.replace(p, key.size(), v);
  }
  return s;
}

std::string Locale::day_month(Day d) const {
  return std::to_string(day_of_month(d)) + " " +
         (*j_)["months_genitive"][month_of(d) - 1].get<std::string>();
}

std::string Locale::date_long(Day d) const {
  return (*j_)["weekdays_short"][weekday(d) - 1].get<std::string>() + ", " + day_month(d);
}

std::string Locale::date_full(Day d) const {
  return day_month(d) + " " + std::to_string(year_of(d));
}

std::string Locale::date_short(Day d) const {
  return fmt::format("{:02}.{:02}.{}", day_of_month(d), month_of(d), year_of(d));
}

std::string Locale::range(Day a, Day b) const {
  if (a == b) return date_full(a);
  if (year_of(a) != year_of(b)) return date_full(a) + " – " + date_full(b);
  if (month_of(a) != month_of(b)) return day_month(a) + " – " + date_full(b);
  return std::to_string(day_of_month(a)) + "–" + date_full(b);
}

std::string Locale::count(long n, const std::string& key) const {
  const auto& forms = at(key);
  return std::to_string(n) + " " +
         std::string(plural(n, forms[0].get_ref<const std::string&>(),
                            forms[1].get_ref<const std::string&>(),
                            forms[2].get_ref<const std::string&>()));
}

std::string Locale::number_words(long n, bool feminine) const {
  if (n < 0 || n > 999999) throw std::logic_error("number_words: out of range");
  const auto& w = (*j_)["number_words"];
  if (n == 0) return w["zero"].get<std::string>();
  auto below_thousand = [&](long x, bool fem) {
    std::string r;
    auto add = [&](const nlohmann::json& word) {
      const std::string& s = word.get_ref<const std::string&>();
      if (s.empty()) return;
      if (!r.empty()) r += ' ';
      r += s;
    };
    add(w["hundreds"][x / 100]);
    long rest = x % 100;
    if (rest >= 10 && rest < 20) {
      add(w["teens"][rest - 10]);
    } else {
      add(w["tens"][rest / 10]);
      add(w[fem ? "units_f" : "units_m"][rest % 10]);
    }
    return r;
  };
  std::string r;
  if (long th = n / 1000) {
    const auto& forms = w["thousands"];
    r = below_thousand(th, true) + " " +
        std::string(plural(th, forms[0].get_ref<const std::string&>(),
                           forms[1].get_ref<const std::string&>(),
                           forms[2].get_ref<const std::string&>()));
  }
  if (long rest = n % 1000) r += (r.empty() ? "" : " ") + below_thousand(rest, feminine);
  return r;
}

std::string Locale::number(double v, int digits, bool fixed) {
  std::string s = fmt::format("{:.{}f}", v, digits);
  if (!fixed && s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  for (auto& c : s)
    if (c == '.') c = ',';
  return s;
}

}  // namespace jp
