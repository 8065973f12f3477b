#include "publish/web_root.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/files.h"
#include "core/unique_fd.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

/// What site/ holds at its top (site/skeleton): a web root holding only these was
/// published by journalpress before the marker existed, and is taken over.
constexpr const char* kSiteTop[] = {"index.html", "robots.txt", "style.css", "f", ".~tmp~"};

std::string real(const std::string& p) { return resolve_path(p); }

std::string marker_text(const std::string& out) {
  return fmt::format(
      "journalpress publishes the diary site of one output folder into this folder with rsync\n"
      "--delete: everything here that is not the site is deleted at each publish.\n"
      "output: {}\n",
      real(out));
}

/// The output folder a marker names, or empty.
std::string marker_output(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("output: ", 0) == 0) return line.substr(8);
  return {};
}

uint64_t blocks(uint64_t size) { return (size + 4095) / 4096 * 4096; }

/// The source of the file system holding `path` (the longest mount point above it).
std::string device_of(const std::string& path) {
  std::ifstream mounts("/proc/self/mounts");
  std::string best_mount, best_source, source, mount, rest;
  std::string p = real(path);
  while (mounts >> source >> mount && std::getline(mounts, rest)) {
    bool above = mount == "/" || p == mount || p.rfind(mount + "/", 0) == 0;
    if (above && mount.size() >= best_mount.size()) best_mount = mount, best_source = source;
  }
  if (best_source.empty()) return path;
  return best_mount == "/" ? best_source
                           : fmt::format("{} (mounted on {})", best_source, best_mount);
}

}  // namespace

void check_web_root(const std::string& to, const std::string& out) {
  fs::path marker = fs::path(to) / kWebRootMarker;
  struct stat st {};
  if (::lstat(marker.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      throw std::runtime_error(fmt::format(
          "publish.to {}: {} is not a regular file; it is not a web root journalpress made", to,
          marker.string()));
    std::string owner = marker_output(read_file(marker.string(), "web root marker"));
    if (!owner.empty() && owner != real(out))
      throw std::runtime_error(fmt::format(
          "publish.to {} is the web root of another output folder ({}, says {}); publishing "
          "this one ({}) would delete its families' pages. Give each school its own web root "
          "(if the output folder was moved on purpose, delete {})",
          to, owner, marker.string(), real(out), marker.string()));
    return;
  }
  std::vector<std::string> strangers;
  size_t count = 0;
  std::error_code ec;
  for (fs::directory_iterator it(to, ec), end; !ec && it != end; it.increment(ec)) {
    ++count;
    std::string name = it->path().filename().string();
    if (std::find(std::begin(kSiteTop), std::end(kSiteTop), name) == std::end(kSiteTop))
      strangers.push_back(name);
  }
  if (ec)
    throw std::runtime_error(fmt::format("publish.to {}: cannot list it: {}", to, ec.message()));
  if (strangers.empty()) return;  // empty, or a site published before the marker existed
  std::sort(strangers.begin(), strangers.end());
  std::string list;
  for (size_t i = 0; i < strangers.size() && i < 5; ++i) list += (i ? ", " : "") + strangers[i];
  if (strangers.size() > 5) list += fmt::format(" and {} more", strangers.size() - 5);
  throw std::runtime_error(fmt::format(
      "publish.to {} is not empty and journalpress did not make it a web root (it holds {}; "
      "{} {} in all): publishing deletes everything in it that is not the site. Point "
      "publish.to at an empty folder (e.g. mkdir {}/journalpress), or empty this one",
      to, list, count, count == 1 ? "entry" : "entries", to));
}

void claim_web_root(const std::string& to, const std::string& out) {
  check_web_root(to, out);
  fs::path marker = fs::path(to) / kWebRootMarker;
  if (fs::exists(marker) && !marker_output(read_file(marker.string(), "web root marker")).empty())
    return;
  // Created exclusively: two output folders claiming one empty web root at the same moment
  // (two schools' nightly runs with one publish.to) cannot both win; the loser reads the
  // winner's marker and is refused. A marker cut short by a crash is written again whole.
  UniqueFd fd(::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd && errno == EEXIST) {
    check_web_root(to, out);
    write_file_atomic(marker.string(), marker_text(out), 0644);
    return;
  }
  if (!fd)
    throw std::runtime_error(fmt::format("cannot write the web root's marker {}: {}",
                                         marker.string(), std::strerror(errno)));
  std::string text = marker_text(out);
  bool ok = ::write(fd.get(), text.data(), text.size()) == ssize_t(text.size()) &&
            ::fsync(fd.get()) == 0 && fd.close();
  int err = errno;
  if (!ok)
    throw std::runtime_error(fmt::format("cannot write the web root's marker {}: {}",
                                         marker.string(), std::strerror(err)));
}

PublishSpace publish_space(const std::string& site, const std::string& to) {
  PublishSpace s;
  s.needed_bytes = 4096, s.needed_inodes = 1;  // the web root's own .~tmp~
  std::error_code ec;
  fs::path root(site);
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    fs::path rel = it->path().lexically_relative(root);
    fs::path there = fs::path(to) / rel;
    struct stat here {
    }, dest{};
    if (::lstat(it->path().c_str(), &here) != 0) continue;
    bool exists = ::lstat(there.c_str(), &dest) == 0;
    if (S_ISDIR(here.st_mode)) {
      // A new folder, and the .~tmp~ folder rsync makes in each folder that gets files.
      if (!exists) s.needed_bytes += 4096, s.needed_inodes += 1;
      s.needed_bytes += 4096, s.needed_inodes += 1;
    } else if (S_ISREG(here.st_mode)) {
      bool same = exists && S_ISREG(dest.st_mode) && dest.st_size == here.st_size &&
                  dest.st_mtim.tv_sec == here.st_mtim.tv_sec;
      if (!same) s.needed_bytes += blocks(uint64_t(here.st_size)), s.needed_inodes += 1;
    }
  }
  if (ec)
    throw std::runtime_error(fmt::format("cannot list {} to publish it: {}", site, ec.message()));
  struct statvfs v {};
  if (::statvfs(to.c_str(), &v) != 0)
    throw std::runtime_error(fmt::format("cannot read the free space of {}", to));
  s.available_bytes = uint64_t(v.f_bavail) * v.f_frsize;
  // A file system without inode accounting (btrfs, some network ones) says 0 of 0.
  s.available_inodes = v.f_files == 0 ? UINT64_MAX : uint64_t(v.f_favail);
  s.device = device_of(to);
  return s;
}

