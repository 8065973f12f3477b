// Homework, remarks and events are written in CommonMark (data-format.md). The site shows
// them as safe HTML and print as plain text; both read the same tree, so a homework looks
// the same on paper and on the phone.
#pragma once

#include <string>

namespace jp {

/// CommonMark to HTML with raw HTML omitted and unsafe links (javascript:, data:, ...) removed.
std::string markdown_html(const std::string& md);
/// The text of markdown without its markup, for print (paragraphs and list items joined
/// by spaces): `**упр. 5**, с. 12` -> `упр. 5, с. 12`.
/// `with_links`: a link's web address follows its text in brackets (a calendar's notes,
/// where the text is all a parent gets): `[видеоурок](https://...)` -> `видеоурок (https://...)`.
std::string markdown_plain(const std::string& md, bool with_links = false);

}  // namespace jp
