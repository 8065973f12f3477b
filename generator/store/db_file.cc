#include "store/db_file.h"
#include "core/unique_fd.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace jp {
namespace fs = std::filesystem;

void create_private_db_file(const std::string& path) {
  // Folders made here are the database's own: owner only. Existing ones are not changed.
  std::vector<fs::path> missing;
  for (fs::path p = fs::path(path).parent_path(); !p.empty() && !fs::exists(p); p = p.parent_path())
    missing.push_back(p);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
      throw std::runtime_error(
          fmt::format("cannot make the folder {}: {}", it->string(), std::strerror(errno)));
  // O_EXCL: a file made meanwhile (another import) is left to SQLite's own locking. SQLite
  // gives its journal files the database's mode, so they are owner-only too.
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd && errno != EEXIST)
    throw std::runtime_error(
        fmt::format("cannot make the database {}: {}", path, std::strerror(errno)));
}

std::optional<std::string> db_exposure_warning(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;  // opening it reports that
  if (st.st_mode & S_IROTH)
    return fmt::format(
        "the database {} (every pupil's marks and absences) is readable by every user of this "
        "machine (mode {:04o}); `chmod 600 {}` makes it the owner's only",
        path, st.st_mode & 07777, path);
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  struct stat ds {};
  if (::stat(dir.c_str(), &ds) == 0 && (ds.st_mode & S_IWOTH) && !(ds.st_mode & S_ISVTX))
    return fmt::format(
        "the database's folder {} is writable by every user of this machine (mode {:04o}): "
        "anyone may replace the database; `chmod o-w {}`",
        dir.string(), ds.st_mode & 07777, dir.string());
  return std::nullopt;
}

}  // namespace jp
