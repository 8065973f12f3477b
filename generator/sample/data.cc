#include "sample/data.h"

#include <stdexcept>

namespace jp {

const nlohmann::json& sample_data(const std::string& name) {
  static const auto parsed = [] {
    std::map<std::string, nlohmann::json, std::less<>> m;
    for (const auto& [file, text] : sample_data_files())
      m.emplace(std::string(file), nlohmann::json::parse(text));
    return m;
  }();
  auto it = parsed.find(name);
  if (it == parsed.end()) throw std::logic_error("templates/sample/ has no " + name);
  return it->second;
}

}  // namespace jp
