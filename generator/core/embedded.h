// The files of templates/ compiled into the binary (see cmake/embed.cmake).
#pragma once

#include <map>
#include <string_view>

namespace jp {

/// File name (e.g. `week.mustache`) -> content.
const std::map<std::string_view, std::string_view>& embedded_files();

}  // namespace jp
