#include "core/files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "core/unique_fd.h"

namespace jp {

std::optional<std::string> try_read_file(const std::string& path, std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return fmt::format("cannot read the file: {}", std::strerror(errno));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return "not a regular file; regular files only";
  text.clear();
  text.reserve(size_t(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fmt::format("cannot read the file: {}", std::strerror(errno));
    if (n == 0) break;
    text.append(buf, size_t(n));
  }
  return std::nullopt;
}

std::string read_file(const std::string& path, std::string_view what) {
  std::string text;
  if (auto why = try_read_file(path, text))
    throw std::runtime_error(fmt::format("cannot read the {} {}: {}", what, path, *why));
  return text;
}

std::optional<std::string> read_file_if_exists(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return std::nullopt;
  return read_file(path, "file");
}

void write_file_atomic(const std::string& path, std::string_view bytes, mode_t mode) {
  std::string tmp = path + ".tmp";
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT)
    throw std::runtime_error(
        fmt::format("cannot remove the leftover {}: {}", tmp, std::strerror(errno)));
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd)
    throw std::runtime_error(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  size_t done = 0;
  bool ok = true;
  while (ok && done < bytes.size()) {
    ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += size_t(n);
  }
  ok = ok && ::fchmod(fd.get(), mode) == 0 && ::fsync(fd.get()) == 0 && fd.close();
  int saved = errno;
  fd.reset();
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(saved)));
  }
}

std::string resolve_path(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p = fs::absolute(fs::path(path)).lexically_normal();
  // Walk up to the deepest part that exists, resolve it, and put the rest back.
  fs::path existing = p, rest;
  while (!existing.empty()) {
    char buf[PATH_MAX];
    if (::realpath(existing.c_str(), buf)) {
      fs::path r = fs::path(buf) / rest;
      std::string s = r.lexically_normal().string();
      while (s.size() > 1 && s.back() == '/') s.pop_back();
      return s;
    }
    if (existing == existing.root_path()) break;
    rest = rest.empty() ? existing.filename() : existing.filename() / rest;
    existing = existing.parent_path();
  }
  std::string s = p.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool path_within(const std::string& inner, const std::string& outer) {
  if (outer == "/") return true;
  return inner == outer || (inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
                            inner[outer.size()] == '/');
}

}  // namespace jp
