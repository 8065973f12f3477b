#include "core/text.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "core/journal.h"

using namespace jp;

TEST_CASE("text is composed to NFC, all of Unicode") {
  CHECK(nfc("Ковале\xcc\x88в") == "Ковалёв");
  CHECK(nfc("Е\xcc\x88жиков") == "Ёжиков");
  CHECK(nfc("Андреи\xcc\x86") == "Андрей");
  CHECK(nfc("Соловьёв") == "Соловьёв");
  CHECK(nfc("Zoe\xcc\x88") == "Zo\xc3\xab");                   // Zoë: U+00EB
  CHECK(nfc("\xd3\x98\xcc\x88") == "\xd3\x9a");                // Ә + ◌̈ = Ӛ (U+04DA)
  CHECK(nfc("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab") == "한");  // Hangul jamo
  CHECK(nfc("\xef\xa8\x80") == "\xe5\x88\x87");                // U+FA00 is U+5207 in NFC
  CHECK(nfc("q\xcc\x88") == "q\xcc\x88");                      // no precomposed q̈: the mark stays
}

TEST_CASE("zero-width characters are dropped, the first one said") {
  std::string s = "Али\xe2\x80\x8b\xd0\xb5\xd0\xb2\xe2\x80\x8d";  // ZWSP, ZWJ
  char32_t first = 0;
  CHECK(drop_zero_width(s, &first) == 2);
  CHECK(s == "Алиев");
  CHECK(first == 0x200B);
  std::string plain = "Zoë";
  CHECK(drop_zero_width(plain) == 0);
  CHECK(plain == "Zoë");
}

TEST_CASE("Russian alphabetical order puts ё right after е") {
  std::vector<std::string> names{"Ёжиков",  "Жуков",   "Егоров", "Ежов",
                                 "абрамов", "Яковлев", "Белых"};
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return collation_key(a) < collation_key(b);
  });
  CHECK(names == std::vector<std::string>{"абрамов", "Белых", "Егоров", "Ежов", "Ёжиков", "Жуков",
                                          "Яковлев"});
  // A shorter name sorts before its extensions; the space separates surname and first name.
  CHECK(collation_key("Иванов Пётр") < collation_key("Иванова Анна"));
}

TEST_CASE("plural forms") {
  auto p = [](long n) { return std::string(plural(n, "пропуск", "пропуска", "пропусков")); };
  CHECK(p(1) == "пропуск");
  CHECK(p(2) == "пропуска");
  CHECK(p(5) == "пропусков");
  CHECK(p(11) == "пропусков");
  CHECK(p(12) == "пропусков");
  CHECK(p(21) == "пропуск");
  CHECK(p(22) == "пропуска");
  CHECK(p(111) == "пропусков");
  CHECK(p(0) == "пропусков");
}

TEST_CASE("names in full and short") {
  Person p{"Иванова", "Алёна", "Сергеевна"};
  CHECK(full_name(p) == "Иванова Алёна Сергеевна");
  CHECK(short_name(p) == "Иванова А. С.");
  CHECK(short_name(Person{"Ким", "Ева", ""}) == "Ким Е.");
}

TEST_CASE("hidden control characters: found, replaced, and escaped in messages") {
  CHECK(!first_hidden_control("Иванова Анна", false));
  CHECK(*first_hidden_control(std::string("a\0b", 3), false) == 0);
  CHECK(*first_hidden_control("a\tb", false) == U'\t');
  CHECK(!first_hidden_control("a\tb\r\n", true));
  CHECK(*first_hidden_control("x\u202Ey", true) == 0x202E);
  CHECK(*first_hidden_control("x\u2066y", true) == 0x2066);
  CHECK(*first_hidden_control("x\u0085y", true) == 0x85);      // C1 NEL
  CHECK(!first_hidden_control("\u2028 \u200F \u2070", true));  // not overrides or isolates
  std::string s = "a\u202Eb\u0007c\td";
  CHECK(replace_hidden_controls(s) == 2);
  CHECK(s == "a\uFFFDb\uFFFDc\td");
  CHECK(quoted_for_message("ab\u202Ec\n") == "\"ab\\u202Ec\\u000A\"");
  CHECK(quoted_for_message("абвгд", 3) == "\"абв…\"");
}
