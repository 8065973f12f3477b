// Every user-visible Russian string lives in templates/ (locale.ru.json or a template), so
// that wording is changed in one place and reviewed by people who do not read C++. This
// test reads the C++ sources of generator/ (except sample/, the synthetic journal, whose
// data is Russian by nature) and fails on a string or character literal holding Cyrillic,
// written as UTF-8 or as escapes; comments may be in Russian.
#include <catch2/catch.hpp>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "helpers.h"

using jp::test::slurp;
namespace fs = std::filesystem;

namespace {

struct Literal {
  int line = 0;
  std::string source;  ///< as written, cut short
};

void put_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | cp >> 6), out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | cp >> 12), out += char(0x80 | (cp >> 6 & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | cp >> 18), out += char(0x80 | (cp >> 12 & 0x3F));
    out += char(0x80 | (cp >> 6 & 0x3F)), out += char(0x80 | (cp & 0x3F));
  }
}

/// U+0400..U+04FF encoded in UTF-8: a lead byte D0..D3 and a continuation byte.
bool has_cyrillic(const std::string& bytes) {
  for (size_t i = 0; i + 1 < bytes.size(); ++i) {
    auto a = static_cast<unsigned char>(bytes[i]), b = static_cast<unsigned char>(bytes[i + 1]);
    if (a >= 0xD0 && a <= 0xD3 && (b & 0xC0) == 0x80) return true;
  }
  return false;
}

/// A scanner just good enough to tell literals from comments: comments, string and
/// character literals (with their prefixes), raw strings, and numbers with digit
/// separators (`1'000`, which is not a character literal).
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  std::vector<Literal> cyrillic() {
    while (i_ < s_.size()) step();
    return found_;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1;
  std::vector<Literal> found_;
  static constexpr size_t npos = std::string_view::npos;

  char at(size_t k) const { return k < s_.size() ? s_[k] : '\0'; }
  static bool word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  void advance() {
    if (s_[i_] == '\n') ++line_;
    ++i_;
  }

  void step() {
    char c = s_[i_];
    if (c == '/' && at(i_ + 1) == '/') {
      while (i_ < s_.size() && s_[i_] != '\n') ++i_;
    } else if (c == '/' && at(i_ + 1) == '*') {
      i_ += 2;
      while (i_ < s_.size() && !(s_[i_] == '*' && at(i_ + 1) == '/')) advance();
      i_ += 2;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      number();
    } else if (word(c)) {
      size_t from = i_;
      while (i_ < s_.size() && word(s_[i_])) ++i_;
      std::string_view id = s_.substr(from, i_ - from);
      bool raw = id == "R" || id == "u8R" || id == "uR" || id == "UR" || id == "LR";
      bool prefix = id == "u8" || id == "u" || id == "U" || id == "L";
      if (raw && at(i_) == '"') raw_string(from);
      if (prefix && (at(i_) == '"' || at(i_) == '\'')) quoted(from);
    } else if (c == '"' || c == '\'') {
      quoted(i_);
    } else {
      advance();
    }
  }

  void number() {
    while (i_ < s_.size()) {
      char d = s_[i_];
      if (word(d) || d == '.' || (d == '\'' && word(at(i_ + 1))) ||
          ((d == '+' || d == '-') && std::string_view("eEpP").find(s_[i_ - 1]) != npos))
        ++i_;
      else
        break;
    }
  }

  void report(size_t from, int line, const std::string& bytes) {
    if (!has_cyrillic(bytes)) return;
    std::string_view src = s_.substr(from, std::min<size_t>(i_ - from, 80));
    found_.push_back({line, std::string(src.substr(0, src.find('\n')))});
  }

  void raw_string(size_t from) {
    int line = line_;
    size_t open = s_.find('(', i_);
    if (open == std::string_view::npos) return void(i_ = s_.size());
    std::string close = ")" + std::string(s_.substr(i_ + 1, open - i_ - 1)) + "\"";
    size_t end = s_.find(close, open);
    if (end == std::string_view::npos) end = s_.size();
    std::string body(s_.substr(open + 1, end - open - 1));
    while (i_ < std::min(s_.size(), end + close.size())) advance();
    report(from, line, body);
  }

  /// An ordinary string or character literal from `from` (its prefix), escapes decoded.
  void quoted(size_t from) {
    int line = line_;
    char quote = s_[i_++];
    std::string bytes;
    while (i_ < s_.size() && s_[i_] != quote && s_[i_] != '\n') {
      if (s_[i_] != '\\') {
        bytes += s_[i_++];
        continue;
      }
      ++i_;
      char e = at(i_);
      if (e == 'x' || e == 'u' || e == 'U') {
        size_t max = e == 'x' ? 8 : e == 'u' ? 4 : 8, n = 0;
        unsigned long v = 0;
        for (++i_; n < max && std::isxdigit(static_cast<unsigned char>(at(i_))); ++n, ++i_)
          v = v * 16 + std::stoul(std::string(1, s_[i_]), nullptr, 16);
        if (e == 'x' && v < 0x100)
          bytes += char(v);  // one byte of a UTF-8 sequence, as "\xd0\x90"
        else
          put_utf8(bytes, v);
      } else if (e >= '0' && e <= '7') {
        unsigned v = 0;
        for (int n = 0; n < 3 && at(i_) >= '0' && at(i_) <= '7'; ++n, ++i_)
          v = v * 8 + (s_[i_] - '0');
        bytes += char(v & 0xFF);
      } else if (i_ < s_.size()) {
        advance();  // \n, \", \\, a line continuation...
        bytes += ' ';
      }
    }
    if (i_ < s_.size() && s_[i_] == quote) ++i_;
    report(from, line, bytes);
  }
};

std::vector<Literal> cyrillic_literals(const fs::path& file) {
  return Scanner(slurp(file)).cyrillic();
}

}  // namespace

TEST_CASE("cyrillic literals: none in generator/ outside sample/ (wording is in templates/)",
          "[cyrillic]") {
  fs::path root = fs::path(JP_SOURCE_DIR) / "generator";
  std::string found;
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    fs::path rel = fs::relative(e.path(), root);
    if (!e.is_regular_file() || *rel.begin() == "sample") continue;
    if (rel.extension() != ".cc" && rel.extension() != ".h") continue;
    ++files;
    for (const auto& l : cyrillic_literals(e.path()))
      found += rel.string() + ":" + std::to_string(l.line) + ": " + l.source + "\n";
  }
  CHECK(files > 50);
  INFO("move these to templates/locale.ru.json (Locale::ru().text) or a template");
  CHECK(found == "");
}

TEST_CASE("cyrillic literals: the fixture's bad lines are caught, its comments are not",
          "[cyrillic]") {
  // tests/cyrillic/fixture.cc marks each line where a literal with Cyrillic starts with
  // `/*!*/`; every other line (comments, digit separators, quotes in comments) is fine.
  fs::path fixture = fs::path(JP_SOURCE_DIR) / "tests/cyrillic/fixture.cc";
  std::string text = slurp(fixture);
  REQUIRE(!text.empty());
  std::vector<int> marked, caught;
  int line = 1;
  for (size_t p = 0; p < text.size(); p = text.find('\n', p) + 1, ++line) {
    if (text.compare(p, 5, "/*!*/") == 0) marked.push_back(line);
    if (text.find('\n', p) == std::string::npos) break;
  }
  for (const auto& l : cyrillic_literals(fixture)) caught.push_back(l.line);
  CHECK(marked.size() >= 10);
  CHECK(caught == marked);
}
