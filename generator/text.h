// Russian text: UTF-8 helpers, the composed forms of ё/й, alphabetical order, plurals.
#pragma once

#include <string>
#include <string_view>

namespace jp {

/// Composes `е`/`Е` + U+0308 into `ё`/`Ё` and `и`/`И` + U+0306 into `й`/`Й`: the NFC forms
/// that matter for Russian names (the format compares text in NFC).
std::string nfc_cyrillic(std::string_view s);

/// Number of code points in valid UTF-8.
size_t utf8_length(std::string_view s);

/// A key whose byte order is Russian alphabetical order, case-insensitive, with `ё`
/// right after `е` (the format's rule), Latin after Cyrillic, and the original text
/// as the final tie-break so that the order is total.
std::string collation_key(std::string_view s);

/// Russian plural form: `1 пропуск`, `2 пропуска`, `5 пропусков`.
std::string_view plural(long n, std::string_view one, std::string_view few, std::string_view many);

}  // namespace jp
