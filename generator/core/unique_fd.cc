#include "core/unique_fd.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace jp {

TempFile::TempFile(const std::string& prefix) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  UniqueFd fd(::mkstemp(tmpl.data()));
  if (!fd)
    throw std::runtime_error(fmt::format("cannot create a temporary file {}: {}", tmpl,
                                         std::strerror(errno)));
  path_ = tmpl;
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

}  // namespace jp
