// The files of templates/ compiled into the binary (see cmake/embed.cmake).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace jp {

/// File name (e.g. `week.mustache`) -> content.
const std::map<std::string_view, std::string_view>& embedded_files();

/// The names and contents of the reports' own templates (`report*`: report.mustache,
/// reports.css), or of all the others (what the site and the archive are made from), one
/// after the other: what an output's fingerprint digests.
inline std::string embedded_text(bool reports_own) {
  std::string all;
  for (const auto& [name, text] : embedded_files())
    if (name.starts_with("report") == reports_own)
      all += std::string(name) + "\n" + std::string(text) + "\n";
  return all;
}

}  // namespace jp
