// The sample generator's word lists, templates/sample/*.json, compiled into the binary by
// cmake/embed.cmake as the templates are, but apart from them: they are not part of a
// build's fingerprint, and only `sample` reads them.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace jp {

/// File name (e.g. `names.json`) -> content (generated into the build folder).
const std::map<std::string_view, std::string_view>& sample_data_files();

/// The parsed content of one of them; a missing file is a bug of the build.
const nlohmann::json& sample_data(const std::string& name);

}  // namespace jp
