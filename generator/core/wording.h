// Russian wording for generated documents, from templates/locale.ru.json: dates
// (`пн, 12 февраля`), week ranges, plural forms, labels. Every user-visible string of
// the C++ code comes from here or from the templates.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "core/dates.h"

namespace jp {

class Locale {
 public:
  /// The embedded Russian locale.
  static const Locale& ru();
  explicit Locale(const std::string& json_text);
  ~Locale();
  Locale(const Locale&) = delete;
  Locale& operator=(const Locale&) = delete;

  /// A string by dotted path, e.g. `nav.week`.
  std::string text(const std::string& path) const;
  /// `{name}` placeholders replaced from `args`.
  std::string format(const std::string& path, const std::map<std::string, std::string>& args) const;

  std::string day_month(Day d) const;   ///< 12 февраля
  std::string date_long(Day d) const;   ///< пн, 12 февраля
  std::string date_full(Day d) const;   ///< 12 февраля 2024
  std::string date_short(Day d) const;  ///< 12.02.2024
  /// 12–18 февраля 2024; 29 января – 4 февраля 2024; 30 декабря 2024 – 5 января 2025
  std::string range(Day from, Day to) const;
  /// `5 пропущенных уроков`: the number and the form of `key` (an array of three forms).
  std::string count(long n, const std::string& key) const;
  /// A number in Russian words, 0 to 999 999: `сорок два`; `feminine` for feminine nouns
  /// (`одна тысяча`, `две страницы`). For the certification sheet of a bound archive:
  /// "Пронумеровано ... 42 (сорок два) листа".
  std::string number_words(long n, bool feminine = false) const;
  /// 4,33 (Russian decimal comma; at most `digits` decimals, trailing zeros dropped unless fixed).
  static std::string number(double v, int digits, bool fixed);

 private:
  /// The parsed file, behind a pointer: the json header (~1 s of compile time per file)
  /// stays in the files that read or write JSON.
  std::unique_ptr<const nlohmann::json> j_;
  const nlohmann::json& at(const std::string& path) const;
};

}  // namespace jp
