// Russian text: UTF-8 helpers, the composed forms of ё/й, alphabetical order, plurals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jp {

/// Unicode Normalization Form C of valid UTF-8, all of Unicode (glib's tables): `Zoë`
/// typed with a combining diaeresis and `ё`/`й` typed as two characters come out as one
/// (the format compares text in NFC, and the PDFs draw and give back the composed text).
std::string nfc(std::string_view s);

/// True for the zero-width characters a name must not hold (they are invisible and make
/// two equal-looking names differ): ZWSP, ZWNJ, ZWJ, WORD JOINER, ZWNBSP (BOM), soft hyphen,
/// and the LRM/RLM/ALM marks.
bool is_zero_width(char32_t cp);

/// Removes the zero-width characters of `s` (see is_zero_width); returns how many were
/// dropped and sets `*first` (when given) to the first of them.
size_t drop_zero_width(std::string& s, char32_t* first = nullptr);

/// Decodes the code point at byte `i` and moves `i` past it; invalid bytes decode as
/// themselves (the importer has already rejected invalid UTF-8, so this only has to be
/// safe, not strict).
char32_t next_cp(std::string_view s, size_t& i);
/// Appends `cp` as UTF-8.
void put_cp(std::string& out, char32_t cp);

/// Number of code points in valid UTF-8.
size_t utf8_length(std::string_view s);

/// `s` case-folded (all of Unicode, glib's tables): for comparing names as case-blind
/// programs do (`Четверть` and `четверть` are one worksheet name to Excel).
std::string casefold(std::string_view s);

/// True for the code points that must not reach a page, a PDF or a spreadsheet unseen:
/// C0 and C1 control characters (NUL included), DEL, and the bidirectional overrides and
/// isolates U+202A-U+202E, U+2066-U+2069 (they reorder what a reader sees: "Trojan Source").
/// Tab, line feed and carriage return count too: callers that allow them say so.
bool is_hidden_control(char32_t cp);

/// The first hidden control character of `s` (see is_hidden_control), ignoring tab, line
/// feed and carriage return if `allow_line_breaks`.
std::optional<char32_t> first_hidden_control(std::string_view s, bool allow_line_breaks);

/// Replaces every hidden control character except tab, line feed and carriage return by
/// U+FFFD (the visible replacement character, `�`); returns how many were replaced.
size_t replace_hidden_controls(std::string& s);

/// `s` quoted for a message: hidden control characters as `\uXXXX`, at most `max_chars`
/// characters (then `…`), so that a diagnostic can neither be rewritten on the terminal
/// nor run to megabytes.
std::string quoted_for_message(std::string_view s, size_t max_chars = 100);
/// `"s"`, whole: an id or a code named in a message.
inline std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

/// A key whose byte order is Russian alphabetical order, case-insensitive, with `ё`
/// right after `е` (the format's rule), Latin after Cyrillic, and the original text
/// as the final tie-break so that the order is total.
std::string collation_key(std::string_view s);

/// Russian plural form: `1 пропуск`, `2 пропуска`, `5 пропусков`.
std::string_view plural(long n, std::string_view one, std::string_view few, std::string_view many);

/// `&`, `<`, `>` and `"` as XML's and HTML's entities (text and attribute values).
std::string xml_escape(const std::string& s);
/// The same, appended to `out`.
void xml_escape_to(std::string& out, std::string_view s);

}  // namespace jp
