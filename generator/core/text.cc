#include "core/text.h"

#include <glib.h>

#include <cstdint>
#include <cstdio>

namespace jp {
char32_t next_cp(std::string_view s, size_t& i) {
  unsigned char c = s[i];
  int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + n > s.size()) n = 1;
  char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += n;
  return cp;
}

void put_cp(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xc0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += char(0xe0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3f));
    out += char(0x80 | (cp & 0x3f));
  } else {
    out += char(0xf0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3f));
    out += char(0x80 | ((cp >> 6) & 0x3f));
    out += char(0x80 | (cp & 0x3f));
  }
}

bool is_hidden_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

namespace {

/// Only these lead bytes can start a hidden control character: a cheap filter, since
/// every string of a 400,000-mark journal goes through it.
bool may_start_control(unsigned char c) { return c < 0x20 || c == 0x7f || c == 0xc2 || c == 0xe2; }

bool line_break(char32_t cp) { return cp == '\t' || cp == '\n' || cp == '\r'; }

}  // namespace

std::optional<char32_t> first_hidden_control(std::string_view s, bool allow_line_breaks) {
  for (size_t i = 0; i < s.size();) {
    if (!may_start_control(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    char32_t cp = next_cp(s, i);
    if (is_hidden_control(cp) && !(allow_line_breaks && line_break(cp))) return cp;
  }
  return std::nullopt;
}

size_t replace_hidden_controls(std::string& s) {
  if (!first_hidden_control(s, true)) return 0;
  std::string out;
  out.reserve(s.size() + 8);
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = next_cp(s, i);
    if (is_hidden_control(cp) && !line_break(cp)) {
      put_cp(out, 0xfffd);
      ++n;
    } else {
      put_cp(out, cp);
    }
  }
  s = std::move(out);
  return n;
}

std::string quoted_for_message(std::string_view s, size_t max_chars) {
  std::string out = "\"";
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++chars) {
    if (chars == max_chars) {
      out += "…";
      break;
    }
    char32_t cp = next_cp(s, i);
    if (is_hidden_control(cp)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u%04X", unsigned(cp));
      out += buf;
    } else {
      put_cp(out, cp);
    }
  }
  return out + "\"";
}

std::string nfc(std::string_view s) {
  // Fast path: ASCII, and the Cyrillic letters that never combine, are NFC already. A
  // byte from 0xCC up starts a combining mark or a script where composition can happen.
  bool plain = true;
  for (unsigned char c : s)
    if (c >= 0xCC && c != 0xD0 && c != 0xD1) {
      plain = false;
      break;
    }
  if (plain) return std::string(s);
  gchar* out = g_utf8_normalize(s.data(), gssize(s.size()), G_NORMALIZE_DEFAULT_COMPOSE);
  // Null only for invalid UTF-8, which the importer's JSON parser has refused already.
  if (!out) return std::string(s);
  std::string r(out);
  g_free(out);
  return r;
}

std::string casefold(std::string_view s) {
  gchar* out = g_utf8_casefold(s.data(), gssize(s.size()));
  std::string r(out ? out : "");
  g_free(out);
  return r;
}

bool is_zero_width(char32_t cp) {
  return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF ||
         cp == 0x00AD || cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

size_t drop_zero_width(std::string& s, char32_t* first) {
  // Every such character is encoded with a lead byte 0xC2, 0xD8 or 0xE2/0xEF.
  if (s.find_first_of("\xC2\xD8\xE2\xEF") == std::string::npos) return 0;
  std::string out;
  out.reserve(s.size());
  size_t i = 0, n = 0;
  while (i < s.size()) {
    size_t start = i;
    char32_t cp = next_cp(s, i);
    if (is_zero_width(cp)) {
      if (!n++ && first) *first = cp;
    } else {
      out.append(s, start, i - start);
    }
  }
  s = std::move(out);
  return n;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xc0) != 0x80) ++n;
  return n;
}

std::string collation_key(std::string_view s) {
  // Primary weights: Cyrillic letters 0x20.. in alphabet order with ё after е,
  // then Latin, then digits and the rest; case folded. Two bytes per character.
  std::string key;
  key.reserve(s.size() * 2 + 1 + s.size());
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = next_cp(s, i);
    uint16_t w;
    if (cp >= 0x410 && cp <= 0x42f) cp += 0x20;  // А-Я -> а-я
    if (cp == 0x401) cp = 0x451;                 // Ё -> ё
    if (cp >= 0x430 && cp <= 0x44f) {
      int idx = int(cp - 0x430);                              // а=0 ... я=31
      w = uint16_t(0x0100 + (idx <= 5 ? idx : idx + 1) * 2);  // leave room after е (idx 5)
    } else if (cp == 0x451) {
      w = uint16_t(0x0100 + 6 * 2);  // ё right after е
    } else if (cp >= 'A' && cp <= 'Z') {
      w = uint16_t(0x0200 + (cp - 'A'));
    } else if (cp >= 'a' && cp <= 'z') {
      w = uint16_t(0x0200 + (cp - 'a'));
    } else if (cp == ' ' || cp == '-') {
      w = 0x0001;  // separators sort first: "Иванов Пётр" before "Ивановa..."
    } else {
      w = uint16_t(cp < 0xff00 ? 0x0300 + (cp & 0xfff) : 0xffff);
    }
    key += char(w >> 8);
    key += char(w & 0xff);
  }
  key += '\0';
  key += s;
  return key;
}

std::string_view plural(long n, std::string_view one, std::string_view few, std::string_view many) {
  long a = n < 0 ? -n : n;
  long m100 = a % 100, m10 = a % 10;
  if (m100 >= 11 && m100 <= 14) return many;
  if (m10 == 1) return one;
  if (m10 >= 2 && m10 <= 4) return few;
  return many;
}

void xml_escape_to(std::string& out, std::string_view s) {
  // Appended in runs between the characters to replace: a feed escapes megabytes.
  size_t plain = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char* e;
    switch (s[i]) {
      case '&':
        e = "&amp;";
        break;
      case '<':
        e = "&lt;";
        break;
      case '>':
        e = "&gt;";
        break;
      case '"':
        e = "&quot;";
        break;
      default:
        continue;
    }
    out.append(s.substr(plain, i - plain));
    out += e;
    plain = i + 1;
  }
  out.append(s.substr(plain));
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  xml_escape_to(out, s);
  return out;
}

}  // namespace jp