std::string no_space_message(const PublishSpace& s) {
  auto mb = [](uint64_t b) { return (b + (1 << 20) - 1) >> 20; };
  std::string m = fmt::format("no space left on {} (needs {} MB, has {} MB", s.device,
                              mb(s.needed_bytes), mb(s.available_bytes));
  if (s.needed_inodes > s.available_inodes)
    m += fmt::format("; needs {} free inodes, has {}", s.needed_inodes, s.available_inodes);
  return m + ")";
}

std::vector<std::string> list_folders(const std::string& to) {
  std::vector<std::string> r;
  std::error_code ec;
  fs::path root(to);
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec))
      r.push_back(it->path().lexically_relative(root).string());
  std::sort(r.begin(), r.end());
  return r;
}

std::string undo_failed_publish(const std::string& to, const std::vector<std::string>& before) {
  std::set<std::string> had(before.begin(), before.end());
  std::vector<std::string> now = list_folders(to);
  std::string problems;
  // Deepest first, so that a new folder is empty by the time it is reached.
  std::sort(now.begin(), now.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& rel : now) {
    fs::path p = fs::path(to) / rel;
    std::error_code ec;
    if (p.filename() == ".~tmp~") {
      fs::remove_all(p, ec);
    } else if (!had.count(rel) && fs::is_empty(p, ec)) {
      fs::remove(p, ec);
    } else {
      continue;
    }
    if (ec)
      problems += fmt::format("{}{}: {}", problems.empty() ? "" : "; ", p.string(), ec.message());
  }
  return problems;
}

}  // namespace jp
