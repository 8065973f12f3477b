#include "writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "secrets.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

void write_all(const fs::path& p, std::string_view bytes, bool sync, mode_t mode = 0644) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot create {}: {}", p.string(), std::strerror(errno)));
  const char* d = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, d, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      throw std::runtime_error(fmt::format("cannot write {}: {}", p.string(), std::strerror(e)));
    }
    d += n;
    left -= size_t(n);
  }
  if (sync && ::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot sync {}: {}", p.string(), std::strerror(e)));
  }
  ::close(fd);
}

void rename_or_throw(const fs::path& a, const fs::path& b) {
  if (std::rename(a.c_str(), b.c_str()) != 0)
    throw std::runtime_error(
        fmt::format("cannot move {} to {}: {}", a.string(), b.string(), std::strerror(errno)));
}

/// Journal lines: `R <from>\t<to>` (rename if `from` still exists), `D <path>` (delete),
/// `E <dir>` (remove if empty). Paths are relative to the output folder.
void apply_journal(const fs::path& out, const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::set<fs::path, std::greater<>> dirs;
  while (std::getline(in, line)) {
    if (line.size() < 2) continue;
    std::string arg = line.substr(2);
    std::error_code ec;
    if (line[0] == 'R') {
      auto tab = arg.find('\t');
      fs::path from = out / arg.substr(0, tab), to = out / arg.substr(tab + 1);
      if (fs::exists(from, ec)) {
        fs::create_directories(to.parent_path(), ec);
        rename_or_throw(from, to);
      }
    } else if (line[0] == 'D') {
      fs::remove(out / arg, ec);
    } else if (line[0] == 'E') {
      dirs.insert(out / arg);
    }
  }
  for (const auto& d : dirs) {  // deepest first
    std::error_code ec;
    if (fs::is_directory(d, ec) && fs::is_empty(d, ec)) fs::remove(d, ec);
  }
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view bytes, bool private_file) {
  fs::create_directories(path.parent_path());
  if (private_file)
    fs::permissions(path.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
  fs::path tmp = path;
  tmp += ".tmp";
  write_all(tmp, bytes, true, private_file ? 0600 : 0644);
  rename_or_throw(tmp, path);
}

void Writer::recover(const fs::path& out_dir, const std::string& name) {
  fs::path journal = out_dir / (".jp-commit-" + name);
  std::error_code ec;
  if (!fs::exists(journal, ec)) return;
  std::ifstream in(journal);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // A journal is complete only with its final line; an incomplete one was never acted on.
  if (text.size() >= 4 && text.compare(text.size() - 4, 4, "END\n") == 0)
    apply_journal(out_dir, text);
  fs::remove_all(out_dir / (".jp-staging-" + name), ec);
  fs::remove(journal, ec);
}

Writer::Writer(fs::path out_dir, std::string name, std::map<std::string, std::string> previous,
               bool dry_run)
    : out_(std::move(out_dir)),
      name_(std::move(name)),
      previous_(std::move(previous)),
      dry_run_(dry_run) {
  target_ = out_ / name_;
  staging_ = out_ / (".jp-staging-" + name_);
  journal_ = out_ / (".jp-commit-" + name_);
  if (dry_run_) return;
  fs::create_directories(out_);
  recover(out_, name_);
  std::error_code ec;
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_);
}

Writer::~Writer() {
  if (!committed_ && !dry_run_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void Writer::stage(const std::string& rel, std::string_view bytes) {
  fs::path p = staging_ / rel;
  std::error_code ec;
  if (!fs::exists(p.parent_path(), ec)) fs::create_directories(p.parent_path());
  write_all(p, bytes, false);
}

void Writer::put(const std::string& rel, std::string_view bytes) { put_many({rel}, bytes); }

void Writer::put_many(const std::vector<std::string>& rels, std::string_view bytes) {
  std::string hash = sha256_hex(bytes);
  for (const auto& rel : rels) {
    bool unchanged;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (state_.count(rel)) throw std::logic_error("the build offered " + rel + " twice");
      state_[rel] = hash;
      auto it = previous_.find(rel);
      std::error_code ec;
      unchanged = it != previous_.end() && it->second == hash &&
                  (dry_run_ || fs::exists(target_ / rel, ec));
      if (unchanged) {
        ++stats_.unchanged;
        continue;
      }
      ++stats_.written;
      changed_.push_back(rel);
      staged_.push_back(rel);
    }
    if (!dry_run_) stage(rel, bytes);
  }
}

WriteStats Writer::commit() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [path, hash] : previous_)
    if (!state_.count(path)) {
      removed_.push_back(path);
      ++stats_.deleted;
    }
  if (dry_run_) {
    committed_ = true;
    return stats_;
  }
  // Plan the moves: a staged file whose folder does not exist yet moves with the
  // highest missing folder, in one rename.
  std::string journal;
  std::set<std::string> moved_dirs;
  std::error_code ec;
  std::string staging_rel = staging_.filename().string();
  std::sort(staged_.begin(), staged_.end());
  for (const auto& rel : staged_) {
    fs::path r(rel);
    fs::path missing;
    for (fs::path prefix; const auto& part : r.parent_path()) {
      prefix /= part;
      if (!fs::exists(target_ / prefix, ec)) {
        missing = prefix;
        break;
      }
    }
    if (!fs::exists(target_, ec)) missing = ".";
    if (!missing.empty()) {
      std::string key = missing.string();
      if (moved_dirs.insert(key).second) {
        if (key == ".")
          journal += fmt::format("R {}\t{}\n", staging_rel, name_);
        else
          journal += fmt::format("R {}/{}\t{}/{}\n", staging_rel, key, name_, key);
      }
      continue;
    }
    journal += fmt::format("R {}/{}\t{}/{}\n", staging_rel, rel, name_, rel);
  }
  std::set<std::string> emptied;
  for (const auto& rel : removed_) {
    journal += fmt::format("D {}/{}\n", name_, rel);
    for (fs::path p = fs::path(rel).parent_path(); !p.empty(); p = p.parent_path())
      emptied.insert(p.string());
  }
  for (const auto& d : emptied) journal += fmt::format("E {}/{}\n", name_, d);
  journal += "END\n";
  write_file_atomic(journal_, journal);
  apply_journal(out_, journal);
  fs::remove_all(staging_, ec);
  fs::remove(journal_, ec);
  committed_ = true;
  return stats_;
}

}  // namespace jp
